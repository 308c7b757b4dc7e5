import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationError } from '../../src/application/errors.js';
import type { EventStore, NewEvent } from '../../src/application/ports/eventStore.js';
import type { DrawerId, TenantId } from '../../src/domain/shared/ids.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres, type Postgres } from '../../src/infrastructure/postgres/connect.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { DRAWER_CASH, type DrawerCashTables } from '../../src/projections/drawerCash/drawerCashProjection.js';
import { TENANT_ORDERS, type TenantOrdersTables } from '../../src/projections/tenantOrders/tenantOrdersProjection.js';
import { readModel } from '../../src/projections/projection.js';
import { createReadModels, projectionsOf } from '../../src/projections/readModels.js';
import { schemaOf } from '../../src/projections/generations.js';
import { createPostgresAccounts } from '../../src/infrastructure/auth/postgresAccounts.js';
import { createProjectionRunner } from '../../src/projections/runner.js';
import { anEvent } from '../support/events.js';
import { createScratchDatabase, postgresServerUrl } from '../support/services.js';
import { openEmbeddedStorage } from '../support/storage.js';

const clock = { now: () => new Date() };
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

type Opened = Readonly<{ postgres: Postgres; store: EventStore; url?: string; dispose: () => Promise<void> }>;
type Opener = () => Promise<Opened>;

const embedded: Opener = async () => {
  const { postgres, eventStore: store } = await openEmbeddedStorage();
  return { postgres, store, dispose: () => store.close() };
};

function onServer(serverUrl: string): Opener {
  return async () => {
    const scratch = await createScratchDatabase(serverUrl);
    const postgres = await connectPostgres({ kind: 'server', connectionString: scratch.url });
    await migrateToLatest(postgres.db);
    const store = createPostgresEventStore(postgres, { pollIntervalMs: 20 });
    return {
      postgres,
      store,
      url: scratch.url,
      async dispose() {
        await store.close();
        await scratch.drop();
      },
    };
  };
}

const base = (opened: Opened) => ({
  db: opened.postgres.db,
  eventStore: opened.store,
  clock,
  logger,
  accounts: createPostgresAccounts(opened.postgres.db, clock),
});

const TENANT = 'tenant-a' as TenantId;
const RIVAL = 'tenant-b' as TenantId;
const D1 = 'drawer-1' as DrawerId;
const D2 = 'drawer-2' as DrawerId;

const orderEvent = (tenantId: string, type: string, data: Readonly<Record<string, unknown>>): NewEvent => anEvent({ tenantId, type, data });
const cash = (paymentId: string, amount: number, drawerId: string | null) => ({ paymentId, tender: { method: 'cash', amount }, drawerId });
const completed = (change: number) => ({ at: '2026-11-22T10:00:00.000Z', totals: {}, paid: 0, change });

/** Orders as the Order decider writes them; the expected cash of each drawer is worked out beside. */
async function sellSomeOrders(store: EventStore): Promise<void> {
  const order = (tenantId = TENANT) => `order-${tenantId}/${randomUUID()}`;
  const append = (streamId: string, tenantId: string, events: readonly [string, Readonly<Record<string, unknown>>][]) =>
    store.appendToStream(streamId, events.map(([type, data]) => orderEvent(tenantId, type, data)), { expectedRevision: 'any' });
  // 1 000 tendered, 300 change: +700 in D1.
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 1_000, D1)], ['OrderCompleted', completed(300)]]);
  // Split: 500 cash into D1, 750 card; later 450 refunded in cash from D1: +50.
  const split = order();
  await append(split, TENANT, [['PaymentAdded', cash('p1', 500, D1)], ['PaymentAdded', { paymentId: 'p2', tender: { method: 'card', amount: 750, processorReference: 'A' }, drawerId: null }], ['OrderCompleted', completed(0)]]);
  await append(split, TENANT, [['OrderRefunded', { refundId: 'r1', amount: 450, method: 'cash', drawerId: D1, lines: [] }]]);
  // A card refund touches no drawer.
  await append(split, TENANT, [['OrderRefunded', { refundId: 'r2', amount: 100, method: 'card', drawerId: null, lines: [] }]]);
  // A cash payment removed again: 0. A voided order hands its cash back: 0 in D2.
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 200, D1)], ['PaymentRemoved', { paymentId: 'p1' }]]);
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 300, D2)], ['PaymentAdded', cash('p2', 100, D2)], ['OrderVoided', { at: 'x', reason: 'left', voidedBy: {}, paidToReturn: 400 }]]);
  // Still open: its 400 are in D1 now.
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 400, D1)]]);
  // Change of an order paid into two drawers comes out of the drawer of its last cash payment.
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 600, D2)], ['PaymentAdded', cash('p2', 500, D1)], ['OrderCompleted', completed(250)]]);
  // Cash without a drawer (back office) counts nowhere; another tenant's drawer of the same id is its own.
  await append(order(), TENANT, [['PaymentAdded', cash('p1', 70, null)], ['OrderCompleted', completed(0)]]);
  await append(order(RIVAL), RIVAL, [['PaymentAdded', cash('p1', 999, D1)]]);
  // Not an order stream: ignored whatever its type says.
  await append(`employee-${TENANT}/e1`, TENANT, [['PaymentAdded', cash('p1', 5_000, D1)]]);
}
const EXPECTED = { d1: 700 + 50 + 400 + 500 - 250, d2: 600, rival: 999 };

