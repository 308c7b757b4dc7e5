import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type Postgres } from '../../src/infrastructure/postgres/connect.js';
import { isDatabaseUnavailable } from '../../src/infrastructure/postgres/unavailable.js';
import { call, openShop, type Shop } from '../support/fullApp.js';
import { startServerApp, type ServerApp } from '../support/serverApp.js';
import { createScratchDatabase, postgresServerUrl } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

const serverUrl = postgresServerUrl();

/** Short bounds, so each fault shows within a second or two. */
const TIMEOUTS = { connectMs: 1_000, statementMs: 2_000, idleInTransactionMs: 5_000 };
const TIMEOUT_ENV = {
  DATABASE_CONNECT_TIMEOUT_MS: String(TIMEOUTS.connectMs),
  DATABASE_STATEMENT_TIMEOUT_MS: String(TIMEOUTS.statementMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(TIMEOUTS.idleInTransactionMs),
};
/** The promise: full service this soon after the database is back. */
const RECOVERY_MS = 5_000;

/** Retries `attempt` until it resolves, for at most `withinMs`; answers its result. */
async function eventually<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

describe.runIf(serverUrl)('database faults at the pool and the HTTP edge (PostgreSQL behind a proxy)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: TcpProxy;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl ?? '');
    const url = new URL(scratch.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  });
  afterAll(async () => {
    await proxy.close();
    await scratch.drop();
  });
  afterEach(async () => {
    await proxy.setMode('pass');
  });

  describe('the pool', () => {
    let postgres: Postgres;
    beforeAll(async () => {
      postgres = await connectPostgres({ kind: 'server', connectionString: proxy.url(scratch.url), maxConnections: 4, timeouts: TIMEOUTS });
    });
    afterAll(async () => {
      await postgres.db.destroy();
    });

    it("a checked-out client losing its connection fails that work, not the process, and the pool serves again once the link is back", async () => {
      const failure = await failureOf(() =>
        postgres.db.connection().execute(async (connection) => {
          await sql`SELECT 1`.execute(connection);
          // The socket dies while the client is checked out and idle: pg emits 'error' on the client.
          await proxy.setMode('reset');
          await sleep(200);
          await sql`SELECT 1`.execute(connection);
        }),
      );
      expect(isDatabaseUnavailable(failure)).toBe(true);
      expect(postgres.availability.isReachable()).toBe(false);
      await proxy.setMode('pass');
      const { rows } = await eventually(() => sql<{ one: number }>`SELECT 1 AS one`.execute(postgres.db), RECOVERY_MS);
      expect(rows).toEqual([{ one: 1 }]);
      expect(postgres.availability.isReachable()).toBe(true);
    });

    it('a transaction whose connection is reset rolls back with a database-unavailable error', async () => {
      const failure = await failureOf(() =>
        postgres.db.transaction().execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          await proxy.setMode('reset');
          await sql`SELECT pg_sleep(0.1)`.execute(trx);
        }),
      );
      expect(isDatabaseUnavailable(failure)).toBe(true);
      await proxy.setMode('pass');
      await eventually(() => sql`SELECT 1`.execute(postgres.db), RECOVERY_MS);
    });

    it('the server cancels a statement past the statement timeout; that is a database-unavailable error too', async () => {
      const failure = await failureOf(() => sql`SELECT pg_sleep(${(TIMEOUTS.statementMs + 1_000) / 1_000})`.execute(postgres.db));
      expect((failure as { code?: unknown }).code).toBe('57014');
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // A live server that cancelled a statement is not an outage: the next statement runs.
      expect(postgres.availability.isReachable()).toBe(true);
      await sql`SELECT 1`.execute(postgres.db);
    });

    it('in a black hole a statement gives up at the read timeout instead of waiting forever', async () => {
      await sql`SELECT 1`.execute(postgres.db);
      await proxy.setMode('blackhole');
      const failure = await failureOf(() => sql`SELECT 1`.execute(postgres.db));
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // The circuit is open: the next statement is refused without waiting.
      expect(isDatabaseUnavailable(await failureOf(() => sql`SELECT 1`.execute(postgres.db)))).toBe(true);
      await proxy.setMode('pass');
      await eventually(() => sql`SELECT 1`.execute(postgres.db), RECOVERY_MS);
    });
  });

  describe('the HTTP edge (the real wiring)', () => {
    let full: ServerApp;
    let shop: Shop;
    let orderId: string;
    beforeAll(async () => {
      full = await startServerApp(proxy.url(scratch.url), TIMEOUT_ENV);
      shop = await openShop(full);
      orderId = randomUUID();
      const opened = await openOrder(orderId);
      expect(opened.statusCode).toBe(201);
    });
    afterAll(async () => {
      await full.close();
    });

    const openOrder = (id: string) =>
      call(full.app, 'POST', '/v1/orders', {
        token: shop.tokens.cashier,
        headers: { 'idempotency-key': randomUUID() },
        body: { orderId: id, branchId: shop.branchId, deviceId: shop.deviceId },
      });
    const readOrder = () => call(full.app, 'GET', `/v1/orders/${orderId}`, { token: shop.tokens.cashier });

    function expectUnavailable(response: Awaited<ReturnType<typeof call>>): void {
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    }

    it('with the database stopped, a command and a query answer 503 SERVICE_UNAVAILABLE with Retry-After, and serve again once it is back', async () => {
      await proxy.setMode('stop');
      expectUnavailable(await openOrder(randomUUID()));
      expectUnavailable(await readOrder());
      await proxy.setMode('pass');
      const back = await eventually(async () => {
        const response = await openOrder(randomUUID());
        if (response.statusCode !== 201) throw new Error(`answered ${response.statusCode}`);
        return response;
      }, RECOVERY_MS);
      expect(back.statusCode).toBe(201);
      expect((await readOrder()).statusCode).toBe(200);
    });

    it('with the network black-holed, /ready answers 503 at its own bound, before the database would time out', async () => {
      expect((await call(full.app, 'GET', '/ready')).statusCode).toBe(200);
      await proxy.setMode('blackhole');
      const started = performance.now();
      const ready = await call(full.app, 'GET', '/ready');
      const tookMs = performance.now() - started;
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'NOT_READY', checks: { eventStore: 'unavailable' } });
      // The client's read timeout (statement timeout + margin) had not yet run out: /ready's own bound answered.
      expect(tookMs).toBeLessThan(TIMEOUTS.statementMs);
      // A command in the black hole is bounded too, and answers 503.
      expectUnavailable(await openOrder(randomUUID()));
      await proxy.setMode('pass');
      await eventually(async () => {
        const response = await call(full.app, 'GET', '/ready');
        if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
      }, RECOVERY_MS);
    });

    it('with every connection reset, commands answer 503 and the app recovers with no restart', async () => {
      await proxy.setMode('reset');
      expectUnavailable(await openOrder(randomUUID()));
      expectUnavailable(await readOrder());
      await proxy.setMode('pass');
      await eventually(async () => {
        const response = await readOrder();
        if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
      }, RECOVERY_MS);
    });
  });
});
