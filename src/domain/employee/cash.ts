import type { Branded } from '../shared/ids.js';
import { requireMinor, sum, type Minor } from '../shared/money.js';

/** Identifies one cash movement of a drawer session (chosen by the client, like other ids). */
export type MovementId = Branded<string, 'MovementId'>;

export const FLOAT_MAX: Minor = 10_000_000;
export const MOVEMENT_MAX: Minor = 10_000_000;
export const COUNTED_MAX: Minor = 100_000_000;
/**
 * Net cash sales of one drawer session may be negative (refunds paid out of the drawer). The
 * bound only keeps every sum of the drawer far inside the integers a `number` holds exactly.
 */
export const CASH_SALES_BOUND: Minor = 1_000_000_000_000_000;

export type DrawerTotals = Readonly<{ float: Minor; cashIn: Minor; cashOut: Minor }>;

export function requireCashSales(value: number, field: string): Minor {
  return requireMinor(value, field, -CASH_SALES_BOUND, CASH_SALES_BOUND);
}

/** The cash that should be in the drawer: float + cash in - cash out + net cash sales. */
export function expectedCash(drawer: DrawerTotals, cashSales: Minor): Minor {
  return sum([drawer.float, drawer.cashIn, -drawer.cashOut, cashSales]);
}
