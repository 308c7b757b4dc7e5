import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecodedEventType } from '../../src/application/events/decodeEvent.js';
import { formatPosition, type EventStore, type NewEvent } from '../../src/application/ports/eventStore.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { drawerCashProjection, type DrawerCashTables } from '../../src/projections/drawerCash/drawerCashProjection.js';
import { readModel, type Projection } from '../../src/projections/projection.js';
import type { ReadModel } from '../../src/projections/readModel.js';
import { Progress } from '../../src/projections/progress.js';
import { createReadModelAccess } from '../../src/projections/readModelAccess.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerDeps } from '../../src/projections/runner.js';
import { anEvent } from '../support/events.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

const clock = { now: () => new Date() };
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

type CountTables = { opened: { tenant_id: string; orders: string | number | bigint } };

/** Orders opened per tenant: small enough to recompute by hand, with a hook to fail on chosen events. */
function countingModel(name: string, version = 1, failOn: (eventId: string) => boolean = () => false): ReadModel<CountTables> {
  return {
    kind: 'read_model',
    name,
    version,
    handles: new Set<DecodedEventType>(['OrderOpened']),
    async createTables(trx) {
      await sql`CREATE TABLE opened (tenant_id text PRIMARY KEY, orders bigint NOT NULL)`.execute(trx);
    },
    async applyBatch(trx, events) {
      const counts = new Map<string, number>();
      for (const event of events) {
        if (failOn(event.envelope.eventId)) throw new Error(`cannot apply ${event.envelope.eventId}`);
        counts.set(event.tenantId, (counts.get(event.tenantId) ?? 0) + 1);
      }
      if (counts.size === 0) return;
      await trx
        .insertInto('opened')
        .values([...counts].map(([tenantId, orders]) => ({ tenant_id: tenantId, orders })))
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ orders: sql`opened.orders + excluded.orders` }))
        .execute();
    },
  };
}

const opened = (tenantId: string): NewEvent => anEvent({ tenantId, type: 'OrderOpened', data: { orderId: randomUUID() } });

async function openOrders(store: EventStore, tenantId: string, count: number): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const event = opened(tenantId);
    events.push(event);
    await store.appendToStream(`order-${tenantId}/${randomUUID()}`, [event], { expectedRevision: 'no_stream' });
  }
  return events;
}

async function countsOf(db: Kysely<Database & CountTables>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('opened').selectAll().orderBy('tenant_id').execute();
  return Object.fromEntries(rows.map((row) => [row.tenant_id, Number(row.orders)]));
}

async function liveGeneration(db: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await db.selectFrom('projection_checkpoints').select('generation').where('name', '=', name).where('state', '=', 'live').executeTakeFirst();
  return row?.generation;
}

