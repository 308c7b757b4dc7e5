import type { TenantSales } from '../../application/ports/tenantSales.js';
import type { TenantId } from '../../domain/shared/ids.js';
import type { ReadModelAccess } from '../readModel.js';
import type { ProjectionRunner } from '../runner.js';
import { TENANT_ORDERS, type TenantOrdersTables } from './tenantOrdersProjection.js';

/** The TenantSales port over the read model, caught up to the log's head before each answer. */
export function createTenantSalesReader(access: ReadModelAccess, runner: Pick<ProjectionRunner, 'catchUp'>): TenantSales {
  return {
    async hasSales(tenantId: TenantId): Promise<boolean> {
      const head = await runner.catchUp(TENANT_ORDERS);
      const db = await access.tables<TenantOrdersTables>(TENANT_ORDERS, head ? { after: head } : {});
      const row = await db.selectFrom('tenant_orders').select('orders_opened').where('tenant_id', '=', tenantId).executeTakeFirst();
      return row !== undefined && Number(row.orders_opened) > 0;
    },
  };
}
