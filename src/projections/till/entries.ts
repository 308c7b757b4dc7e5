import type { OrderRefunded } from '../../domain/order/events.js';
import type { DrawerClosed } from '../../domain/employee/events.js';
import type { EmployeeId, TaxRateId } from '../../domain/shared/ids.js';
import { allocate, sum, type Minor } from '../../domain/shared/money.js';
import { lineTax } from '../../domain/shared/tax.js';
import { addTaxes, addTenders, EMPTY_FIGURES, type TaxFigure, type TenderFigure, type TenderMethodName, type TillFigures } from '../../domain/till/index.js';
import { pricingOf, type OrderSnapshot } from '../shared/orderSnapshot.js';

/*
 * What one fact adds to its till's open period, as TillFigures: the period is the sum of its
 * facts (addFigures), so the X-report and the Z that closes it are the same fold.
 */

type Completed = Extract<OrderSnapshot, { status: 'completed' }>;
const noRefunds = { count: 0, amount: 0 };

/** A completed sale: the aggregate's own pricing, tenders net of change, one receipt. */
export function saleFigures(order: Completed): TillFigures {
  const { totals, discountAmounts } = pricingOf(order);
  const receipt = { orderId: order.orderId, completedAt: order.completedAt };
  const tenders: TenderFigure[] = [];
  for (const payment of order.payments) {
    tenders.push({ method: payment.tender.method, count: 1, amount: payment.tender.amount, change: 0, refunds: noRefunds });
  }
  // Change comes out of the cash tendered: the till keeps what the sale cost.
  if (order.change > 0) tenders.push({ method: 'cash', count: 0, amount: -order.change, change: order.change, refunds: noRefunds });
  return {
    ...EMPTY_FIGURES,
    receipts: { count: 1, first: receipt, last: receipt },
    gross: totals.subtotal,
    discounts: { count: [...discountAmounts.values()].filter((amount) => amount > 0).length, amount: totals.discountTotal },
    net: totals.net,
    tax: totals.tax,
    total: totals.total,
    taxes: addTaxes([], totals.taxes.map((t) => ({ taxRateId: t.taxRateId, basisPoints: t.basisPoints, net: t.net, tax: t.tax, gross: t.net + t.tax }))),
    tenders: addTenders([], tenders),
  };
}

/** An open order voided: counted with what it was worth then; it took no money. */
export function voidFigures(order: OrderSnapshot): TillFigures {
  return { ...EMPTY_FIGURES, voids: { count: 1, amount: pricingOf(order).totals.total } };
}

/**
 * A refund: its amount (tax included) split by tax rate, line by line where it names lines,
 * otherwise over the sale's rates in proportion to their gross. Deducted from net, tax and total.
 */
export function refundFigures(order: Completed, refund: OrderRefunded['data']): TillFigures {
  const byRate = refundByRate(order, refund);
  const net = sum(byRate.map((r) => r.net));
  const tax = sum(byRate.map((r) => r.tax));
  const method: TenderMethodName = refund.method;
  return {
    ...EMPTY_FIGURES,
    refunds: { count: 1, amount: refund.amount },
    net: -net,
    tax: -tax,
    total: -refund.amount,
    taxes: addTaxes([], byRate.map((r) => ({ ...r, net: -r.net, tax: -r.tax, gross: -r.gross }))),
    tenders: [{ method, count: 0, amount: 0, change: 0, refunds: { count: 1, amount: refund.amount } }],
  };
}

function refundByRate(order: Completed, refund: OrderRefunded['data']): TaxFigure[] {
  const { lines, totals } = pricingOf(order);
  if (refund.lines.length > 0) {
    const rateOf = new Map(lines.map((line) => [line.lineId as string, line]));
    return refund.lines.flatMap((refunded) => {
      const line = rateOf.get(refunded.lineId);
      return line ? [split(line.taxRateId, line.taxBasisPoints, refunded.amount)] : [];
    });
  }
  const rates = totals.taxes;
  const shares = allocate(refund.amount, rates.map((t) => t.net + t.tax));
  return rates.map((rate, i) => split(rate.taxRateId, rate.basisPoints, shares[i] ?? 0));
}

/** A gross amount of one rate as net and tax, rounded half away from zero (ADR 0005). */
function split(taxRateId: TaxRateId, basisPoints: number, gross: Minor): TaxFigure {
  const { net, tax } = lineTax(gross, basisPoints, 'inclusive');
  return { taxRateId, basisPoints, net, tax, gross };
}

export function floatFigures(float: Minor): TillFigures {
  return { ...EMPTY_FIGURES, cash: { ...EMPTY_FIGURES.cash, floats: { count: 1, amount: float } } };
}

export function cashMovementFigures(direction: 'in' | 'out', amount: Minor): TillFigures {
  const movement = { count: 1, amount };
  return { ...EMPTY_FIGURES, cash: { ...EMPTY_FIGURES.cash, ...(direction === 'in' ? { cashIn: movement } : { cashOut: movement }) } };
}

export function drawerClosedFigures(employeeId: string, closed: DrawerClosed['data']): TillFigures {
  const { drawerId, float, cashIn, cashOut, cashSales, expected, counted, variance, at } = closed;
  return {
    ...EMPTY_FIGURES,
    cash: {
      ...EMPTY_FIGURES.cash,
      drawers: [{ drawerId: drawerId, employeeId: employeeId as EmployeeId, float, cashIn, cashOut, cashSales, expected, counted, variance, closedAt: at }],
      expected,
      counted,
      variance,
    },
  };
}

export type { Completed as CompletedSnapshot };
