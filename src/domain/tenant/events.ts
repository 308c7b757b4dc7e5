import type { Event } from '../shared/command.js';
import type { BranchId, DeviceId, TaxRateId, TenantId } from '../shared/ids.js';
import type { CurrencyCode } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import type { Instant } from '../shared/time.js';

/** A tax rate as events carry it. */
export type TaxRateDefinition = Readonly<{ taxRateId: TaxRateId; name: string; basisPoints: number }>;

// Lifecycle. `at` is the business time of the command: the business asks when a tenant
// was registered, went live, was suspended or closed, independently of the envelope.
export type TenantRegistered = Event<
  'TenantRegistered',
  {
    tenantId: TenantId;
    legalName: string;
    currency: CurrencyCode;
    minorUnitExponent: 0 | 2 | 3;
    timeZone: string;
    priceMode: PriceMode;
    taxRates: readonly TaxRateDefinition[];
    discountApprovalThreshold: Readonly<{ basisPoints: number }>;
    at: Instant;
  }
>;
export type TenantActivated = Event<'TenantActivated', { at: Instant }>;
export type TenantSuspended = Event<'TenantSuspended', { reason: string; at: Instant }>;
export type TenantReinstated = Event<'TenantReinstated', { at: Instant }>;
export type TenantClosed = Event<'TenantClosed', { reason: string; at: Instant }>;

// Settings
export type TenantLegalNameChanged = Event<'TenantLegalNameChanged', { legalName: string }>;
export type TenantCurrencyChanged = Event<'TenantCurrencyChanged', { currency: CurrencyCode; minorUnitExponent: 0 | 2 | 3 }>;
export type TenantTimeZoneChanged = Event<'TenantTimeZoneChanged', { timeZone: string }>;
export type TenantPriceModeChanged = Event<'TenantPriceModeChanged', { priceMode: PriceMode }>;
export type DiscountApprovalThresholdChanged = Event<'DiscountApprovalThresholdChanged', { basisPoints: number }>;

// Tax rates. TaxRateChanged carries the full new values, so readers need no earlier event.
export type TaxRateAdded = Event<'TaxRateAdded', TaxRateDefinition>;
export type TaxRateChanged = Event<'TaxRateChanged', TaxRateDefinition>;
export type TaxRateRetired = Event<'TaxRateRetired', { taxRateId: TaxRateId }>;

// Branches
export type BranchOpened = Event<'BranchOpened', { branchId: BranchId; name: string }>;
export type BranchRenamed = Event<'BranchRenamed', { branchId: BranchId; name: string }>;
export type BranchClosed = Event<'BranchClosed', { branchId: BranchId }>;

// Devices. Deactivation carries `at`: from then on the device's tokens stop working.
export type DeviceRegistered = Event<'DeviceRegistered', { deviceId: DeviceId; branchId: BranchId; name: string }>;
export type DeviceRenamed = Event<'DeviceRenamed', { deviceId: DeviceId; name: string }>;
export type DeviceDeactivated = Event<'DeviceDeactivated', { deviceId: DeviceId; reason: string; at: Instant }>;

export type TenantEvent =
  | TenantRegistered
  | TenantActivated
  | TenantSuspended
  | TenantReinstated
  | TenantClosed
  | TenantLegalNameChanged
  | TenantCurrencyChanged
  | TenantTimeZoneChanged
  | TenantPriceModeChanged
  | DiscountApprovalThresholdChanged
  | TaxRateAdded
  | TaxRateChanged
  | TaxRateRetired
  | BranchOpened
  | BranchRenamed
  | BranchClosed
  | DeviceRegistered
  | DeviceRenamed
  | DeviceDeactivated;

/** Schema version of each event type as written today; raise one with an upcaster for the old shape. */
export const TENANT_EVENT_VERSIONS: Readonly<Record<TenantEvent['type'], number>> = {
  TenantRegistered: 1,
  TenantActivated: 1,
  TenantSuspended: 1,
  TenantReinstated: 1,
  TenantClosed: 1,
  TenantLegalNameChanged: 1,
  TenantCurrencyChanged: 1,
  TenantTimeZoneChanged: 1,
  TenantPriceModeChanged: 1,
  DiscountApprovalThresholdChanged: 1,
  TaxRateAdded: 1,
  TaxRateChanged: 1,
  TaxRateRetired: 1,
  BranchOpened: 1,
  BranchRenamed: 1,
  BranchClosed: 1,
  DeviceRegistered: 1,
  DeviceRenamed: 1,
  DeviceDeactivated: 1,
};
