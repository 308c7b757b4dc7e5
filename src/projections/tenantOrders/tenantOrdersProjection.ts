import { sql } from 'kysely';
import type { DecodedEventType } from '../../application/events/decodeEvent.js';
import type { ReadModel } from '../readModel.js';

export const TENANT_ORDERS = 'tenant_orders';

export type TenantOrdersTables = {
  /** Whether a tenant has sold yet, e.g. before its currency may change; first_opened_at is the till's business time of the first. */
  tenant_orders: { tenant_id: string; orders_opened: string | bigint | number; first_opened_at: Date };
};

/** Orders opened per tenant, from `OrderOpened` (business time of the first); one upsert per tenant of the batch. */
export const tenantOrdersProjection: ReadModel<TenantOrdersTables> = {
  kind: 'read_model',
  name: TENANT_ORDERS,
  version: 1,
  handles: new Set<DecodedEventType>(['OrderOpened']),
  async createTables(trx) {
    await sql`
      CREATE TABLE tenant_orders (
        tenant_id       text        PRIMARY KEY,
        orders_opened   bigint      NOT NULL,
        first_opened_at timestamptz NOT NULL
      )`.execute(trx);
  },
  async applyBatch(trx, events) {
    const tenants = new Map<string, { opened: number; first: Date }>();
    for (const event of events) {
      if (event.type !== 'OrderOpened') continue;
      const at = event.envelope.occurredAt;
      const tenant = tenants.get(event.tenantId);
      if (!tenant) tenants.set(event.tenantId, { opened: 1, first: at });
      else {
        tenant.opened += 1;
        if (at < tenant.first) tenant.first = at;
      }
    }
    if (tenants.size === 0) return;
    await trx
      .insertInto('tenant_orders')
      .values([...tenants].map(([tenantId, { opened, first }]) => ({ tenant_id: tenantId, orders_opened: opened, first_opened_at: first })))
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({
          orders_opened: sql`tenant_orders.orders_opened + excluded.orders_opened`,
          first_opened_at: sql`least(tenant_orders.first_opened_at, excluded.first_opened_at)`,
        }),
      )
      .execute();
  },
};
