import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { openShop, type Shop } from '../support/fullApp.js';
import { startServerApp } from '../support/serverApp.js';
import { createScratchDatabase, postgresServerUrl } from '../support/services.js';
import { startTcpProxy, type ProxyMode } from '../support/tcpProxy.js';

/**
 * The outage drill of issue 8: the real app on PostgreSQL behind a proxy the test controls, a few
 * tills selling without pause, and the network failing under them three ways. Each fault lasts
 * OUTAGE_FAULT_MS (10 s by default; shorten it locally).
 */
const serverUrl = postgresServerUrl();

const FAULT_MS = Number(process.env.OUTAGE_FAULT_MS ?? 10_000);
const FAULTS: readonly Exclude<ProxyMode, 'pass'>[] = ['stop', 'blackhole', 'reset'];
/** Healthy time after each fault: recovery must come within RECOVERY_MS, then the tills sell on. */
const CALM_MS = 6_000;
const RECOVERY_MS = 5_000;
const TILLS = 4;
const TIMEOUTS = { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '2000', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5000' };
/** No answer may take longer than the statement timeout and a second. */
const SLOWEST_MS = Number(TIMEOUTS.DATABASE_STATEMENT_TIMEOUT_MS) + 1_000;

type Answer = Readonly<{ till: number; url: string; status: number; code: string | undefined; retryAfter: string | null; ms: number; at: number }>;
type Acknowledged = Readonly<{ orderId: string; key: string; url: string }>;

type Load = {
  readonly answers: Answer[];
  readonly acknowledged: Acknowledged[];
  readonly failures: string[];
  sales: number;
  stopping: boolean;
};

/** Read anew after each await (the drill's end is set from outside). */
const isStopping = (load: Load): boolean => load.stopping;

/** One POST, retried with its Idempotency-Key while the answer says "later" (503, or the key in flight). */
async function send(base: string, till: number, token: string, url: string, body: unknown, load: Load): Promise<boolean> {
  const key = randomUUID();
  while (!load.stopping) {
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      // The API itself must stay up: a refused or dropped HTTP connection is a failure of the drill.
      load.failures.push(`till ${till}: POST ${url} got no answer: ${String(error)}`);
      return false;
    }
    const text = await response.text();
    const ms = performance.now() - started;
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    load.answers.push({ till, url, status: response.status, code, retryAfter: response.headers.get('retry-after'), ms, at: performance.now() });
    if (response.ok) {
      load.acknowledged.push({ orderId: url.split('/')[3] ?? (body as { orderId: string }).orderId, key, url });
      return true;
    }
    const later = response.status === 503 || code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
    if (!later) {
      load.failures.push(`till ${till}: POST ${url} answered ${response.status} ${text}`);
      return false;
    }
    // A till honours Retry-After (whole seconds), checking now and then whether the drill ended.
    const waitUntil = performance.now() + Number(response.headers.get('retry-after') ?? '1') * 1_000;
    while (!isStopping(load) && performance.now() < waitUntil) await sleep(100);
  }
  return false;
}

