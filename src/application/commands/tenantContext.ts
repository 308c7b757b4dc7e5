import { activeDevice, activeTaxRate, openBranch, type TenantState } from '../../domain/tenant/index.js';
import type { BranchId, DeviceId, TaxRateId, TenantId } from '../../domain/shared/ids.js';
import { ApplicationError, notFound } from '../errors.js';
import { loadCurrent } from '../aggregateCache.js';
import type { CrossReads } from '../handleCommand.js';
import type { EventStore } from '../ports/eventStore.js';
import { tenantKind } from './kinds.js';
import { streams } from '../events/streams.js';

type LiveTenant = Exclude<TenantState, { status: 'none' }>;

/** The tenant a command acts in, which must be active for sales (cross-aggregate rule, ADR 0006). */
export async function activeTenant(eventStore: EventStore, tenantId: TenantId): Promise<LiveTenant> {
  const { state } = await loadCurrent(eventStore, tenantKind, streams.tenant(tenantId));
  return requireActive(state);
}

/**
 * The same, read as a command's CrossReads: the tenant as this process holds it, and the
 * command's append requires it unchanged, so a sale is never written after a suspension it
 * did not see (ADR 0019).
 */
export async function activeTenantOf(reads: CrossReads, tenantId: TenantId): Promise<LiveTenant> {
  return requireActive(await reads.state(tenantKind, streams.tenant(tenantId)));
}

function requireActive(state: TenantState): LiveTenant {
  if (state.status === 'none') throw notFound('Tenant');
  if (state.status !== 'active') {
    throw new ApplicationError('conflict', 'TENANT_NOT_ACTIVE', `The tenant is ${state.status} and accepts no sales`);
  }
  return state;
}

export function requireOpenBranch(tenant: TenantState, branchId: BranchId): void {
  if (!openBranch(tenant, branchId)) throw new ApplicationError('not_found', 'BRANCH_NOT_FOUND', 'No such open branch');
}

export function requireActiveDeviceAt(tenant: TenantState, branchId: BranchId, deviceId: DeviceId): void {
  const device = activeDevice(tenant, deviceId);
  if (device?.branchId !== branchId) throw new ApplicationError('not_found', 'DEVICE_NOT_FOUND', 'No such active device at this branch');
}

export function requireTaxRate(tenant: TenantState, taxRateId: TaxRateId): Readonly<{ taxRateId: TaxRateId; basisPoints: number }> {
  const rate = activeTaxRate(tenant, taxRateId);
  if (!rate) throw new ApplicationError('invalid', 'UNKNOWN_TAX_RATE', 'No such tax rate in use', { taxRateId });
  return { taxRateId: rate.id, basisPoints: rate.basisPoints };
}
