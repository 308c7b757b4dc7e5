import type { BranchId, DeviceId, TenantId } from '../../domain/shared/ids.js';
import { atLeast } from '../../domain/shared/roles.js';
import { ApplicationError, notFound } from '../errors.js';
import type { Principal } from '../principal.js';

/**
 * What a caller may read of a tenant's data, decided from the principal alone (the same rules as
 * `commands/access.ts`): a cashier the till they signed in on, a branch manager their branches, a
 * tenant admin, an auditor (and a platform owner acting as support for the tenant, ADR 0009) the whole tenant.
 */
export type ReadScope = Readonly<{
  tenantId: TenantId;
  /** `all`: every branch of the tenant. */
  branches: 'all' | readonly BranchId[];
  /** Set for a cashier: only this till's records (null: a cashier signed in on no till reads none). */
  device: 'all' | DeviceId | null;
}>;

/** Filters a query asks for; each narrows the scope and must lie inside it. */
export type ScopeFilter = Readonly<{ branchId?: string | undefined; deviceId?: string | undefined }>;

/** What a query reads once scope and filters are combined: the rows whose columns are among these. */
export type ReadFilter = Readonly<{
  tenantId: TenantId;
  /** Undefined: any branch of the tenant. Never empty (a scope that reads nothing is `nothing`). */
  branchIds: readonly BranchId[] | undefined;
  deviceId: DeviceId | undefined;
  /** True when the caller may read nothing at all (a cashier without a till): answer an empty page. */
  nothing: boolean;
}>;

/**
 * The caller's read scope.
 * @throws ApplicationError not_found for a caller without a tenant (a platform owner not acting
 *   as support): it may read no tenant's data, and learns nothing of what exists.
 */
export function readScopeOf(principal: Principal): ReadScope {
  if (principal.tenantId === null) throw notFound('Tenant');
  const tenantId = principal.tenantId;
  if (principal.role === 'platform_owner') {
    // Only as support (the access hook let it through a read route): what the tenant admin sees.
    if (!principal.support) throw notFound('Tenant');
    return { tenantId, branches: 'all', device: 'all' };
  }
  if (atLeast(principal.role, 'tenant_admin') || principal.role === 'auditor') return { tenantId, branches: 'all', device: 'all' };
  if (principal.role === 'cashier') return { tenantId, branches: principal.branchIds, device: principal.deviceId };
  return { tenantId, branches: principal.branchIds, device: 'all' };
}

/**
 * Narrows the scope by the query's filters. A filter outside the caller's own branches or till is
 * refused like a command on it (403 OUTSIDE_YOUR_BRANCHES / OUTSIDE_YOUR_DEVICE), decided from
 * the caller's token alone, so it says nothing of whether the id exists; an id of another tenant
 * inside an admin's scope simply matches no row (rows are always filtered by the caller's tenant).
 */
export function readFilterOf(scope: ReadScope, filter: ScopeFilter): ReadFilter {
  const branchId = filter.branchId as BranchId | undefined;
  const deviceId = filter.deviceId as DeviceId | undefined;
  if (branchId !== undefined && scope.branches !== 'all' && !scope.branches.includes(branchId)) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_BRANCHES', 'This belongs to a branch you do not work at');
  }
  if (deviceId !== undefined && scope.device !== 'all' && scope.device !== deviceId) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_DEVICE', 'A cashier reads the till they signed in on');
  }
  const branchIds = branchId !== undefined ? [branchId] : scope.branches === 'all' ? undefined : scope.branches;
  const device = deviceId ?? (scope.device === 'all' ? undefined : (scope.device ?? undefined));
  const nothing = scope.device === null || branchIds?.length === 0;
  return { tenantId: scope.tenantId, branchIds, deviceId: device, nothing };
}

/**
 * Whether one record (an order, a drawer session) is inside the scope, for detail reads: another
 * tenant's record is 404 (the caller checks the tenant), inside the tenant the same 403 as a command.
 */
export function requireInScope(scope: ReadScope, record: Readonly<{ branchId: string; deviceId: string }>): void {
  readFilterOf(scope, { branchId: record.branchId, deviceId: record.deviceId });
}
