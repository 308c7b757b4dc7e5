import type { OrderRefunded } from '../../domain/order/events.js';
import type { Line } from '../../domain/order/state.js';
import { pricingOf, type OrderSnapshot } from '../shared/orderSnapshot.js';
import { hourBucketOf, type HourBucket } from './localHour.js';

/**
 * The sales reports' rows touched by one batch, as deltas: every figure is a sum, so a row's new
 * value is its stored value plus the delta, and the batch writes each touched row once
 * (salesWrites.ts). Pure: the caller hands in the order as the aggregate folds it and the zone.
 *
 * What each figure means is written down in README "What each sales figure means"; in short, a
 * sale counts on its completion's business date, a refund on the refund's, a void on the void's,
 * all from the order's server-side pricing (`pricingOf`), keyed by the order's own currency and
 * price mode.
 */
export type DayKey = Readonly<{ tenant_id: string; branch_id: string; business_date: string; currency: string; price_mode: string }>;

export type SaleFigures = {
  order_count: number; items_sold: number; gross: number; discount_amount: number; net: number; tax: number; total: number;
  refund_count: number; refund_amount: number;
};
export type DailyDelta = DayKey & SaleFigures & { discount_count: number; items_refunded: number; void_count: number; void_amount: number };
export type TaxDelta = DayKey & { tax_rate_id: string; basis_points: number; order_count: number; taxable: number; tax: number; gross: number };
export type PaymentDelta = Omit<DayKey, 'price_mode'> & {
  method: string; tender_count: number; amount: number; change_given: number; refund_count: number; refund_amount: number;
};
export type HourDelta = DayKey & SaleFigures & { hour_start: string; hour: number; utc_offset_minutes: number };
export type CashierDelta = DayKey & SaleFigures & { cashier_id: string };
export type ProductDelta = DayKey & {
  sku: string; name: string; quantity: number; gross: number; discount_amount: number; net: number; tax: number; total: number;
  refund_quantity: number; refund_amount: number;
};

type CompletedSnapshot = Extract<OrderSnapshot, Readonly<{ status: 'completed' }>>;
type OpenSnapshot = Extract<OrderSnapshot, Readonly<{ status: 'open' }>>;

function keyOf(parts: readonly (string | number)[]): string {
  return parts.join('\u0000');
}

function rowIn<R>(rows: Map<string, R>, parts: readonly (string | number)[], create: () => R): R {
  const key = keyOf(parts);
  let row = rows.get(key);
  if (!row) {
    row = create();
    rows.set(key, row);
  }
  return row;
}

export class SalesFold {
  readonly daily = new Map<string, DailyDelta>();
  readonly taxes = new Map<string, TaxDelta>();
  readonly payments = new Map<string, PaymentDelta>();
  readonly hours = new Map<string, HourDelta>();
  readonly cashiers = new Map<string, CashierDelta>();
  readonly products = new Map<string, ProductDelta>();

  /** A completed sale, on the business date of its completion. */
  sale(order: CompletedSnapshot, timeZone: string): void {
    const bucket = hourBucketOf(order.completedAt, timeZone);
    const day = dayKey(order, bucket.date);
    const { lines, totals } = pricingOf(order);
    const items = order.lines.reduce((units, line) => units + line.quantity, 0);
    const figures = { order_count: 1, items_sold: items, gross: totals.subtotal, discount_amount: totals.discountTotal, net: totals.net, tax: totals.tax, total: totals.total };

    const daily = this.dailyRow(day);
    addSale(daily, figures);
    daily.discount_count += order.discounts.length;
    addSale(this.hourRow(day, bucket), figures);
    addSale(this.cashierRow(day, order.cashierId), figures);

    for (const line of totals.taxes) {
      const { tenant_id, branch_id, business_date, currency, price_mode } = day;
      const row = rowIn(this.taxes, [day.key, line.taxRateId, line.basisPoints], () => ({
        tenant_id, branch_id, business_date, currency, price_mode, tax_rate_id: line.taxRateId, basis_points: line.basisPoints,
        order_count: 0, taxable: 0, tax: 0, gross: 0,
      }));
      row.order_count += 1;
      row.taxable += line.net;
      row.tax += line.tax;
      row.gross += line.net + line.tax;
    }

    const byId = linesById(order);
    for (const priced of lines) {
      const line = byId.get(priced.lineId);
      if (!line) continue;
      const row = this.productRow(day, line);
      row.name = line.name;
      row.quantity += priced.quantity;
      row.gross += priced.base;
      row.discount_amount += priced.lineDiscount + priced.orderDiscount;
      row.net += priced.net;
      row.tax += priced.tax;
      row.total += priced.gross;
    }

    for (const payment of order.payments) {
      const row = this.paymentRow(day, payment.tender.method);
      row.tender_count += 1;
      row.amount += payment.tender.amount;
    }
    // Change is handed out of the drawer: it is cash's, whatever else paid.
    if (order.change > 0) this.paymentRow(day, 'cash').change_given += order.change;
  }