/** The schema of the model's live generation. */
async function liveSchema(db: Kysely<Database>, name: string): Promise<string> {
  const row = await db.selectFrom('projection_checkpoints').select('schema_name').where('name', '=', name).where('state', '=', 'live').executeTakeFirstOrThrow();
  if (row.schema_name === null) throw new Error(`${name} has no schema`);
  return row.schema_name;
}

/** Every row of every table of the model's live generation, in a stable order, bigints as text; and which schema that was. */
async function snapshot(db: Kysely<Database>, name: string): Promise<Readonly<{ schema: string; rows: Record<string, unknown> }>> {
  const schema = await liveSchema(db, name);
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`.execute(db);
  const rows: Record<string, unknown> = {};
  for (const { table_name: table } of tables) {
    rows[table] = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(schema, table)} ORDER BY 1, 2`.execute(db)).rows;
  }
  return { schema, rows: JSON.parse(JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Record<string, unknown> };
}

function projectionSuite(name: string, open: () => Opener, server: boolean): void {
  describe(`read models: ${name}`, () => {
    let opened: Opened;
    beforeAll(async () => {
      opened = await open()();
    });
    afterAll(async () => {
      await opened.dispose();
    });

    it('drawer cash counts tenders, change, removals, voids and cash refunds per tenant and drawer', async () => {
      const { drawerCash, runner, access } = createReadModels({ ...base(opened) });
      await sellSomeOrders(opened.store);
      expect(await drawerCash.cashSalesOf(TENANT, D1)).toBe(EXPECTED.d1);
      expect(await drawerCash.cashSalesOf(TENANT, D2)).toBe(EXPECTED.d2);
      expect(await drawerCash.cashSalesOf(RIVAL, D1)).toBe(EXPECTED.rival);
      expect(await drawerCash.cashSalesOf(TENANT, 'never-opened' as DrawerId)).toBe(0);
      const live = await access.tables<DrawerCashTables>(DRAWER_CASH);
      const open = await live.selectFrom('drawer_cash_open_payments').select(['tenant_id', 'drawer_id']).execute();
      expect(open).toEqual(expect.arrayContaining([{ tenant_id: TENANT, drawer_id: D1 }, { tenant_id: RIVAL, drawer_id: D1 }]));
      expect(open).toHaveLength(2);
      const status = (await runner.status()).find((row) => row.name === DRAWER_CASH && row.state === 'live');
      expect(status).toMatchObject({ name: DRAWER_CASH, generation: 1, version: 1, schema: schemaOf(DRAWER_CASH, 1), position: await opened.store.headPosition(), lagEvents: 0, lagSeconds: 0, halt: null });
    });

    it('every read model rebuilt from history (blue/green, into a new generation) equals the live one', async () => {
      const { runner, access } = createReadModels({ ...base(opened) });
      // Orders opened in two tenants, beside the payments above.
      for (const tenantId of [TENANT, TENANT, RIVAL]) {
        await opened.store.appendToStream(`order-${tenantId}/${randomUUID()}`, [orderEvent(tenantId, 'OrderOpened', { orderId: 'o' })], { expectedRevision: 'no_stream' });
      }
      // The two models these hand-made events are written for (other models want whole orders).
      const models = projectionsOf({ accounts: base(opened).accounts, eventStore: opened.store }).flatMap((p) => (p.kind === 'read_model' && [DRAWER_CASH, TENANT_ORDERS].includes(p.name) ? [p] : []));
      expect(models.map((m) => m.name).sort()).toEqual([DRAWER_CASH, TENANT_ORDERS]);
      for (const model of models) {
        await runner.catchUp(model.name);
        const live = await snapshot(opened.postgres.db, model.name);
        expect(Object.values(live.rows).some((rows) => Array.isArray(rows) && rows.length > 0)).toBe(true);
        expect(await runner.rebuild([model.name])).toBe(23);
        const rebuilt = await snapshot(opened.postgres.db, model.name);
        expect(rebuilt.schema, model.name).not.toBe(live.schema);
        expect(rebuilt.rows, model.name).toEqual(live.rows);
      }
      const orders = await (await access.tables<TenantOrdersTables>(TENANT_ORDERS)).selectFrom('tenant_orders').select(['tenant_id', 'orders_opened']).orderBy('tenant_id').execute();
      expect(orders.map((o) => [o.tenant_id, Number(o.orders_opened)])).toEqual([[TENANT, 2], [RIVAL, 1]]);
      await expect(runner.rebuild(['nope'])).rejects.toThrow(/no projection named nope/);
    });

    it('several runners following and catching up at once apply every event exactly once', async () => {
      const { db } = opened.postgres;
      // From nothing: every generation gone, so the three runners create and build new ones together.
      const { rows: schemas } = await sql<{ schema_name: string }>`SELECT schema_name FROM projection_checkpoints WHERE generation > 0`.execute(db);
      for (const { schema_name: schema } of schemas) await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      await db.deleteFrom('projection_checkpoints').where('generation', '>', 0).execute();
      const runners = [1, 2, 3].map(() => createReadModels({ ...base(opened), batchSize: 3 }));
      for (const { runner } of runners) await runner.start();
      try {
        await Promise.all([sellSomeOrders(opened.store), ...runners.map(({ drawerCash }) => drawerCash.cashSalesOf(TENANT, D1))]);
        const answers = await Promise.all(runners.map(({ drawerCash }) => drawerCash.cashSalesOf(TENANT, D1)));
        // Everything twice now: the orders of the earlier tests and these.
        expect(answers).toEqual([2 * EXPECTED.d1, 2 * EXPECTED.d1, 2 * EXPECTED.d1]);
        expect(await runners[0]!.drawerCash.cashSalesOf(TENANT, D2)).toBe(2 * EXPECTED.d2);
      } finally {
        for (const { runner } of runners) await runner.stop();
      }
    });

    it('a failing projection applies nothing of the batch and retries until it succeeds', async () => {
      const name = `flaky_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      let failures = 0;
      const poison = [1, 2, 3].map(() => orderEvent(TENANT, 'OrderOpened', { orderId: 'o' }));
      const flaky = readModel<{ applied: { event_id: string } }>({
        kind: 'read_model',
        name,
        version: 1,
        handles: new Set(['OrderOpened']),
        async createTables(trx) {
          await sql`CREATE TABLE applied (event_id text NOT NULL)`.execute(trx);
        },
        async applyBatch(trx, events) {
          for (const event of events) {
            await trx.insertInto('applied').values({ event_id: event.envelope.eventId }).execute();
            if (event.envelope.eventId === poison[1]!.eventId && failures < 2) {
              failures += 1;
              throw new Error('transient');
            }
          }
        },
      });
      const runner = createProjectionRunner({ db: opened.postgres.db, eventStore: opened.store, clock, logger, projections: [flaky], retryDelayMs: 5 });
      await opened.store.appendToStream(`order-${TENANT}/${randomUUID()}`, poison, { expectedRevision: 'no_stream' });
      const applied = async (): Promise<string[]> => {
        const schema = await liveSchema(opened.postgres.db, name).catch(() => undefined);
        if (!schema) return [];
        return (await sql<{ event_id: string }>`SELECT event_id FROM ${sql.id(schema, 'applied')}`.execute(opened.postgres.db)).rows.map((row) => row.event_id);
      };
      await runner.start();
      try {
        await expect.poll(async () => (await applied()).includes(poison[2]!.eventId), { timeout: 5_000 }).toBe(true);
        expect(failures).toBe(2);
        // The failed attempts left nothing behind: each event is in the model once.
        const ours = (await applied()).filter((id) => poison.some((e) => e.eventId === id));
        expect(ours).toEqual(poison.map((e) => e.eventId));
        expect((await runner.status())[0]).toMatchObject({ name, halt: null, state: 'live' });
      } finally {
        await runner.stop();
      }
    });

    // PGlite has one session: no other transaction can hold the log back there.
    if (server) it('catching up waits for an older transaction still running, and answers 503 when it outlasts the wait', async () => {
      const { drawerCash } = createReadModels({ ...base(opened), catchUpTimeoutMs: 300 });
      const before = await drawerCash.cashSalesOf(TENANT, D1);
      // Another session holds a transaction id: nothing after it is final until it ends (ADR 0003).
      const blocker = new pg.Client({ connectionString: opened.url });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_current_xact_id()');
        await opened.store.appendToStream(`order-${TENANT}/${randomUUID()}`, [orderEvent(TENANT, 'PaymentAdded', cash('p1', 10, D1))], { expectedRevision: 'no_stream' });
        const refused = await drawerCash.cashSalesOf(TENANT, D1).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ApplicationError);
        expect(refused).toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_BEHIND' });
        const waiting = drawerCash.cashSalesOf(TENANT, D1);
        await sleep(50);
        await blocker.query('COMMIT');
        expect(await waiting).toBe(before + 10);
      } finally {
        await blocker.end();
      }
    });
  });
}

const serverUrl = postgresServerUrl();
projectionSuite('PGlite', () => embedded, false);
describe.runIf(serverUrl)('real PostgreSQL server', () => {
  projectionSuite('PostgreSQL server', () => onServer(serverUrl ?? ''), true);
});

it('every projection has a unique name fit for a schema, and declares the events it handles', async () => {
  const opened = await embedded();
  try {
    const all = projectionsOf({ accounts: createPostgresAccounts(opened.postgres.db, clock), eventStore: opened.store });
    expect(new Set(all.map((p) => p.name)).size).toBe(all.length);
    for (const projection of all) {
      expect(projection.handles.size, projection.name).toBeGreaterThan(0);
      if (projection.kind === 'read_model') expect(schemaOf(projection.name, 1)).toBe(`rm_${projection.name}_1`);
    }
  } finally {
    await opened.dispose();
  }
});
