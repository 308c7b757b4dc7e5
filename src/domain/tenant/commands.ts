import type { Command } from '../shared/command.js';
import type { BranchId, DeviceId, TaxRateId, TenantId } from '../shared/ids.js';
import type { PriceMode } from '../shared/tax.js';

// Commands carry input as received (after the edge's schema): the decider validates every field.
// Only RegisterTenant names the tenant; the others are addressed by the stream `tenant-<id>`.

export type TaxRateInput = Readonly<{ taxRateId: TaxRateId; name: string; basisPoints: number }>;

// Lifecycle
export type RegisterTenant = Command<
  'RegisterTenant',
  {
    tenantId: TenantId;
    legalName: string;
    /** ISO 4217 code; must be one of CURRENCIES. */
    currency: string;
    /** IANA zone name such as `Europe/Paris`, or `UTC`. */
    timeZone: string;
    priceMode: PriceMode;
    taxRates?: readonly TaxRateInput[] | undefined;
    discountApprovalThreshold: Readonly<{ basisPoints: number }>;
  }
>;
export type ActivateTenant = Command<'ActivateTenant', Record<string, never>>;
export type SuspendTenant = Command<'SuspendTenant', { reason: string }>;
export type ReinstateTenant = Command<'ReinstateTenant', Record<string, never>>;
export type CloseTenant = Command<'CloseTenant', { reason: string }>;

// Settings
export type ChangeLegalName = Command<'ChangeLegalName', { legalName: string }>;
export type ChangeCurrency = Command<
  'ChangeCurrency',
  {
    currency: string;
    /** Whether the tenant has recorded any sale, from the order read model; the application sets it. */
    hasSales: boolean;
  }
>;
export type ChangeTimeZone = Command<'ChangeTimeZone', { timeZone: string }>;
export type ChangePriceMode = Command<'ChangePriceMode', { priceMode: PriceMode }>;
export type ChangeDiscountApprovalThreshold = Command<'ChangeDiscountApprovalThreshold', { basisPoints: number }>;

// Tax rates
export type AddTaxRate = Command<'AddTaxRate', TaxRateInput>;
export type ChangeTaxRate = Command<
  'ChangeTaxRate',
  { taxRateId: TaxRateId; name?: string | undefined; basisPoints?: number | undefined }
>;
export type RetireTaxRate = Command<'RetireTaxRate', { taxRateId: TaxRateId }>;

// Branches
export type OpenBranch = Command<'OpenBranch', { branchId: BranchId; name: string }>;
export type RenameBranch = Command<'RenameBranch', { branchId: BranchId; name: string }>;
export type CloseBranch = Command<'CloseBranch', { branchId: BranchId }>;

// Devices
export type RegisterDevice = Command<'RegisterDevice', { deviceId: DeviceId; branchId: BranchId; name: string }>;
export type RenameDevice = Command<'RenameDevice', { deviceId: DeviceId; name: string }>;
export type DeactivateDevice = Command<'DeactivateDevice', { deviceId: DeviceId; reason: string }>;

export type TenantCommand =
  | RegisterTenant
  | ActivateTenant
  | SuspendTenant
  | ReinstateTenant
  | CloseTenant
  | ChangeLegalName
  | ChangeCurrency
  | ChangeTimeZone
  | ChangePriceMode
  | ChangeDiscountApprovalThreshold
  | AddTaxRate
  | ChangeTaxRate
  | RetireTaxRate
  | OpenBranch
  | RenameBranch
  | CloseBranch
  | RegisterDevice
  | RenameDevice
  | DeactivateDevice;
