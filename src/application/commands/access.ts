import type { BranchId, DeviceId, TenantId } from '../../domain/shared/ids.js';
import { atLeast } from '../../domain/shared/roles.js';
import { ApplicationError, notFound } from '../errors.js';
import type { Principal } from '../principal.js';

/**
 * Scope checks against the target's state. Another tenant's resource answers 404, exactly like
 * one that does not exist, so its existence never leaks; inside the tenant, reaching outside
 * one's branch or device is a 403.
 */
export function requireTenant(principal: Principal, tenantId: string | null, what: string): TenantId {
  if (tenantId === null || principal.tenantId !== tenantId) throw notFound(what);
  return principal.tenantId;
}

export function requireBranch(principal: Principal, branchId: BranchId): void {
  if (atLeast(principal.role, 'tenant_admin')) return;
  if (!principal.branchIds.includes(branchId)) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_BRANCHES', 'This belongs to a branch you do not work at');
  }
}

/** A cashier acts on their own till only; managers act anywhere in their branches. */
export function requireDevice(principal: Principal, branchId: BranchId, deviceId: DeviceId): void {
  requireBranch(principal, branchId);
  if (principal.role === 'cashier' && principal.deviceId !== deviceId) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_DEVICE', 'A cashier acts on the till they signed in on');
  }
}

export function requirePlatformOwner(principal: Principal): void {
  if (principal.role !== 'platform_owner') {
    throw new ApplicationError('forbidden', 'PLATFORM_OWNER_ONLY', 'Only the platform owner may do this');
  }
}
