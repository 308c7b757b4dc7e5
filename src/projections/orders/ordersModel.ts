import type { DecodedEventType } from '../../application/events/decodeEvent.js';
import { ORDER_EVENT_VERSIONS } from '../../domain/order/events.js';
import type { ReadModel } from '../readModel.js';
import { pairKey, pairsIn, uniquePairs } from '../shared/keys.js';
import { TENANT_SETTINGS_EVENTS, TenantSettingsFold } from '../shared/tenantSettings.js';
import { upsertRows } from '../shared/writeRows.js';
import { figuresOf, foldOrderRecord, NO_ORDER, type OrderRecord } from './ordersFold.js';
import { createOrdersTables, settingsOf, type OrdersTables } from './ordersTables.js';

export const ORDERS = 'orders';

const ORDER_EVENTS = Object.keys(ORDER_EVENT_VERSIONS) as DecodedEventType[];

/**
 * The orders list and detail (issue 9): one row per order with its list figures and, as jsonb,
 * everything the detail shows that its events do not repeat (the folded order, refunds, the void,
 * the timeline). A batch loads the rows of the orders it touches in one query, folds its events in
 * memory, and writes each touched row once.
 */
export const ordersModel: ReadModel<OrdersTables> = {
  kind: 'read_model',
  name: ORDERS,
  version: 3,
  handles: new Set<DecodedEventType>([...TENANT_SETTINGS_EVENTS, ...ORDER_EVENTS]),
  createTables: createOrdersTables,
  async applyBatch(trx, events) {
    const tenants = await TenantSettingsFold.load(settingsOf(trx), events);
    const pairs = uniquePairs(events.flatMap((event) => (event.category === 'order' ? [[event.tenantId, event.entityId] as const] : [])));
    const records = new Map<string, OrderRecord>();
    if (pairs.length > 0) {
      const rows = await trx
        .selectFrom('orders')
        .select(['tenant_id', 'order_id', 'business_date', 'revision', 'snapshot', 'refunds', 'void_record', 'timeline'])
        .where(pairsIn(['tenant_id', 'order_id'], pairs))
        .execute();
      for (const row of rows) {
        records.set(pairKey(row.tenant_id, row.order_id), parseRecord(row));
      }
    }
    const touched = new Set<string>();
    for (const event of events) {
      if (event.category === 'tenant') {
        tenants.apply(event);
        continue;
      }
      if (event.category !== 'order') continue;
      const key = pairKey(event.tenantId, event.entityId);
      const before = records.get(key) ?? NO_ORDER;
      const after = foldOrderRecord(before, event, tenants.timeZoneOf(event.tenantId));
      if (after.snapshot !== before.snapshot) touched.add(key);
      records.set(key, after);
    }
    await tenants.save(settingsOf(trx));
    await upsertRows(trx, 'orders', ['tenant_id', 'order_id'], [...touched].flatMap((key) => rowOf(records.get(key))));
  },
};

function rowOf(record: OrderRecord | undefined): Record<string, unknown>[] {
  if (!record || record.snapshot.status === 'none' || record.businessDate === null) return [];
  const order = record.snapshot;
  const f = figuresOf(order);
  return [
    {
      tenant_id: order.tenantId,
      order_id: order.orderId,
      branch_id: order.branchId,
      device_id: order.deviceId,
      cashier_id: order.cashierId,
      status: order.status,
      currency: order.currency,
      price_mode: order.priceMode,
      business_date: record.businessDate,
      opened_at: order.openedAt,
      completed_at: order.status === 'completed' ? order.completedAt : null,
      voided_at: order.status === 'voided' ? order.voidedAt : null,
      gross: f.gross,
      discount_total: f.discounts,
      net: f.net,
      tax: f.tax,
      total: f.total,
      paid: f.paid,
      change: f.change,
      refunded: f.refunded,
      line_count: f.lineCount,
      item_count: f.itemCount,
      revision: record.revision,
      snapshot: JSON.stringify(order),
      refunds: JSON.stringify(record.refunds),
      void_record: record.voidRecord === null ? null : JSON.stringify(record.voidRecord),
      timeline: JSON.stringify(record.timeline),
    },
  ];
}

/** A stored row back as the record it was written from (the JSON columns are this model's own). */
function parseRecord(row: Readonly<{ snapshot: string; business_date: string; revision: number; refunds: string; void_record: string | null; timeline: string }>): OrderRecord {
  return {
    snapshot: JSON.parse(row.snapshot) as OrderRecord['snapshot'],
    businessDate: row.business_date,
    revision: row.revision,
    refunds: JSON.parse(row.refunds) as OrderRecord['refunds'],
    voidRecord: row.void_record === null ? null : (JSON.parse(row.void_record) as OrderRecord['voidRecord']),
    timeline: JSON.parse(row.timeline) as OrderRecord['timeline'],
  };
}