/** A till selling one sale after another: open, two lines, a card payment for what is due, complete. */
async function till(base: string, index: number, shop: Shop, load: Load): Promise<void> {
  const token = shop.tokens.cashier;
  while (!load.stopping) {
    const orderId = randomUUID();
    const steps: readonly (readonly [string, unknown])[] = [
      ['/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId }],
      [`/v1/orders/${orderId}/lines`, { lineId: 'l1', sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 2, taxRateId: 'standard' }],
      [`/v1/orders/${orderId}/lines`, { lineId: 'l2', sku: 'CRO', name: 'Croissant', unitPrice: 180, quantity: 1, taxRateId: 'standard' }],
      [`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 680, processorReference: `auth-${orderId}` } }],
      [`/v1/orders/${orderId}/complete`, {}],
    ];
    for (const [url, body] of steps) {
      if (!(await send(base, index, token, url, body, load))) return;
    }
    load.sales++;
  }
}

/** Until a fresh command is acknowledged; answers when, or undefined if not within `withinMs`. */
async function firstServedAfter(base: string, shop: Shop, withinMs: number): Promise<number | undefined> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.tokens.cashier}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId }),
      signal: AbortSignal.timeout(withinMs),
    }).catch(() => undefined);
    await response?.text();
    if (response?.status === 201) return performance.now();
    await sleep(100);
  }
  return undefined;
}

describe.runIf(serverUrl)('outage drill: the API on PostgreSQL behind a failing network, under a steady load of tills', () => {
  it(
    `stop, black hole and reset, ${FAULT_MS / 1000} s each: no crash, no 500, bounded answers, service back within 5 s, no acknowledged command lost`,
    async () => {
      const scratch = await createScratchDatabase(serverUrl ?? '');
      const upstream = new URL(scratch.url);
      const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
      // Four tills on one loopback address sell flat out: the drill is about the database, not the rate limits.
      const full = await startServerApp(proxy.url(scratch.url), { ...TIMEOUTS, RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_TENANT: '0' });
      try {
        const shop = await openShop(full);
        const base = await full.app.listen({ host: '127.0.0.1', port: 0 });
        const load: Load = { answers: [], acknowledged: [], failures: [], sales: 0, stopping: false };
        const tills = Array.from({ length: TILLS }, (_, index) => till(base, index, shop, load));

        const recoveries: { fault: ProxyMode; ms: number | undefined }[] = [];
        await sleep(CALM_MS);
        for (const fault of FAULTS) {
          await proxy.setMode(fault);
          await sleep(FAULT_MS);
          await proxy.setMode('pass');
          const ended = performance.now();
          const served = await firstServedAfter(base, shop, RECOVERY_MS);
          recoveries.push({ fault, ms: served === undefined ? undefined : Math.round(served - ended) });
          await sleep(Math.max(0, CALM_MS - (performance.now() - ended)));
        }
        load.stopping = true;
        await Promise.all(tills);

        // Every answer is a success, a refusal, or "later" (503 with Retry-After): never a 500.
        const unexpected = load.answers.filter((a) => !(a.status < 500 || (a.status === 503 && a.retryAfter !== null)));
        expect(unexpected).toEqual([]);
        expect(load.failures).toEqual([]);
        // No request waits on the database without bound.
        const slow = load.answers.filter((a) => a.ms > SLOWEST_MS).map((a) => ({ url: a.url, status: a.status, ms: Math.round(a.ms) }));
        expect(slow).toEqual([]);
        // The faults were felt (503s) and the tills sold around them.
        expect(load.answers.some((a) => a.status === 503 && a.code === 'SERVICE_UNAVAILABLE')).toBe(true);
        expect(load.sales).toBeGreaterThan(TILLS);
        for (const recovery of recoveries) {
          expect(recovery.ms, `service back after ${recovery.fault}`).toBeDefined();
          expect(recovery.ms ?? Infinity, `service back after ${recovery.fault}`).toBeLessThanOrEqual(RECOVERY_MS);
        }

        // Every acknowledged command's events are in the store, found by its Idempotency-Key.
        const lost: Acknowledged[] = [];
        for (const command of load.acknowledged) {
          const events = await full.eventStore.readStream(streams.order(shop.tenantId, command.orderId));
          if (!events.some((event) => event.metadata.idempotencyKey === command.key)) lost.push(command);
        }
        expect(lost).toEqual([]);
        console.info(
          `outage drill: ${load.sales} sales, ${load.acknowledged.length} commands acknowledged, ` +
            `${load.answers.filter((a) => a.status === 503).length} answered 503, ` +
            `slowest ${Math.round(Math.max(...load.answers.map((a) => a.ms)))} ms, recoveries ${JSON.stringify(recoveries)}`,
        );
      } finally {
        await full.close();
        await proxy.close();
        await scratch.drop();
      }
    },
    3 * FAULT_MS + 4 * CALM_MS + 40_000,
  );
});
