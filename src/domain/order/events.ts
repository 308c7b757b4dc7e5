import type { Event } from '../shared/command.js';
import type {
  BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, TaxRateId, TenantId,
} from '../shared/ids.js';
import type { CurrencyCode, Minor } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import type { Instant } from '../shared/time.js';
import type { Actor, DiscountTarget, DiscountValue, OrderTotals, RefundLine, Tender, TenderMethod } from './values.js';

export type OrderOpened = Event<'OrderOpened', {
  orderId: OrderId; tenantId: TenantId; branchId: BranchId; deviceId: DeviceId; cashierId: EmployeeId;
  currency: CurrencyCode; priceMode: PriceMode; at: Instant;
}>;
export type OrderLineAdded = Event<'OrderLineAdded', {
  lineId: LineId; sku: string; name: string; unitPrice: Minor; quantity: number; taxRateId: TaxRateId; taxBasisPoints: number;
}>;
export type OrderLineQuantityChanged = Event<'OrderLineQuantityChanged', { lineId: LineId; quantity: number }>;
export type OrderLineRemoved = Event<'OrderLineRemoved', { lineId: LineId }>;
export type DiscountApplied = Event<'DiscountApplied', {
  discountId: DiscountId; target: DiscountTarget; value: DiscountValue; reason: string;
  /** The amount when applied; later quantity changes rescale percent discounts. */
  amount: Minor;
  /** Present when the discount went above the tenant's threshold. */
  approvedBy: Actor | null;
}>;
export type DiscountRemoved = Event<'DiscountRemoved', { discountId: DiscountId }>;
export type PaymentAdded = Event<'PaymentAdded', { paymentId: PaymentId; tender: Tender; drawerId: DrawerId | null }>;
export type PaymentRemoved = Event<'PaymentRemoved', { paymentId: PaymentId }>;
export type OrderCompleted = Event<'OrderCompleted', { at: Instant; totals: OrderTotals; paid: Minor; change: Minor }>;
export type OrderVoided = Event<'OrderVoided', { at: Instant; reason: string; voidedBy: Actor; paidToReturn: Minor }>;
export type OrderRefunded = Event<'OrderRefunded', {
  refundId: RefundId; at: Instant; amount: Minor; method: TenderMethod; lines: readonly RefundLine[];
  reason: string; refundedBy: Actor; drawerId: DrawerId | null;
}>;

export type OrderEvent =
  | OrderOpened | OrderLineAdded | OrderLineQuantityChanged | OrderLineRemoved | DiscountApplied | DiscountRemoved
  | PaymentAdded | PaymentRemoved | OrderCompleted | OrderVoided | OrderRefunded;

/** Current schema version of each event type; older versions are upcast on read (upcasts.ts). */
export const ORDER_EVENT_VERSIONS: Readonly<Record<OrderEvent['type'], number>> = {
  OrderOpened: 1,
  OrderLineAdded: 2,
  OrderLineQuantityChanged: 1,
  OrderLineRemoved: 1,
  DiscountApplied: 1,
  DiscountRemoved: 1,
  PaymentAdded: 1,
  PaymentRemoved: 1,
  OrderCompleted: 1,
  OrderVoided: 1,
  OrderRefunded: 1,
};
