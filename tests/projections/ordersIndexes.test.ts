import { CompiledQuery, sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadFilter } from '../../src/application/queries/readScope.js';
import type { BranchId, DeviceId, TenantId } from '../../src/domain/shared/ids.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { ordersModel } from '../../src/projections/orders/ordersModel.js';
import { listOrdersQuery, type OrderListFilters, type OrderSortKey } from '../../src/projections/orders/ordersReader.js';
import type { OrdersTables } from '../../src/projections/orders/ordersTables.js';
import { postgresServerUrl } from '../support/services.js';
import { openTestStorage, type OpenedStorage } from '../support/storageTargets.js';

/**
 * The plans of a tenant's order pages on a table big enough for the planner to mean it: 60,000
 * orders of 30 tenants (5 branches, 20 tills, 40 cashiers each, a year of business dates), with
 * fresh statistics. Every filter the route takes, with and without a cursor, must be an index scan:
 * no sequential scan of the table, and no planner setting changed to get there. A filter as narrow
 * as one till (about 100 rows of a tenant here) may be a bitmap scan of its index and a sort of
 * those rows: still bounded by the filter, never by the table.
 */
const ORDERS = 60_000;
const SCHEMA = 'orders_explain';

type Plan = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: Plan[] };
const nodes = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

const targets: [string, string | undefined][] = [['PGlite', undefined]];
const server = postgresServerUrl();
if (server) targets.push(['PostgreSQL server', server]);

describe.each(targets)('orders list plans (%s)', (_name, serverUrl) => {
  let storage: OpenedStorage;
  beforeAll(async () => {
    storage = await openTestStorage(serverUrl);
    const db = storage.postgres.db;
    await sql`CREATE SCHEMA ${sql.id(SCHEMA)}`.execute(db);
    await inSchema(db, (trx) => ordersModel.createTables(trx));
    await inSchema(db, async (trx) => {
      await sql`
        INSERT INTO orders
        SELECT 't' || (i % 30), 'o' || i, 'b' || (i % 5), 'd' || (i % 20), 'e' || (i % 40),
          (ARRAY['open', 'completed', 'completed', 'completed', 'voided'])[1 + i % 5], 'EUR', 'inclusive',
          to_char(date '2026-01-01' + (i % 365), 'YYYY-MM-DD'), timestamptz '2026-01-01T08:00:00Z' + (i % 365) * interval '1 day' + (i % 600) * interval '1 minute',
          NULL, NULL, 1000, 0, 840, 160, 1000, 1000, 0, 0, 1, 1, 3,
          '{}'::jsonb, '[]'::jsonb, 'null'::jsonb, '[]'::jsonb
        FROM generate_series(1, ${ORDERS}) AS i`.execute(trx);
      await sql`ANALYZE orders`.execute(trx);
    });
  }, 120_000);
  afterAll(async () => {
    await storage.dispose();
  });

  async function inSchema(db: OpenedStorage['postgres']['db'], work: (trx: Transaction<Database & OrdersTables>) => Promise<void>): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('search_path', ${`"${SCHEMA}", public`}, true)`.execute(trx);
      await work(trx.withTables<OrdersTables>());
    });
  }

  async function planOf(filter: Partial<ReadFilter>, filters: OrderListFilters, after?: OrderSortKey): Promise<Plan[]> {
    let plan: Plan[] = [];
    await inSchema(storage.postgres.db, async (trx) => {
      const full: ReadFilter = { tenantId: 't7' as TenantId, branchIds: undefined, deviceId: undefined, nothing: false, ...filter };
      const compiled = listOrdersQuery(trx, full, filters, { size: 51, after }).compile();
      const result = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]));
      const raw = result.rows[0]?.['QUERY PLAN'];
      const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Plan }[];
      plan = parsed[0] ? nodes(parsed[0].Plan) : [];
    });
    return plan;
  }

  const cursor: OrderSortKey = ['2026-07-01', '2026-07-01T12:00:00.000Z', 'o99999'];
  const cases: [string, Partial<ReadFilter>, OrderListFilters, string][] = [
    ['a tenant admin’s page', {}, {}, 'orders_by_date'],
    ['a date range', {}, { from: '2026-03-01', to: '2026-03-31' }, 'orders_by_date'],
    ['one branch', { branchIds: ['b2' as BranchId] }, {}, 'orders_by_branch'],
    ['a cashier’s till', { branchIds: ['b2' as BranchId], deviceId: 'd7' as DeviceId }, {}, 'orders_by_device'],
    ['one cashier', {}, { cashierId: 'e7' }, 'orders_by_cashier'],
    ['a status', {}, { status: 'voided' }, 'orders_by_status'],
  ];

  it.each(cases)('%s is an index scan, first page and after a cursor', async (_case, filter, filters, index) => {
    for (const after of [undefined, cursor]) {
      const plan = await planOf(filter, filters, after);
      const summary = plan.map((node) => `${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
      expect(summary.filter((node) => node.startsWith('Seq Scan')), summary.join(' > ')).toEqual([]);
      expect(plan.some((node) => node['Index Name'] === index), summary.join(' > ')).toBe(true);
    }
  });

  it('a manager of several branches reads by index too', async () => {
    const plan = await planOf({ branchIds: ['b1', 'b3'] as BranchId[] }, { from: '2026-06-01' });
    const summary = plan.map((node) => node['Node Type']);
    expect(summary).not.toContain('Seq Scan');
    expect(plan.some((node) => node['Index Name']?.startsWith('orders_'))).toBe(true);
  });
});
