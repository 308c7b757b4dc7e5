import { applyBasisPoints, divideRoundHalfAwayFromZero, type Minor } from './money.js';

/** How a tenant's prices are written: with tax included (most of Europe's retail) or before tax. */
export type PriceMode = 'inclusive' | 'exclusive';

export type LineTax = Readonly<{ net: Minor; tax: Minor; gross: Minor }>;

/**
 * Tax of one line, from the line's amount after discounts, rounded half away from zero to the
 * minor unit, per line (ADR 0005). Inclusive: the amount is gross and the tax is carved out of
 * it. Exclusive: the amount is net and the tax is added. Either way net + tax = gross exactly.
 */
export function lineTax(amount: Minor, basisPoints: number, mode: PriceMode): LineTax {
  if (mode === 'exclusive') {
    const tax = applyBasisPoints(amount, basisPoints);
    return { net: amount, tax, gross: amount + tax };
  }
  const tax = divideRoundHalfAwayFromZero(amount * basisPoints, 10_000 + basisPoints);
  return { net: amount - tax, tax, gross: amount };
}
