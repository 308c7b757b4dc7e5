import { sql } from 'kysely';
import type { ReadModelProjection } from '../projection.js';

export const TENANT_ORDERS = 'tenant_orders';

/** Orders opened per tenant, from `OrderOpened` (business time of the first). */
export const tenantOrdersProjection: ReadModelProjection = {
  kind: 'read_model',
  name: TENANT_ORDERS,
  tables: ['tenant_orders'],
  async apply(trx, event) {
    if (event.type !== 'OrderOpened' || !event.streamId.startsWith('order-')) return;
    await sql`
      INSERT INTO tenant_orders (tenant_id, orders_opened, first_opened_at) VALUES (${event.tenantId}, 1, ${event.occurredAt})
      ON CONFLICT (tenant_id) DO UPDATE SET
        orders_opened = tenant_orders.orders_opened + 1,
        first_opened_at = least(tenant_orders.first_opened_at, excluded.first_opened_at)`.execute(trx);
  },
};
