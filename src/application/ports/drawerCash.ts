import type { DrawerId, TenantId } from '../../domain/shared/ids.js';
import type { Minor } from '../../domain/shared/money.js';

/**
 * The cash that sales have put into a cash drawer so far: cash tendered into it, less the change
 * given from it, cash handed back when a payment was removed or an order voided, and cash refunds
 * paid out of it. Orders and drawers are different aggregates, so this is a read model; an
 * implementation counts every event acknowledged before the call (it catches up first).
 */
export interface DrawerCash {
  cashSalesOf(tenantId: TenantId, drawerId: DrawerId): Promise<Minor>;
}