  /** A refund, on its own business date (a refund after midnight lands on the next day). */
  refund(order: CompletedSnapshot, refund: OrderRefunded['data'], timeZone: string): void {
    const bucket = hourBucketOf(refund.at, timeZone);
    const day = dayKey(order, bucket.date);
    const units = refund.lines.reduce((sum, line) => sum + line.quantity, 0);
    const daily = this.dailyRow(day);
    daily.refund_count += 1;
    daily.refund_amount += refund.amount;
    daily.items_refunded += units;
    for (const row of [this.hourRow(day, bucket), this.cashierRow(day, order.cashierId)]) {
      row.refund_count += 1;
      row.refund_amount += refund.amount;
    }
    const payment = this.paymentRow(day, refund.method);
    payment.refund_count += 1;
    payment.refund_amount += refund.amount;
    // An amount-only refund names no line: it counts for the day, the hour and the cashier, not a product.
    const byId = linesById(order);
    for (const refunded of refund.lines) {
      const line = byId.get(refunded.lineId);
      if (!line) continue;
      const row = this.productRow(day, line);
      row.refund_quantity += refunded.quantity;
      row.refund_amount += refunded.amount;
    }
  }

  /** An open order voided, on the void's business date, worth what it would have cost then. */
  void(order: OpenSnapshot, at: string, timeZone: string): void {
    const daily = this.dailyRow(dayKey(order, hourBucketOf(at, timeZone).date));
    daily.void_count += 1;
    daily.void_amount += pricingOf(order).totals.total;
  }

  // Rows are built as literals of one shape, not by spreading: a spread copy takes a slow path
  // that dominated the fold in the rebuild benchmark.
  private dailyRow(day: Day): DailyDelta {
    const { tenant_id, branch_id, business_date, currency, price_mode } = day;
    return rowIn(this.daily, [day.key], () => ({
      tenant_id, branch_id, business_date, currency, price_mode,
      order_count: 0, items_sold: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_count: 0, refund_amount: 0,
      discount_count: 0, items_refunded: 0, void_count: 0, void_amount: 0,
    }));
  }

  private hourRow(day: Day, bucket: HourBucket): HourDelta {
    const { tenant_id, branch_id, business_date, currency, price_mode } = day;
    return rowIn(this.hours, [day.key, bucket.hourStart], () => ({
      tenant_id, branch_id, business_date, currency, price_mode,
      hour_start: bucket.hourStart, hour: bucket.hour, utc_offset_minutes: bucket.offsetMinutes,
      order_count: 0, items_sold: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_count: 0, refund_amount: 0,
    }));
  }

  private cashierRow(day: Day, cashier_id: string): CashierDelta {
    const { tenant_id, branch_id, business_date, currency, price_mode } = day;
    return rowIn(this.cashiers, [day.key, cashier_id], () => ({
      tenant_id, branch_id, business_date, currency, price_mode, cashier_id,
      order_count: 0, items_sold: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_count: 0, refund_amount: 0,
    }));
  }

  private productRow(day: Day, line: Line): ProductDelta {
    const { tenant_id, branch_id, business_date, currency, price_mode } = day;
    return rowIn(this.products, [day.key, line.sku], () => ({
      tenant_id, branch_id, business_date, currency, price_mode, sku: line.sku, name: line.name,
      quantity: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_quantity: 0, refund_amount: 0,
    }));
  }

  private paymentRow(day: Day, method: string): PaymentDelta {
    const { tenant_id, branch_id, business_date, currency } = day;
    return rowIn(this.payments, [tenant_id, branch_id, business_date, currency, method], () => ({
      tenant_id, branch_id, business_date, currency, method, tender_count: 0, amount: 0, change_given: 0, refund_count: 0, refund_amount: 0,
    }));
  }
}

/** A day's key with its map key, computed once per event. */
type Day = DayKey & Readonly<{ key: string }>;

function dayKey(order: OrderSnapshot, businessDate: string): Day {
  return {
    tenant_id: order.tenantId, branch_id: order.branchId, business_date: businessDate, currency: order.currency, price_mode: order.priceMode,
    key: keyOf([order.tenantId, order.branchId, businessDate, order.currency, order.priceMode]),
  };
}

function addSale(row: SaleFigures, figures: Omit<SaleFigures, 'refund_count' | 'refund_amount'>): void {
  row.order_count += figures.order_count;
  row.items_sold += figures.items_sold;
  row.gross += figures.gross;
  row.discount_amount += figures.discount_amount;
  row.net += figures.net;
  row.tax += figures.tax;
  row.total += figures.total;
}

function linesById(order: OrderSnapshot): Map<string, Line> {
  return new Map(order.lines.map((line) => [line.lineId as string, line]));
}
