import { allocate, applyBasisPoints, sum, type Minor } from '../shared/money.js';
import { lineTax, type PriceMode } from '../shared/tax.js';
import type { DiscountId, LineId, TaxRateId } from '../shared/ids.js';
import type { AppliedDiscount, Line } from './state.js';
import type { OrderTotals, TaxLine } from './values.js';

export type PricedLine = Readonly<{
  lineId: LineId;
  taxRateId: TaxRateId;
  taxBasisPoints: number;
  quantity: number;
  /** unit price × quantity, as written on the price list. */
  base: Minor;
  lineDiscount: Minor;
  /** This line's share of order-level discounts. */
  orderDiscount: Minor;
  /** What the customer pays for the line before tax is split out (inclusive) or added (exclusive). */
  amount: Minor;
  net: Minor;
  tax: Minor;
  gross: Minor;
}>;

export type Pricing = Readonly<{
  lines: readonly PricedLine[];
  /** What each discount takes off now; a percent discount follows later quantity changes. */
  discountAmounts: ReadonlyMap<DiscountId, Minor>;
  totals: OrderTotals;
}>;

function discountAmount(discount: AppliedDiscount, base: Minor, alreadyTaken: Minor): Minor {
  const wanted = discount.value.kind === 'amount' ? discount.value.amount : applyBasisPoints(base, discount.value.basisPoints);
  // An amount discount never takes more than is left, e.g. after the line's quantity dropped.
  return Math.min(wanted, base - alreadyTaken);
}

/**
 * Prices an order in exact integer arithmetic (ADR 0005): line discounts first, then order
 * discounts on what remains, allocated to lines in proportion; then tax per line, rounded
 * half away from zero.
 */
export function priceOrder(lines: readonly Line[], discounts: readonly AppliedDiscount[], mode: PriceMode): Pricing {
  const discountAmounts = new Map<DiscountId, Minor>();
  const afterLineDiscounts = lines.map((line) => {
    const base = line.unitPrice * line.quantity;
    let taken = 0;
    for (const discount of discounts) {
      if (discount.target.kind !== 'line' || discount.target.lineId !== line.lineId) continue;
      const amount = discountAmount(discount, base, taken);
      discountAmounts.set(discount.discountId, amount);
      taken += amount;
    }
    return { line, base, lineDiscount: taken };
  });

  const orderBase = sum(afterLineDiscounts.map((l) => l.base - l.lineDiscount));
  let orderDiscountTotal = 0;
  for (const discount of discounts) {
    if (discount.target.kind !== 'order') continue;
    const amount = discountAmount(discount, orderBase, orderDiscountTotal);
    discountAmounts.set(discount.discountId, amount);
    orderDiscountTotal += amount;
  }
  const shares = allocate(orderDiscountTotal, afterLineDiscounts.map((l) => l.base - l.lineDiscount));

  const priced = afterLineDiscounts.map(({ line, base, lineDiscount }, index): PricedLine => {
    const orderDiscount = shares[index] ?? 0;
    const amount = base - lineDiscount - orderDiscount;
    const { lineId, taxRateId, taxBasisPoints, quantity } = line;
    return { lineId, taxRateId, taxBasisPoints, quantity, base, lineDiscount, orderDiscount, amount, ...lineTax(amount, taxBasisPoints, mode) };
  });

  return { lines: priced, discountAmounts, totals: totalsOf(priced, orderDiscountTotal) };
}

function totalsOf(priced: readonly PricedLine[], orderDiscountTotal: Minor): OrderTotals {
  const byRate = new Map<string, { taxRateId: TaxRateId; basisPoints: number; net: Minor; tax: Minor }>();
  for (const p of priced) {
    // A rate changed while the order was open keeps its own row: the id alone is not the rate.
    const key = `${p.taxRateId}\u0000${p.taxBasisPoints}`;
    const entry = byRate.get(key);
    if (entry) {
      entry.net += p.net;
      entry.tax += p.tax;
    } else {
      byRate.set(key, { taxRateId: p.taxRateId, basisPoints: p.taxBasisPoints, net: p.net, tax: p.tax });
    }
  }
  const taxes: TaxLine[] = [...byRate.values()].sort((a, b) =>
    a.taxRateId === b.taxRateId ? a.basisPoints - b.basisPoints : a.taxRateId < b.taxRateId ? -1 : 1,
  );
  return {
    subtotal: sum(priced.map((p) => p.base)),
    discountTotal: sum(priced.map((p) => p.lineDiscount)) + orderDiscountTotal,
    net: sum(priced.map((p) => p.net)),
    tax: sum(priced.map((p) => p.tax)),
    taxes,
    total: sum(priced.map((p) => p.gross)),
  };
}
