import type { LineId, TaxRateId, UserId } from '../shared/ids.js';
import type { Minor } from '../shared/money.js';
import type { Role } from '../shared/roles.js';

/** A person as recorded in an order event (who approved, voided, refunded). */
export type Actor = Readonly<{ userId: UserId; role: Role }>;

export type DiscountTarget = Readonly<{ kind: 'order' }> | Readonly<{ kind: 'line'; lineId: LineId }>;

/** A fixed amount off, or a percentage in basis points (1 % = 100). */
export type DiscountValue = Readonly<{ kind: 'amount'; amount: Minor }> | Readonly<{ kind: 'percent'; basisPoints: number }>;

export type TenderMethod = 'cash' | 'card' | 'other';

/**
 * What the customer handed over. Cash records the amount tendered (change is computed at
 * completion); card and other record the amount charged, never more than is due.
 */
export type Tender =
  | Readonly<{ method: 'cash'; amount: Minor }>
  | Readonly<{ method: 'card'; amount: Minor; processorReference: string }>
  | Readonly<{ method: 'other'; amount: Minor; description: string }>;

export type RefundLine = Readonly<{ lineId: LineId; quantity: number; amount: Minor }>;

export type TaxLine = Readonly<{ taxRateId: TaxRateId; basisPoints: number; net: Minor; tax: Minor }>;

/**
 * Derived by the server from lines and discounts (totals.ts), never taken from a client.
 * Identity: total = net + tax; inclusive prices: total = subtotal − discounts;
 * exclusive: total = subtotal − discounts + tax.
 */
export type OrderTotals = Readonly<{
  subtotal: Minor;
  discountTotal: Minor;
  net: Minor;
  tax: Minor;
  taxes: readonly TaxLine[];
  total: Minor;
}>;
