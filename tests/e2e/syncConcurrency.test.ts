import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderKind } from '../../src/application/commands/kinds.js';
import { streams } from '../../src/application/events/streams.js';
import { loadAggregate } from '../../src/application/handleCommand.js';
import { BATCH_LOCK_KEY } from '../../src/infrastructure/idempotency/batchLock.js';
import { DEFAULT_LEASE_MS, createIdempotencyStore } from '../../src/infrastructure/idempotency/idempotencyStore.js';
import { call, openShop, type FullApp, type Shop } from '../support/fullApp.js';
import { postgresServerUrl } from '../support/services.js';
import { startSyncApp } from './syncApp.js';

type SyncResult = Readonly<{ idempotencyKey: string; outcome: string; status: number; body: unknown }>;
type SyncCommand = Readonly<{ idempotencyKey: string; clientTime: string; method: 'POST'; path: string; body: Readonly<Record<string, unknown>> }>;

/** A small fixed-seed generator: the same batches on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A worker thread spinning until terminated: the tills' postings race on a busy machine. */
function busyWorker(): Worker {
  return new Worker('for (;;) { Math.sqrt(Math.random()); }', { eval: true });
}

const SEED = 8_2026;
const ROUNDS = 6;
const POSTINGS = 5;

function sales(shop: Shop, random: () => number, orderIds: readonly string[]): SyncCommand[] {
  const started = Date.now() - 60 * 60_000;
  const commands: SyncCommand[] = [];
  const cmd = (path: string, body: Readonly<Record<string, unknown>>): void => {
    commands.push({ idempotencyKey: `till:${randomUUID()}`, clientTime: new Date(started + commands.length * 1000).toISOString(), method: 'POST', path, body });
  };
  for (const orderId of orderIds) {
    cmd('/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId });
    let due = 0;
    const lines = 1 + Math.floor(random() * 3);
    for (let i = 0; i < lines; i++) {
      const unitPrice = 100 + Math.floor(random() * 800);
      const quantity = 1 + Math.floor(random() * 3);
      due += unitPrice * quantity;
      cmd(`/v1/orders/${orderId}/lines`, { lineId: `l${i}`, sku: `SKU-${i}`, name: `Article ${i}`, unitPrice, quantity, taxRateId: 'standard' });
    }
    // Exactly what is due once every line is in: paid before a line lands, it is refused.
    cmd(`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: due, processorReference: `ref-${orderId}` } });
    cmd(`/v1/orders/${orderId}/complete`, {});
  }
  return commands;
}

function syncSuite(name: string, serverUrl: () => string | undefined): void {
  describe(name, () => {
    let full: FullApp;
    let shop: Shop;
    beforeAll(async () => {
      full = await startSyncApp(serverUrl());
      shop = await openShop(full);
    });
    afterAll(async () => {
      await full.close();
    });

    const sync = (commands: readonly SyncCommand[]) =>
      call(full.app, 'POST', '/v1/sync', { token: shop.tokens.cashier, body: { deviceId: shop.deviceId, commands } });

    async function expectEachAppliedOnceAndComplete(orderIds: readonly string[], commands: readonly SyncCommand[]): Promise<void> {
      const perKey = new Map<string, number>();
      for (const orderId of orderIds) {
        const loaded = await loadAggregate(full.eventStore, orderKind, streams.order(shop.tenantId, orderId));
        expect(loaded.state.status, `order ${orderId}`).toBe('completed');
        for (const event of loaded.events) {
          const key = event.metadata.idempotencyKey ?? '(none)';
          perKey.set(key, (perKey.get(key) ?? 0) + 1);
        }
      }
      expect(Object.fromEntries(perKey)).toEqual(Object.fromEntries(commands.map((c) => [c.idempotencyKey, 1])));
    }

    it(`one batch posted ${POSTINGS} times at once, ${ROUNDS} rounds under CPU load: every command applied once, every sale complete`, async () => {
      const random = mulberry32(SEED);
      const load = busyWorker();
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const orderIds = [randomUUID(), randomUUID()];
          const commands = sales(shop, random, orderIds);
          const postings = await Promise.all(Array.from({ length: POSTINGS }, () => sync(commands)));
          for (const posting of postings) {
            expect(posting.statusCode, posting.body).toBe(200);
            const results = posting.json<{ results: SyncResult[] }>().results;
            expect(results.map((r) => [r.idempotencyKey, r.status])).toEqual(commands.map((c) => [c.idempotencyKey, c.path === '/v1/orders' ? 201 : 200]));
          }
          const outcomes = postings.flatMap((p) => p.json<{ results: SyncResult[] }>().results.map((r) => r.outcome));
          // Each command applied by exactly one posting; the others replayed its answer.
          expect(outcomes.filter((o) => o === 'applied')).toHaveLength(commands.length);
          expect(outcomes.filter((o) => o === 'replayed')).toHaveLength(commands.length * (POSTINGS - 1));
          await expectEachAppliedOnceAndComplete(orderIds, commands);
        }
      } finally {
        await load.terminate();
      }
    }, 120_000);

    it('a till killed mid-batch (its batch lock and a key left in flight) gets its answers within 5 s when it retries at once', async () => {
      const orderIds = [randomUUID()];
      const commands = sales(shop, mulberry32(SEED + 1), orderIds);
      const payment = commands.findIndex((c) => c.path.endsWith('/payments'));
      // The first post got as far as the payment: it committed, but the process died before
      // recording the answer, holding the till's batch lock.
      const first = await sync(commands.slice(0, payment + 1));
      expect(first.statusCode, first.body).toBe(200);
      const now = new Date();
      await full.db
        .updateTable('idempotency_keys')
        .set({ state: 'in_flight', claim_token: randomUUID(), response_status: null, response_body: null, response_headers: null, locked_until: new Date(now.getTime() + DEFAULT_LEASE_MS) })
        .where('key', '=', commands[payment]!.idempotencyKey)
        .execute();
      const dead = await createIdempotencyStore(full.db).claim({ tenantId: shop.tenantId, deviceId: shop.deviceId, key: BATCH_LOCK_KEY }, 'sync-batch', now);
      expect(dead.kind).toBe('claimed');

      const started = Date.now();
      const retry = await sync(commands);
      const elapsed = Date.now() - started;
      expect(retry.statusCode, retry.body).toBe(200);
      const results = retry.json<{ results: SyncResult[] }>().results;
      expect(results.map((r) => r.outcome)).toEqual(commands.map((_, i) => (i < payment ? 'replayed' : 'applied')));
      expect(elapsed).toBeLessThan(5_000);
      await expectEachAppliedOnceAndComplete(orderIds, commands);
    }, 30_000);
  });
}

syncSuite('sync under concurrency (embedded database)', () => undefined);

const serverUrl = postgresServerUrl();
describe.runIf(serverUrl)('on a PostgreSQL server', () => {
  syncSuite('sync under concurrency (PostgreSQL server)', () => serverUrl);
});
