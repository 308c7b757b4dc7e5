import { tillError } from './errors.js';
import type { CountAmount, TillFigures } from './figures.js';

/**
 * The figures come from the application's read model, not from a client, but a Z is a fiscal
 * record written once: its sums must be integers and agree with each other before they are kept.
 */
export function requireFigures(figures: TillFigures): void {
  const counts: CountAmount[] = [
    figures.discounts,
    figures.voids,
    figures.refunds,
    figures.cash.floats,
    figures.cash.cashIn,
    figures.cash.cashOut,
    ...figures.tenders.map((t) => t.refunds),
    ...figures.tenders.map((t) => ({ count: t.count, amount: t.amount })),
  ];
  const amounts = [
    figures.gross, figures.net, figures.tax, figures.total, figures.cash.expected, figures.cash.counted, figures.cash.variance,
    ...figures.taxes.flatMap((t) => [t.net, t.tax, t.gross, t.basisPoints]),
    ...figures.tenders.map((t) => t.change),
    ...figures.cash.drawers.flatMap((d) => [d.float, d.cashIn, d.cashOut, d.cashSales, d.expected, d.counted, d.variance]),
  ];
  const whole = [figures.receipts.count, ...counts.map((c) => c.count)].every((n) => Number.isSafeInteger(n) && n >= 0);
  const exact = [...amounts, ...counts.map((c) => c.amount)].every((n) => Number.isSafeInteger(n));
  if (!whole || !exact) fail('every count must be a whole number of at least 0 and every amount an integer of minor units');
  if (figures.total !== figures.net + figures.tax) fail('total must equal net + tax');
  if (figures.cash.variance !== figures.cash.counted - figures.cash.expected) fail('cash variance must equal counted - expected');
  if ((figures.receipts.count === 0) !== (figures.receipts.first === null) || (figures.receipts.first === null) !== (figures.receipts.last === null)) {
    fail('first and last receipt are given exactly when there are receipts');
  }
}

function fail(reason: string): never {
  throw tillError('TILL_FIGURES_INVALID', `The Z figures do not add up: ${reason}`, { reason });
}
