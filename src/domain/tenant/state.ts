import type { BranchId, DeviceId, TaxRateId, TenantId } from '../shared/ids.js';
import type { CurrencyCode } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import type { Instant } from '../shared/time.js';

// Maps rather than plain records: ids come from outside, and a record would answer
// `branches['constructor']` with Object's own property.

export type TaxRate = Readonly<{ id: TaxRateId; name: string; basisPoints: number; status: 'active' | 'retired' }>;
export type Branch = Readonly<{ id: BranchId; name: string; status: 'open' | 'closed' }>;
export type Device = Readonly<{ id: DeviceId; branchId: BranchId; name: string; status: 'active' | 'deactivated' }>;

export type TenantSettings = Readonly<{
  currency: CurrencyCode;
  minorUnitExponent: 0 | 2 | 3;
  timeZone: string;
  priceMode: PriceMode;
  /** Discounts above this share of the amount need a branch_manager or higher. */
  discountApprovalThreshold: Readonly<{ basisPoints: number }>;
}>;

/** What a tenant is, whatever its lifecycle status. Kept after closing: auditors still read it. */
export type Tenant = Readonly<{
  id: TenantId;
  legalName: string;
  settings: TenantSettings;
  taxRates: ReadonlyMap<TaxRateId, TaxRate>;
  branches: ReadonlyMap<BranchId, Branch>;
  devices: ReadonlyMap<DeviceId, Device>;
  registeredAt: Instant;
}>;

export type NoTenant = Readonly<{ status: 'none' }>;
export type RegisteredTenant = Readonly<{ status: 'registered'; tenant: Tenant }>;
export type ActiveTenant = Readonly<{ status: 'active'; tenant: Tenant; activatedAt: Instant }>;
export type SuspendedTenant = Readonly<{
  status: 'suspended';
  tenant: Tenant;
  activatedAt: Instant;
  suspendedAt: Instant;
  suspensionReason: string;
}>;
export type ClosedTenant = Readonly<{ status: 'closed'; tenant: Tenant; closedAt: Instant; closureReason: string }>;

export type TenantState = NoTenant | RegisteredTenant | ActiveTenant | SuspendedTenant | ClosedTenant;

/** Any tenant that has been registered. */
export type ExistingTenant = Exclude<TenantState, NoTenant>;
/** A tenant whose settings, branches and devices may change. */
export type OperatingTenant = RegisteredTenant | ActiveTenant;

export const initialTenantState: TenantState = { status: 'none' };
