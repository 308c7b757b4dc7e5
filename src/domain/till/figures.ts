import type { DrawerId, EmployeeId, OrderId, TaxRateId } from '../shared/ids.js';
import type { Minor } from '../shared/money.js';
import type { Instant } from '../shared/time.js';

/*
 * What a till did in one period, as a Z-report (closed) or an X-report (open) shows it. Every
 * amount is in the tenant's minor units. The application computes the figures from the till's
 * read model and passes them in; the decider checks their shape and adds them to the grand totals.
 */

export type TenderMethodName = 'cash' | 'card' | 'other';

export type CountAmount = Readonly<{ count: number; amount: Minor }>;

/** One tax rate's part of the period: sales minus refunds (a rate changed mid-period keeps its own row). */
export type TaxFigure = Readonly<{ taxRateId: TaxRateId; basisPoints: number; net: Minor; tax: Minor; gross: Minor }>;

/**
 * One tender method: payments of completed sales (`amount` is what the till kept: cash tendered
 * minus change), the change given, and refunds paid out by it.
 */
export type TenderFigure = Readonly<{ method: TenderMethodName; count: number; amount: Minor; change: Minor; refunds: CountAmount }>;

/** A drawer closed at the till in the period, with its reckoning as DrawerClosed recorded it. */
export type DrawerFigure = Readonly<{
  drawerId: DrawerId;
  employeeId: EmployeeId;
  float: Minor;
  cashIn: Minor;
  cashOut: Minor;
  cashSales: Minor;
  expected: Minor;
  counted: Minor;
  variance: Minor;
  closedAt: Instant;
}>;

export type ReceiptRef = Readonly<{ orderId: OrderId; completedAt: Instant }>;

export type CashFigures = Readonly<{
  /** Floats of the drawers opened at the till in the period. */
  floats: CountAmount;
  cashIn: CountAmount;
  cashOut: CountAmount;
  /** Drawers closed at the till in the period; `expected`, `counted`, `variance` are their sums. */
  drawers: readonly DrawerFigure[];
  expected: Minor;
  counted: Minor;
  variance: Minor;
}>;

export type TillFigures = Readonly<{
  /** Completed sales (receipts), the first and last in the order they reached the server. */
  receipts: Readonly<{ count: number; first: ReceiptRef | null; last: ReceiptRef | null }>;
  /** Price-list value of the lines sold (unit price × quantity), before discounts. */
  gross: Minor;
  /** Discounts of completed sales: how many were given and what they took off. */
  discounts: CountAmount;
  /** Open orders voided at the till, with the value they had when voided. */
  voids: CountAmount;
  /** Refunds counted at the till (gross, tax included). */
  refunds: CountAmount;
  /** Sales after discounts, tax excluded, minus the net part of refunds. */
  net: Minor;
  /** Tax of the sales minus tax given back by refunds. */
  tax: Minor;
  /** net + tax: what the till took for its sales, refunds deducted. */
  total: Minor;
  taxes: readonly TaxFigure[];
  tenders: readonly TenderFigure[];
  cash: CashFigures;
}>;

/** Running sums over every Z of a till, never reset: what fiscal rules call the grand total. */
export type GrandTotals = Readonly<{
  receipts: number;
  gross: Minor;
  discounts: CountAmount;
  voids: CountAmount;
  refunds: CountAmount;
  net: Minor;
  tax: Minor;
  total: Minor;
  taxes: readonly TaxFigure[];
  tenders: readonly TenderFigure[];
  cash: Readonly<{ floats: CountAmount; cashIn: CountAmount; cashOut: CountAmount; expected: Minor; counted: Minor; variance: Minor }>;
}>;

const zero: CountAmount = { count: 0, amount: 0 };

export const EMPTY_FIGURES: TillFigures = {
  receipts: { count: 0, first: null, last: null },
  gross: 0,
  discounts: zero,
  voids: zero,
  refunds: zero,
  net: 0,
  tax: 0,
  total: 0,
  taxes: [],
  tenders: [],
  cash: { floats: zero, cashIn: zero, cashOut: zero, drawers: [], expected: 0, counted: 0, variance: 0 },
};

