import type { Kysely } from 'kysely';
import type { TenantSales } from '../../application/ports/tenantSales.js';
import type { TenantId } from '../../domain/shared/ids.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ProjectionRunner } from '../runner.js';
import { TENANT_ORDERS } from './tenantOrdersProjection.js';

/** The TenantSales port over the read model, caught up to the log's head before each answer. */
export function createTenantSalesReader(db: Kysely<Database>, runner: Pick<ProjectionRunner, 'catchUp'>): TenantSales {
  return {
    async hasSales(tenantId: TenantId): Promise<boolean> {
      await runner.catchUp(TENANT_ORDERS);
      const row = await db.selectFrom('tenant_orders').select('orders_opened').where('tenant_id', '=', tenantId).executeTakeFirst();
      return row !== undefined && Number(row.orders_opened) > 0;
    },
  };
}
