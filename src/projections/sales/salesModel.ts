import { sql, type Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import { ORDER_EVENT_VERSIONS } from '../../domain/order/events.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModel } from '../readModel.js';
import { foldOrder, type SnapshotOrNone } from '../shared/orderSnapshot.js';
import { TENANT_SETTINGS_EVENTS, TenantSettingsFold } from '../shared/tenantSettings.js';
import { SalesFold } from './salesFold.js';
import { createSalesTables, settingsOf, type SalesTables } from './salesTables.js';
import { writeSales } from './salesWrites.js';
import { upsertDeltas } from './upsertDeltas.js';

export const SALES = 'sales';

const ORDER_EVENTS = Object.keys(ORDER_EVENT_VERSIONS) as DecodedEventType[];

/**
 * The sales reports: daily sales with tax per rate, payment methods and hours, sales per cashier
 * and per product. One model for all six tables because they all need the same thing the events
 * do not carry, the order's priced lines and tenders at completion: one fold of each order, kept
 * once (`sales_orders`), feeds every table, where a model per report would fold and store each
 * order again (ADR 0015).
 */
export const salesModel: ReadModel<SalesTables> = {
  kind: 'read_model',
  name: SALES,
  version: 2,
  handles: new Set<DecodedEventType>([...TENANT_SETTINGS_EVENTS, ...ORDER_EVENTS]),
  createTables: createSalesTables,
  async applyBatch(trx, events) {
    const tenants = await TenantSettingsFold.load(settingsOf(trx), events);
    const orders = await loadOrders(trx, events);
    const touched = new Set<string>();
    const fold = new SalesFold();
    for (const event of events) {
      if (event.category === 'tenant') {
        tenants.apply(event);
        continue;
      }
      if (event.category !== 'order') continue;
      const key = orderKey(event.tenantId, event.entityId);
      const before = orders.get(key);
      const after = foldOrder(before, event);
      orders.set(key, after);
      touched.add(key);
      const zone = tenants.timeZoneOf(event.tenantId);
      switch (event.type) {
        case 'OrderCompleted':
          if (after.status === 'completed' && before?.status === 'open') fold.sale(after, zone);
          break;
        case 'OrderRefunded':
          if (after.status === 'completed' && before?.status === 'completed' && after.refunds.length > before.refunds.length) {
            fold.refund(after, event.data, zone);
          }
          break;
        case 'OrderVoided':
          if (before?.status === 'open' && after.status === 'voided') fold.void(before, event.data.at, zone);
          break;
        default:
          break;
      }
    }
    await tenants.save(settingsOf(trx));
    await saveOrders(trx, orders, touched);
    await writeSales(trx, fold);
  },
};

function orderKey(tenantId: string, orderId: string): string {
  return `${tenantId}\u0000${orderId}`;
}

/** The batch's orders as folded so far, in one query. */
async function loadOrders(trx: Transaction<Database & SalesTables>, events: readonly DecodedEvent[]): Promise<Map<string, SnapshotOrNone>> {
  const tenants: string[] = [];
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (event.category !== 'order') continue;
    const key = orderKey(event.tenantId, event.entityId);
    if (seen.has(key)) continue;
    seen.add(key);
    tenants.push(event.tenantId);
    ids.push(event.entityId);
  }
  const orders = new Map<string, SnapshotOrNone>();
  if (ids.length === 0) return orders;
  const rows = await sql<{ tenant_id: string; order_id: string; snapshot: string }>`
    SELECT o.tenant_id, o.order_id, o.snapshot
    FROM sales_orders o
    JOIN json_to_recordset(${JSON.stringify(tenants.map((tenant_id, i) => ({ tenant_id, order_id: ids[i] })))}::json)
      AS wanted(tenant_id text, order_id text) USING (tenant_id, order_id)`.execute(trx);
  for (const row of rows.rows) orders.set(orderKey(row.tenant_id, row.order_id), JSON.parse(row.snapshot) as SnapshotOrNone);
  return orders;
}

/** Writes each touched order once; a voided order is dropped, as no later event can count. */
async function saveOrders(trx: Transaction<Database & SalesTables>, orders: ReadonlyMap<string, SnapshotOrNone>, touched: ReadonlySet<string>): Promise<void> {
  const kept: { tenant_id: string; order_id: string; snapshot: string }[] = [];
  const dropped: { tenant_id: string; order_id: string }[] = [];
  for (const key of touched) {
    const snapshot = orders.get(key);
    const [tenant_id = '', order_id = ''] = key.split('\u0000');
    if (!snapshot || snapshot.status === 'none' || snapshot.status === 'voided') dropped.push({ tenant_id, order_id });
    else kept.push({ tenant_id, order_id, snapshot: JSON.stringify(snapshot) });
  }
  await upsertDeltas(trx, 'sales_orders', [
    { name: 'tenant_id', type: 'text', role: 'key' },
    { name: 'order_id', type: 'text', role: 'key' },
    { name: 'snapshot', type: 'text', role: 'replace' },
  ], kept);
  if (dropped.length > 0) {
    await sql`
      DELETE FROM sales_orders o USING json_to_recordset(${JSON.stringify(dropped)}::json) AS gone(tenant_id text, order_id text)
      WHERE o.tenant_id = gone.tenant_id AND o.order_id = gone.order_id`.execute(trx);
  }
}