export const EMPTY_GRAND_TOTALS: GrandTotals = {
  receipts: 0,
  gross: 0,
  discounts: zero,
  voids: zero,
  refunds: zero,
  net: 0,
  tax: 0,
  total: 0,
  taxes: [],
  tenders: [],
  cash: { floats: zero, cashIn: zero, cashOut: zero, expected: 0, counted: 0, variance: 0 },
};

const addCount = (a: CountAmount, b: CountAmount): CountAmount => ({ count: a.count + b.count, amount: a.amount + b.amount });

const TENDER_ORDER: readonly TenderMethodName[] = ['cash', 'card', 'other'];

/** Tax rows summed by rate id and basis points, in a stable order (id, then basis points). */
export function addTaxes(a: readonly TaxFigure[], b: readonly TaxFigure[]): TaxFigure[] {
  const byRate = new Map<string, TaxFigure>();
  for (const row of [...a, ...b]) {
    const key = `${row.taxRateId}\u0000${row.basisPoints}`;
    const before = byRate.get(key);
    byRate.set(key, before ? { ...before, net: before.net + row.net, tax: before.tax + row.tax, gross: before.gross + row.gross } : row);
  }
  return [...byRate.values()].sort((x, y) => (x.taxRateId === y.taxRateId ? x.basisPoints - y.basisPoints : x.taxRateId < y.taxRateId ? -1 : 1));
}

/** Tender rows summed by method, cash first, then card, then other. */
export function addTenders(a: readonly TenderFigure[], b: readonly TenderFigure[]): TenderFigure[] {
  const byMethod = new Map<TenderMethodName, TenderFigure>();
  for (const row of [...a, ...b]) {
    const before = byMethod.get(row.method);
    byMethod.set(
      row.method,
      before
        ? { method: row.method, count: before.count + row.count, amount: before.amount + row.amount, change: before.change + row.change, refunds: addCount(before.refunds, row.refunds) }
        : row,
    );
  }
  return TENDER_ORDER.flatMap((method) => {
    const row = byMethod.get(method);
    return row ? [row] : [];
  });
}

/** The grand totals after one more Z: every additive figure of the Z added to the running sums. */
export function addToGrandTotals(totals: GrandTotals, z: TillFigures): GrandTotals {
  return {
    receipts: totals.receipts + z.receipts.count,
    gross: totals.gross + z.gross,
    discounts: addCount(totals.discounts, z.discounts),
    voids: addCount(totals.voids, z.voids),
    refunds: addCount(totals.refunds, z.refunds),
    net: totals.net + z.net,
    tax: totals.tax + z.tax,
    total: totals.total + z.total,
    taxes: addTaxes(totals.taxes, z.taxes),
    tenders: addTenders(totals.tenders, z.tenders),
    cash: {
      floats: addCount(totals.cash.floats, z.cash.floats),
      cashIn: addCount(totals.cash.cashIn, z.cash.cashIn),
      cashOut: addCount(totals.cash.cashOut, z.cash.cashOut),
      expected: totals.cash.expected + z.cash.expected,
      counted: totals.cash.counted + z.cash.counted,
      variance: totals.cash.variance + z.cash.variance,
    },
  };
}

/**
 * Two stretches of one till's activity as one, `b` after `a`: what an open period is, folded
 * fact by fact (the first receipt is `a`'s, the last `b`'s, drawers in the order they closed).
 */
export function addFigures(a: TillFigures, b: TillFigures): TillFigures {
  return {
    receipts: { count: a.receipts.count + b.receipts.count, first: a.receipts.first ?? b.receipts.first, last: b.receipts.last ?? a.receipts.last },
    gross: a.gross + b.gross,
    discounts: addCount(a.discounts, b.discounts),
    voids: addCount(a.voids, b.voids),
    refunds: addCount(a.refunds, b.refunds),
    net: a.net + b.net,
    tax: a.tax + b.tax,
    total: a.total + b.total,
    taxes: addTaxes(a.taxes, b.taxes),
    tenders: addTenders(a.tenders, b.tenders),
    cash: {
      floats: addCount(a.cash.floats, b.cash.floats),
      cashIn: addCount(a.cash.cashIn, b.cash.cashIn),
      cashOut: addCount(a.cash.cashOut, b.cash.cashOut),
      drawers: [...a.cash.drawers, ...b.cash.drawers],
      expected: a.cash.expected + b.cash.expected,
      counted: a.cash.counted + b.cash.counted,
      variance: a.cash.variance + b.cash.variance,
    },
  };
}
