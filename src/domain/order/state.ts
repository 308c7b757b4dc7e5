import type {
  BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, TaxRateId, TenantId,
} from '../shared/ids.js';
import type { CurrencyCode, Minor } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import type { Instant } from '../shared/time.js';
import type { Pricing } from './totals.js';
import type { Actor, DiscountTarget, DiscountValue, RefundLine, Tender, TenderMethod } from './values.js';

export type Line = Readonly<{
  lineId: LineId; sku: string; name: string; unitPrice: Minor; quantity: number; taxRateId: TaxRateId; taxBasisPoints: number;
}>;

export type AppliedDiscount = Readonly<{
  discountId: DiscountId; target: DiscountTarget; value: DiscountValue; reason: string; approvedBy: Actor | null;
}>;

export type Payment = Readonly<{ paymentId: PaymentId; tender: Tender; drawerId: DrawerId | null }>;

export type Refund = Readonly<{ refundId: RefundId; amount: Minor; method: TenderMethod; lines: readonly RefundLine[] }>;

type Header = Readonly<{
  orderId: OrderId; tenantId: TenantId; branchId: BranchId; deviceId: DeviceId; cashierId: EmployeeId;
  currency: CurrencyCode; priceMode: PriceMode; openedAt: Instant;
}>;

type Contents = Readonly<{
  lines: readonly Line[];
  discounts: readonly AppliedDiscount[];
  payments: readonly Payment[];
  /** Derived from lines and discounts by evolve (totals.ts). */
  pricing: Pricing;
  /** Sum of payment amounts; for cash the amount tendered. */
  paid: Minor;
}>;

export type OpenOrder = Header & Contents & Readonly<{ status: 'open' }>;

export type CompletedOrder = Header &
  Contents &
  Readonly<{ status: 'completed'; completedAt: Instant; change: Minor; refunds: readonly Refund[]; refunded: Minor }>;

export type VoidedOrder = Header & Contents & Readonly<{ status: 'voided'; voidedAt: Instant; reason: string }>;

/** An order is nothing yet, open (being rung up), completed (paid, immutable but refundable) or voided. */
export type OrderState = Readonly<{ status: 'none' }> | OpenOrder | CompletedOrder | VoidedOrder;

export const initialOrderState: OrderState = { status: 'none' };
