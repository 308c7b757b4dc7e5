import type { Branch, Device, ExistingTenant, OperatingTenant, TaxRate, Tenant, TenantState } from './state.js';
import type { BranchId, DeviceId, TaxRateId } from '../shared/ids.js';
import { tenantError } from './errors.js';

/** Refuses a command addressed to a tenant that was never registered. */
export function requireRegistered(state: TenantState): ExistingTenant {
  // not_found rather than conflict: nothing exists to be in a wrong state, and the edge
  // answers 404 so a tenant's existence does not leak (DOMAIN.md "Tenant isolation").
  if (state.status === 'none') throw tenantError.notFound('TENANT_NOT_REGISTERED', 'no tenant is registered here');
  return state;
}

/** Refuses a command to a tenant that does not exist or is closed (closed is final). */
export function requireNotClosed(state: TenantState): Exclude<ExistingTenant, { status: 'closed' }> {
  const existing = requireRegistered(state);
  if (existing.status === 'closed') throw tenantError.conflict('TENANT_CLOSED', 'the tenant is closed');
  return existing;
}

/**
 * Settings, tax rates, branches and devices may change while the tenant is registered or
 * active. Registered counts so a tenant can be set up (branches, tills, tax rates) before it
 * goes live; suspended and closed tenants accept only lifecycle commands.
 */
export function requireOperating(state: TenantState): OperatingTenant {
  const existing = requireNotClosed(state);
  if (existing.status === 'suspended') throw tenantError.conflict('TENANT_SUSPENDED', 'the tenant is suspended');
  return existing;
}

export function requireTaxRate(tenant: Tenant, taxRateId: TaxRateId): TaxRate {
  const taxRate = tenant.taxRates.get(taxRateId);
  if (!taxRate) throw tenantError.notFound('TAX_RATE_NOT_FOUND', 'no such tax rate', { taxRateId });
  if (taxRate.status === 'retired') throw tenantError.conflict('TAX_RATE_RETIRED', 'the tax rate is retired', { taxRateId });
  return taxRate;
}

export function requireOpenBranch(tenant: Tenant, branchId: BranchId): Branch {
  const branch = tenant.branches.get(branchId);
  if (!branch) throw tenantError.notFound('BRANCH_NOT_FOUND', 'no such branch', { branchId });
  if (branch.status === 'closed') throw tenantError.conflict('BRANCH_CLOSED', 'the branch is closed', { branchId });
  return branch;
}

export function requireActiveDevice(tenant: Tenant, deviceId: DeviceId): Device {
  const device = tenant.devices.get(deviceId);
  if (!device) throw tenantError.notFound('DEVICE_NOT_FOUND', 'no such device', { deviceId });
  if (device.status === 'deactivated') {
    throw tenantError.conflict('DEVICE_DEACTIVATED', 'the device is deactivated', { deviceId });
  }
  return device;
}
