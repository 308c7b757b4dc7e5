import type { BranchId, DeviceId, TaxRateId } from '../shared/ids.js';
import type { Branch, Device, TaxRate, TenantState } from './state.js';

// Pure reads of a folded Tenant state for the application layer (e.g. whether an order may be
// opened on this device at this branch). They answer about the thing asked only; combine with
// `isAcceptingCommands` to also require a tenant that is not suspended or closed.

/**
 * Whether the tenant takes commands other than lifecycle ones: registered (being set up) or
 * active. Suspended and closed tenants accept none (DOMAIN.md "Tenant"); auditors may still read.
 */
export function isAcceptingCommands(state: TenantState): boolean {
  return state.status === 'registered' || state.status === 'active';
}

/** The branch if it exists and is open. */
export function openBranch(state: TenantState, branchId: BranchId): Branch | undefined {
  if (state.status === 'none') return undefined;
  const branch = state.tenant.branches.get(branchId);
  return branch?.status === 'open' ? branch : undefined;
}

/** The device if it exists and is not deactivated (its branch is then open too). */
export function activeDevice(state: TenantState, deviceId: DeviceId): Device | undefined {
  if (state.status === 'none') return undefined;
  const device = state.tenant.devices.get(deviceId);
  return device?.status === 'active' ? device : undefined;
}

/** The tax rate if it exists and is not retired. */
export function activeTaxRate(state: TenantState, taxRateId: TaxRateId): TaxRate | undefined {
  if (state.status === 'none') return undefined;
  const taxRate = state.tenant.taxRates.get(taxRateId);
  return taxRate?.status === 'active' ? taxRate : undefined;
}
