/**
 * Branded identifiers: a DeviceId cannot be passed where a BranchId is expected.
 * Ids come from outside (clients generate order ids; the application generates the rest).
 */
declare const brand: unique symbol;
export type Branded<T, Name extends string> = T & { readonly [brand]: Name };

export type TenantId = Branded<string, 'TenantId'>;
export type BranchId = Branded<string, 'BranchId'>;
export type DeviceId = Branded<string, 'DeviceId'>;
export type OrderId = Branded<string, 'OrderId'>;
export type EmployeeId = Branded<string, 'EmployeeId'>;
export type UserId = Branded<string, 'UserId'>;
export type LineId = Branded<string, 'LineId'>;
export type DiscountId = Branded<string, 'DiscountId'>;
export type PaymentId = Branded<string, 'PaymentId'>;
export type RefundId = Branded<string, 'RefundId'>;
export type TaxRateId = Branded<string, 'TaxRateId'>;
export type ShiftId = Branded<string, 'ShiftId'>;
export type DrawerId = Branded<string, 'DrawerId'>;
export type SupportSessionId = Branded<string, 'SupportSessionId'>;

