import type { DrawerCash } from '../../application/ports/drawerCash.js';
import type { DrawerId, TenantId } from '../../domain/shared/ids.js';
import type { Minor } from '../../domain/shared/money.js';
import type { ReadModelAccess } from '../readModel.js';
import type { ProjectionRunner } from '../runner.js';
import { DRAWER_CASH, type DrawerCashTables } from './drawerCashProjection.js';

/** The DrawerCash port over the read model, caught up to the log's head before each answer. */
export function createDrawerCashReader(access: ReadModelAccess, runner: Pick<ProjectionRunner, 'catchUp'>): DrawerCash {
  return {
    async cashSalesOf(tenantId: TenantId, drawerId: DrawerId): Promise<Minor> {
      const head = await runner.catchUp(DRAWER_CASH);
      const db = await access.tables<DrawerCashTables>(DRAWER_CASH, head ? { after: head } : {});
      const row = await db.selectFrom('drawer_cash').selectAll().where('tenant_id', '=', tenantId).where('drawer_id', '=', drawerId).executeTakeFirst();
      if (!row) return 0;
      return Number(row.cash_tendered) - Number(row.change_given) - Number(row.cash_returned) - Number(row.cash_refunded);
    },
  };
}
