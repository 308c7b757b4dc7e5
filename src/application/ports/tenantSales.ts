import type { TenantId } from '../../domain/shared/ids.js';

/**
 * Whether a tenant has sold anything yet: any order opened, in any state. Orders live in their own
 * streams, so this is a read model; an implementation counts every order acknowledged before the
 * call (it catches up first).
 */
export interface TenantSales {
  hasSales(tenantId: TenantId): Promise<boolean>;
}
