import type { Command } from '../shared/command.js';
import type {
  BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, TaxRateId, TenantId,
} from '../shared/ids.js';
import type { CurrencyCode, Minor } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import type { Actor, DiscountTarget, DiscountValue, Tender, TenderMethod } from './values.js';

/**
 * Facts from other aggregates reach the order as data, checked by the application first
 * (ADR 0006): the tenant's currency and price mode, the tax rate's basis points, the
 * discount approval threshold, the cashier's open drawer.
 */
export type OpenOrder = Command<'OpenOrder', {
  orderId: OrderId; tenantId: TenantId; branchId: BranchId; deviceId: DeviceId; cashierId: EmployeeId;
  currency: CurrencyCode; priceMode: PriceMode;
}>;
export type AddOrderLine = Command<'AddOrderLine', {
  lineId: LineId; sku: string; name: string; unitPrice: Minor; quantity: number;
  taxRate: Readonly<{ taxRateId: TaxRateId; basisPoints: number }>;
}>;
export type ChangeLineQuantity = Command<'ChangeLineQuantity', { lineId: LineId; quantity: number }>;
export type RemoveOrderLine = Command<'RemoveOrderLine', { lineId: LineId }>;
export type ApplyDiscount = Command<'ApplyDiscount', {
  discountId: DiscountId; target: DiscountTarget; value: DiscountValue; reason: string;
  /** The tenant's threshold: a discount taking more than this share of its base needs a manager. */
  approvalThresholdBasisPoints: number;
  /** A manager who approved at the till (verified by the application), when the actor is not one. */
  approvedBy: Actor | null;
}>;
export type RemoveDiscount = Command<'RemoveDiscount', { discountId: DiscountId }>;
export type AddPayment = Command<'AddPayment', { paymentId: PaymentId; tender: Tender; drawerId: DrawerId | null }>;
export type RemovePayment = Command<'RemovePayment', { paymentId: PaymentId }>;
export type CompleteOrder = Command<'CompleteOrder', Record<string, never>>;
export type VoidOrder = Command<'VoidOrder', { reason: string }>;

export type RefundScope =
  | Readonly<{ kind: 'whole' }>
  | Readonly<{ kind: 'lines'; lines: readonly Readonly<{ lineId: LineId; quantity: number }>[] }>
  | Readonly<{ kind: 'amount'; amount: Minor }>;

export type RefundOrder = Command<'RefundOrder', {
  refundId: RefundId; scope: RefundScope; method: TenderMethod; reason: string; drawerId: DrawerId | null;
}>;

export type OrderCommand =
  | OpenOrder | AddOrderLine | ChangeLineQuantity | RemoveOrderLine | ApplyDiscount | RemoveDiscount
  | AddPayment | RemovePayment | CompleteOrder | VoidOrder | RefundOrder;