async function schemaExists(db: Kysely<Database>, schema: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${schema}`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

describe.each(storageTargets())('projection runner on %s', (_target, open) => {
  let storage: OpenedStorage;
  const runners: ProjectionRunner[] = [];
  const run = (projections: readonly Projection[], options: Partial<ProjectionRunnerDeps> = {}): ProjectionRunner => {
    const runner = createProjectionRunner({ db: storage.postgres.db, eventStore: storage.eventStore, clock, logger, projections, retryDelayMs: 5, maxRetryDelayMs: 20, ...options });
    runners.push(runner);
    return runner;
  };
  const access = (names: readonly string[]) => createReadModelAccess({ db: storage.postgres.db, names: new Set(names), progress: new Progress() });

  beforeEach(async () => {
    storage = await open();
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await storage.dispose();
  });

  it('a failure after the rows are written and before the checkpoint, then a restart: nothing is counted twice', async () => {
    const D1 = 'drawer-1';
    const orders = [1, 2, 3, 4].map(() => `order-t1/${randomUUID()}`);
    for (const [index, streamId] of orders.entries()) {
      await storage.eventStore.appendToStream(
        streamId,
        [anEvent({ tenantId: 't1', type: 'PaymentAdded', data: { paymentId: 'p1', tender: { method: 'cash', amount: 1_000 * (index + 1) }, drawerId: D1 } })],
        { expectedRevision: 'no_stream' },
      );
    }
    // The first process writes the batch's rows, then dies before its checkpoint commits.
    let crashed = 0;
    const crashing: ReadModel<DrawerCashTables> = {
      ...drawerCashProjection,
      async applyBatch(trx, events) {
        await drawerCashProjection.applyBatch(trx, events);
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM drawer_cash_open_payments`.execute(trx);
        expect(rows[0]?.n).toBe(events.length);
        crashed += 1;
        throw new Error('process killed before the checkpoint');
      },
    };
    const first = run([readModel(crashing)], { poisonAttempts: 1_000, catchUpTimeoutMs: 500 });
    await expect(first.catchUp('drawer_cash')).rejects.toMatchObject({ code: 'READ_MODEL_BEHIND' });
    expect(crashed).toBeGreaterThan(0);
    await first.stop();
    // A restart with the same code (and generation) applies the log once.
    const second = run([readModel(drawerCashProjection)]);
    await second.start();
    await second.catchUp('drawer_cash');
    const db = await access(['drawer_cash']).tables<DrawerCashTables>('drawer_cash');
    const drawer = await db.selectFrom('drawer_cash').selectAll().executeTakeFirstOrThrow();
    expect(Number(drawer.cash_tendered)).toBe(1_000 + 2_000 + 3_000 + 4_000);
    expect(await db.selectFrom('drawer_cash_open_payments').select('stream_id').execute()).toHaveLength(4);
    expect(await liveGeneration(storage.postgres.db, 'drawer_cash')).toBe(1);
  });

  it('a poison event halts only its projection; the rest stay current; resume and skip move it on, recorded', async () => {
    const before = await openOrders(storage.eventStore, 't1', 3);
    const poison = opened('t1');
    await storage.eventStore.appendToStream(`order-t1/${randomUUID()}`, [poison], { expectedRevision: 'no_stream' });
    let fixed = false;
    const fragile = countingModel('fragile', 1, (id) => id === poison.eventId && !fixed);
    const healthy = countingModel('healthy');
    const runner = run([readModel(fragile), readModel(healthy)], { poisonAttempts: 3 });
    await runner.start();
    const status = async (name: string) => (await runner.status()).find((row) => row.name === name && row.state !== 'retired');
    await expect.poll(async () => (await status('fragile'))?.halt?.eventId, { timeout: 10_000 }).toBe(poison.eventId);
    const halt = (await status('fragile'))?.halt;
    expect(halt).toMatchObject({ eventType: 'OrderOpened', attempts: 3 });
    expect(halt?.error).toContain(`cannot apply ${poison.eventId}`);
    const failures = await storage.postgres.db.selectFrom('projection_failures').selectAll().execute();
    expect(failures).toEqual([expect.objectContaining({ name: 'fragile', event_id: poison.eventId, position: formatPosition(halt?.position ?? { commit: 0n, prepare: 0n }), resolution: null })]);

    // The healthy model follows on, the halted one does not.
    await openOrders(storage.eventStore, 't2', 2);
    await expect.poll(async () => (await status('healthy'))?.lagEvents, { timeout: 5_000 }).toBe(0);
    const models = access(['fragile', 'healthy']);
    expect(await countsOf(await models.tables<CountTables>('healthy'))).toEqual({ t1: 4, t2: 2 });
    // A first build that halted never went live: its queries say so.
    await expect(models.tables('fragile')).rejects.toMatchObject({ code: 'READ_MODEL_BUILDING' });
    expect((await status('fragile'))?.lagEvents).toBe(3);
    await expect(runner.catchUp('fragile')).rejects.toMatchObject({ code: 'READ_MODEL_HALTED' });
    expect(before).toHaveLength(3);

    // Resumed without a fix: it halts again, a second record.
    expect(await runner.resume('fragile', 'test')).toBe(true);
    await expect.poll(async () => (await storage.postgres.db.selectFrom('projection_failures').select('id').where('resolution', 'is', null).execute()).length, { timeout: 10_000 }).toBe(1);
    // Skipping a position that is not the halt's is refused.
    await expect(runner.skip('fragile', { commit: 1n, prepare: 1n }, 'test')).rejects.toThrow(RangeError);
    // Skipped: recorded, and the model goes on without that one event.
    const at = (await status('fragile'))?.halt?.position;
    if (!at) throw new Error('not halted');
    await runner.skip('fragile', at, 'auditor-test');
    await expect.poll(async () => (await status('fragile'))?.state, { timeout: 5_000 }).toBe('live');
    expect(await countsOf(await models.tables<CountTables>('fragile'))).toEqual({ t1: 3, t2: 2 });
    const resolved = await storage.postgres.db.selectFrom('projection_failures').select(['resolution', 'resolved_by']).orderBy('id').execute();
    expect(resolved).toEqual([
      { resolution: 'resumed', resolved_by: 'test' },
      { resolution: 'skipped', resolved_by: 'auditor-test' },
    ]);
    fixed = true;
  });

  it('resume after a fix applies the poison event and goes on', async () => {
    const poison = opened('t1');
    await storage.eventStore.appendToStream(`order-t1/${randomUUID()}`, [opened('t1'), poison, opened('t1')], { expectedRevision: 'no_stream' });
    let fixed = false;
    const runner = run([readModel(countingModel('fragile', 1, (id) => id === poison.eventId && !fixed))], { poisonAttempts: 2 });
    await runner.start();
    await expect.poll(async () => (await runner.status())[0]?.halt?.eventId, { timeout: 10_000 }).toBe(poison.eventId);
    fixed = true;
    expect(await runner.resume('fragile', 'test')).toBe(true);
    await expect.poll(async () => (await runner.status())[0]?.state, { timeout: 5_000 }).toBe('live');
    expect(await countsOf(await access(['fragile']).tables<CountTables>('fragile'))).toEqual({ t1: 3 });
  });

  it('a rebuild while commands and queries run: queries keep answering, never empty or half-built, and the switched model equals the live one', async () => {
    // Each batch takes a few milliseconds more, so the rebuild lasts long enough to be queried under.
    const counting = countingModel('orders_count');
    const model = readModel<CountTables>({
      ...counting,
      async applyBatch(trx, events) {
        await sleep(5);
        await counting.applyBatch(trx, events);
      },
    });
    const expected = new Map<string, number>();
    const add = async (tenantId: string, count: number): Promise<void> => {
      await openOrders(storage.eventStore, tenantId, count);
      expected.set(tenantId, (expected.get(tenantId) ?? 0) + count);
    };
    for (const tenant of ['t1', 't2', 't3']) await add(tenant, 40);
    const api = run([model], { batchSize: 7 });
    await api.start();
    await api.catchUp('orders_count');
    const models = access(['orders_count']);
    const generationBefore = await liveGeneration(storage.postgres.db, 'orders_count');

    // Flags the test flips while the loops run (objects, so the loops read them afresh).
    const running = { writing: true, querying: true };
    const writer = (async () => {
      for (let round = 0; running.writing && round < 200; round += 1) await add(`t${(round % 3) + 1}`, 1);
    })();
    let lastTotal = 0;
    let reads = 0;
    const reader = (async () => {
      while (running.querying) {
        const total = Object.values(await countsOf(await models.tables<CountTables>('orders_count'))).reduce((a, b) => a + b, 0);
        // Every answer is a whole generation's: never empty, never fewer orders than an earlier answer.
        expect(total).toBeGreaterThanOrEqual(Math.max(lastTotal, 120));
        lastTotal = total;
        reads += 1;
        await sleep(1);
      }
    })();
    // Another process (the CLI) rebuilds, in small batches so it takes a while.
    const cli = run([model], { batchSize: 5 });
    const readsBefore = reads;
    const read = await cli.rebuild(['orders_count']);
    const readsDuring = reads - readsBefore;
    // The API's follower feeds the new generation too (exactly once between them), so the CLI reads part of the log.
    expect(read).toBeGreaterThan(0);
    running.writing = false;
    await writer;
    running.querying = false;
    await reader;
    expect(readsDuring).toBeGreaterThan(3);
    expect(await liveGeneration(storage.postgres.db, 'orders_count')).toBe((generationBefore ?? 0) + 1);
    // The switched generation went live with statistics (reltuples is -1 for a table never analyzed).
    const { rows: tables } = await sql<{ relname: string; reltuples: number }>`
      SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN projection_checkpoints p ON p.schema_name = n.nspname
       WHERE p.name = 'orders_count' AND p.state = 'live' AND c.relkind = 'r'`.execute(storage.postgres.db);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table.reltuples, table.relname).toBeGreaterThanOrEqual(0);
    const head = await api.catchUp('orders_count');
    expect(await countsOf(await models.tables<CountTables>('orders_count', head ? { after: head } : {}))).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('a version bump at start rebuilds blue/green: the old generation serves until the new one has caught up, then it is dropped', async () => {
    await openOrders(storage.eventStore, 't1', 30);
    const v1 = run([readModel(countingModel('versioned', 1))]);
    await v1.start();
    await v1.catchUp('versioned');
    await v1.stop();
    const models = access(['versioned']);
    expect(await liveGeneration(storage.postgres.db, 'versioned')).toBe(1);
    // v2 applies slowly (two events a batch, 40 ms each), so its build is seen under way while v1's generation answers.
    const slow = countingModel('versioned', 2);
    const delayed: ReadModel<CountTables> = {
      ...slow,
      async applyBatch(trx, events) {
        await sleep(40);
        await slow.applyBatch(trx, events);
      },
    };
    const v2 = run([readModel(delayed)], { retiredGraceMs: 200, batchSize: 2 });
    await v2.start();
    await expect.poll(async () => (await v2.status()).map((row) => `${row.generation}:${row.state}`).sort(), { timeout: 5_000, interval: 10 }).toEqual(['1:live', '2:building']);
    expect(await countsOf(await models.tables<CountTables>('versioned'))).toEqual({ t1: 30 });
    await openOrders(storage.eventStore, 't2', 1);
    await expect.poll(() => liveGeneration(storage.postgres.db, 'versioned'), { timeout: 5_000 }).toBe(2);
    await expect.poll(async () => countsOf(await models.tables<CountTables>('versioned')), { timeout: 5_000 }).toEqual({ t1: 30, t2: 1 });
    await expect.poll(() => schemaExists(storage.postgres.db, 'rm_versioned_1'), { timeout: 5_000 }).toBe(false);
    expect(await schemaExists(storage.postgres.db, 'rm_versioned_2')).toBe(true);
  });
});
