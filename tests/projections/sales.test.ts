import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/application/ports/eventStore.js';
import { salesModel } from '../../src/projections/sales/salesModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';
import { order, plain, registered } from './salesLog.js';

const ZERO_SALES = { order_count: 0, items_sold: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_count: 0, refund_amount: 0 };
const EUR_INCL = { tenant_id: 't1', branch_id: 'b1', currency: 'EUR', price_mode: 'inclusive' };

/**
 * The Berlin day, priced by hand (inclusive prices, VAT carved out per line, half away from zero):
 * o1 (cashier e1): coffee 350 × 2 = 700 at 19 %, cake 420 at 7 % less 20 on the line; 10 % off the
 *   order: 1100 × 10 % = 110, shared 70 / 40. Coffee 630: tax 630·19/119 = 100.59 → 101, net 529;
 *   cake 360: tax 360·7/107 = 23.55 → 24, net 336. Gross 1120, discounts 130, net 865, tax 125,
 *   total 990. Paid card 500 + cash 1000 = 1500, change 510. Completed 09:20Z = 10:20 in Berlin.
 *   An amount-only refund of 100 to card at 15:00Z (16:00 local).
 * o2 (cashier e2): coffee 350: tax 55.88 → 56, net 294. Cash 350. Completed 22:35Z = 23:35 local;
 *   refunded whole by line at 23:10Z = 00:10 on the 3rd: the refund lands on the 3rd.
 * o3: 500 rung up, voided at 12:00Z: a void of 500.
 * t2 (Tokyo, JPY, exclusive, interleaved): two sales, see the test.
 */
function berlinDay(log: LogBuilder): RecordedEvent[] {
  const o1 = order(log, 't1', 'o1');
  const o2 = order(log, 't1', 'o2', { cashier: 'e2' });
  const o3 = order(log, 't1', 'o3');
  const j1 = order(log, 't2', 'o1', { currency: 'JPY', priceMode: 'exclusive', branch: 'tokyo' });
  const j2 = order(log, 't2', 'o2', { currency: 'JPY', priceMode: 'exclusive', branch: 'tokyo', cashier: 'e9' });
  return [
    registered(log, 't1', 'Europe/Berlin'),
    o1.opened(),
    registered(log, 't2', 'Asia/Tokyo', 'JPY', 0, 'exclusive'),
    o1.line('l1', 'COFFEE', 350, 1),
    j1.opened(),
    o1.quantity('l1', 2),
    o1.lineV1('l2', 'CAKE', 420, 1, 'vat7', 700),
    o1.line('l3', 'TEA', 300, 1),
    j1.line('l1', 'RAMEN', 1000, 3, 'jct10', 1000),
    o1.removeLine('l3'),
    o1.lineDiscount('d1', 'l2', 20),
    o1.orderDiscount('d2', 1000),
    o1.cash('p0', 200),
    o1.removePayment('p0', 200),
    o1.card('p1', 500),
    o1.cash('p2', 1000),
    j1.cash('p1', 5000),
    // 16:00Z is 01:00 on the 3rd in Tokyo.
    j1.completed('2026-11-02T16:00:00.000Z', 3300),
    o1.completed('2026-11-02T09:20:00.000Z', 990),
    o3.opened(),
    o3.line('l1', 'COFFEE', 500, 1),
    o3.voided('2026-11-02T12:00:00.000Z'),
    o1.refunded('r1', '2026-11-02T15:00:00.000Z', 100, 'card'),
    o2.opened(),
    o2.line('l1', 'COFFEE', 350, 1),
    o2.cash('p1', 350),
    o2.completed('2026-11-02T22:35:00.000Z', 350),
    j2.opened(),
    j2.line('l1', 'GYOZA', 92, 1, 'jct10', 1000),
    j2.other('p1', 101),
    j2.completed('2026-11-02T16:30:00.000Z', 101),
    o2.refunded('r2', '2026-11-02T23:10:00.000Z', 350, 'cash', [{ lineId: 'l1', quantity: 1, amount: 350 }]),
  ];
}

describe('sales read model', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(salesModel, process.env.TEST_DATABASE_URL);
  });
  afterAll(async () => {
    await spec.close();
  });

  async function rows(events: readonly RecordedEvent[], table: string, orderBy: readonly string[]) {
    return plain(await spec.given(...events).rows(table, orderBy));
  }

  it('daily sales: every figure on its own business date, per tenant, branch, currency and price mode', async () => {
    const daily = await rows(berlinDay(new LogBuilder()), 'daily_sales', ['tenant_id', 'branch_id', 'business_date']);
    expect(daily).toEqual([
      {
        ...EUR_INCL, business_date: '2026-11-02',
        order_count: 2, items_sold: 4, gross: 1470, discount_count: 2, discount_amount: 130, net: 1159, tax: 181, total: 1340,
        refund_count: 1, refund_amount: 100, items_refunded: 0, void_count: 1, void_amount: 500, average_ticket: 670,
      },
      {
        ...EUR_INCL, business_date: '2026-11-03', ...ZERO_SALES,
        refund_count: 1, refund_amount: 350, items_refunded: 1, discount_count: 0, void_count: 0, void_amount: 0, average_ticket: null,
      },
      {
        // Exclusive: gross 3000 + 92 before tax; tax 300 + 9 (9.2 → 9) added; average 3401 / 2 = 1700.5 → 1701.
        tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03',
        order_count: 2, items_sold: 4, gross: 3092, discount_count: 0, discount_amount: 0, net: 3092, tax: 309, total: 3401,
        refund_count: 0, refund_amount: 0, items_refunded: 0, void_count: 0, void_amount: 0, average_ticket: 1701,
      },
    ]);
    for (const row of daily) {
      const r = row as Record<string, number>;
      // Inclusive: gross − discounts = total; exclusive: gross − discounts = net. Always total = net + tax.
      expect(r.total).toBe((r.net ?? 0) + (r.tax ?? 0));
      expect((r.gross ?? 0) - (r.discount_amount ?? 0)).toBe(row.price_mode === 'inclusive' ? r.total : r.net);
    }
  });

  it('tax per rate: taxable base, tax and gross, summing to the day', async () => {
    expect(await rows(berlinDay(new LogBuilder()), 'daily_sales_tax', ['tenant_id', 'business_date', 'tax_rate_id'])).toEqual([
      { ...EUR_INCL, business_date: '2026-11-02', tax_rate_id: 'vat19', basis_points: 1900, order_count: 2, taxable: 823, tax: 157, gross: 980 },
      { ...EUR_INCL, business_date: '2026-11-02', tax_rate_id: 'vat7', basis_points: 700, order_count: 1, taxable: 336, tax: 24, gross: 360 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', tax_rate_id: 'jct10', basis_points: 1000, order_count: 2, taxable: 3092, tax: 309, gross: 3401 },
    ]);
  });

  it('payment methods: tenders, change out of cash, refunds by method on the refund date', async () => {
    const key = { tenant_id: 't1', branch_id: 'b1', currency: 'EUR' };
    const payments = await rows(berlinDay(new LogBuilder()), 'daily_sales_payments', ['tenant_id', 'business_date', 'method']);
    expect(payments).toEqual([
      { ...key, business_date: '2026-11-02', method: 'card', tender_count: 1, amount: 500, change_given: 0, refund_count: 1, refund_amount: 100 },
      // The removed cash payment of 200 is no tender.
      { ...key, business_date: '2026-11-02', method: 'cash', tender_count: 2, amount: 1350, change_given: 510, refund_count: 0, refund_amount: 0 },
      { ...key, business_date: '2026-11-03', method: 'cash', tender_count: 0, amount: 0, change_given: 0, refund_count: 1, refund_amount: 350 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', business_date: '2026-11-03', method: 'cash', tender_count: 1, amount: 5000, change_given: 1700, refund_count: 0, refund_amount: 0 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', business_date: '2026-11-03', method: 'other', tender_count: 1, amount: 101, change_given: 0, refund_count: 0, refund_amount: 0 },
    ]);
    // What the tenders kept (amount − change) is what the day's sales came to.
    const kept = payments.filter((p) => p.tenant_id === 't1' && p.business_date === '2026-11-02').reduce((s, p) => s + Number(p.amount) - Number(p.change_given), 0);
    expect(kept).toBe(1340);
  });

  it('hours of the local day: sales at completion, refunds at the refund', async () => {
    const hours = await rows(berlinDay(new LogBuilder()), 'daily_sales_hours', ['tenant_id', 'hour_start']);
    expect(hours).toEqual([
      { ...EUR_INCL, business_date: '2026-11-02', hour_start: '2026-11-02T09:00:00.000Z', hour: 10, utc_offset_minutes: 60, ...ZERO_SALES, order_count: 1, items_sold: 3, gross: 1120, discount_amount: 130, net: 865, tax: 125, total: 990 },
      { ...EUR_INCL, business_date: '2026-11-02', hour_start: '2026-11-02T15:00:00.000Z', hour: 16, utc_offset_minutes: 60, ...ZERO_SALES, refund_count: 1, refund_amount: 100 },
      { ...EUR_INCL, business_date: '2026-11-02', hour_start: '2026-11-02T22:00:00.000Z', hour: 23, utc_offset_minutes: 60, ...ZERO_SALES, order_count: 1, items_sold: 1, gross: 350, net: 294, tax: 56, total: 350 },
      { ...EUR_INCL, business_date: '2026-11-03', hour_start: '2026-11-02T23:00:00.000Z', hour: 0, utc_offset_minutes: 60, ...ZERO_SALES, refund_count: 1, refund_amount: 350 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', hour_start: '2026-11-02T16:00:00.000Z', hour: 1, utc_offset_minutes: 540, ...ZERO_SALES, order_count: 2, items_sold: 4, gross: 3092, net: 3092, tax: 309, total: 3401 },
    ]);
  });

  it('per cashier: the sale to who rang it up, its refunds to the same cashier on the refund date', async () => {
    expect(await rows(berlinDay(new LogBuilder()), 'sales_by_cashier', ['tenant_id', 'business_date', 'cashier_id'])).toEqual([
      { ...EUR_INCL, business_date: '2026-11-02', cashier_id: 'e1', ...ZERO_SALES, order_count: 1, items_sold: 3, gross: 1120, discount_amount: 130, net: 865, tax: 125, total: 990, refund_count: 1, refund_amount: 100 },
      { ...EUR_INCL, business_date: '2026-11-02', cashier_id: 'e2', ...ZERO_SALES, order_count: 1, items_sold: 1, gross: 350, net: 294, tax: 56, total: 350 },
      { ...EUR_INCL, business_date: '2026-11-03', cashier_id: 'e2', ...ZERO_SALES, refund_count: 1, refund_amount: 350 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', cashier_id: 'e1', ...ZERO_SALES, order_count: 1, items_sold: 3, gross: 3000, net: 3000, tax: 300, total: 3300 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', cashier_id: 'e9', ...ZERO_SALES, order_count: 1, items_sold: 1, gross: 92, net: 92, tax: 9, total: 101 },
    ]);
  });

  it('per product: quantity and each line’s share of discounts; refunds by line, not amount-only ones', async () => {
    const product = { quantity: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_quantity: 0, refund_amount: 0 };
    expect(await rows(berlinDay(new LogBuilder()), 'sales_by_product', ['tenant_id', 'business_date', 'sku'])).toEqual([
      { ...EUR_INCL, business_date: '2026-11-02', sku: 'CAKE', name: 'CAKE name', ...product, quantity: 1, gross: 420, discount_amount: 60, net: 336, tax: 24, total: 360 },
      { ...EUR_INCL, business_date: '2026-11-02', sku: 'COFFEE', name: 'COFFEE name', ...product, quantity: 3, gross: 1050, discount_amount: 70, net: 823, tax: 157, total: 980 },
      { ...EUR_INCL, business_date: '2026-11-03', sku: 'COFFEE', name: 'COFFEE name', ...product, refund_quantity: 1, refund_amount: 350 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', sku: 'GYOZA', name: 'GYOZA name', ...product, quantity: 1, gross: 92, net: 92, tax: 9, total: 101 },
      { tenant_id: 't2', branch_id: 'tokyo', currency: 'JPY', price_mode: 'exclusive', business_date: '2026-11-03', sku: 'RAMEN', name: 'RAMEN name', ...product, quantity: 3, gross: 3000, net: 3000, tax: 300, total: 3300 },
    ]);
  });

  it('keeps a completed order for later refunds, drops a voided one', async () => {
    const kept = await rows(berlinDay(new LogBuilder()), 'sales_orders', ['tenant_id', 'order_id']);
    expect(kept.map((row) => [row.tenant_id, row.order_id, (JSON.parse(String(row.snapshot)) as { status: string }).status])).toEqual([
      ['t1', 'o1', 'completed'], ['t1', 'o2', 'completed'], ['t2', 'o1', 'completed'], ['t2', 'o2', 'completed'],
    ]);
  });

  it('a late sale synced after later days counts on its own business date; the log order does not matter', async () => {
    const log = new LogBuilder();
    const late = order(log, 't1', 'late', { at: '2026-11-01T10:00:00.000Z' });
    const today = order(log, 't1', 'today', { at: '2026-11-05T10:00:00.000Z' });
    const daily = await rows(
      [
        registered(log, 't1', 'Europe/Berlin'),
        today.opened(), today.line('l1', 'TEA', 300, 1), today.cash('p1', 300), today.completed('2026-11-05T10:05:00.000Z', 300),
        // Rung up offline on the 1st, synced on the 5th.
        late.opened(), late.line('l1', 'TEA', 300, 2), late.card('p1', 600), late.completed('2026-11-01T10:05:00.000Z', 600),
      ],
      'daily_sales',
      ['business_date'],
    );
    expect(daily.map((r) => [r.business_date, r.order_count, r.total])).toEqual([['2026-11-01', 1, 600], ['2026-11-05', 1, 300]]);
  });

  it('a day across the autumn change has 25 hours: the twice-occurring 02:00 keeps two buckets', async () => {
    const log = new LogBuilder();
    const sale = (id: string, at: string) => {
      const o = order(log, 't1', id, { at });
      return [o.opened(), o.line('l1', 'TEA', 100, 1), o.cash('p1', 100), o.completed(at, 100)];
    };
    const hours = await rows(
      [
        registered(log, 't1', 'Europe/Berlin'),
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00Z.
        ...sale('a', '2026-10-24T22:30:00.000Z'), // 00:30 CEST
        ...sale('b', '2026-10-25T00:30:00.000Z'), // 02:30 CEST
        ...sale('c', '2026-10-25T01:30:00.000Z'), // 02:30 CET
        ...sale('d', '2026-10-25T22:59:00.000Z'), // 23:59 CET, still the 25th
      ],
      'daily_sales_hours',
      ['hour_start'],
    );
    expect(hours.map((r) => [r.business_date, r.hour, r.utc_offset_minutes, r.hour_start, r.order_count])).toEqual([
      ['2026-10-25', 0, 120, '2026-10-24T22:00:00.000Z', 1],
      ['2026-10-25', 2, 120, '2026-10-25T00:00:00.000Z', 1],
      ['2026-10-25', 2, 60, '2026-10-25T01:00:00.000Z', 1],
      ['2026-10-25', 23, 60, '2026-10-25T22:00:00.000Z', 1],
    ]);
  });

  it('a day across the spring change has 23 hours: no 02:00, and the day still ends at local midnight', async () => {
    const log = new LogBuilder();
    const sale = (id: string, at: string) => {
      const o = order(log, 't1', id, { at });
      return [o.opened(), o.line('l1', 'TEA', 100, 1), o.cash('p1', 100), o.completed(at, 100)];
    };
    const hours = await rows(
      [
        registered(log, 't1', 'Europe/Berlin'),
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z.
        ...sale('a', '2026-03-29T00:59:00.000Z'), // 01:59 CET
        ...sale('b', '2026-03-29T01:00:00.000Z'), // 03:00 CEST
        ...sale('c', '2026-03-29T21:59:00.000Z'), // 23:59 CEST
        ...sale('d', '2026-03-29T22:00:00.000Z'), // 00:00 on the 30th
      ],
      'daily_sales_hours',
      ['hour_start'],
    );
    expect(hours.map((r) => [r.business_date, r.hour, r.utc_offset_minutes, r.hour_start])).toEqual([
      ['2026-03-29', 1, 60, '2026-03-29T00:00:00.000Z'],
      ['2026-03-29', 3, 120, '2026-03-29T01:00:00.000Z'],
      ['2026-03-29', 23, 120, '2026-03-29T21:00:00.000Z'],
      ['2026-03-30', 0, 120, '2026-03-29T22:00:00.000Z'],
    ]);
  });

  it('keys rows by the order’s own currency and price mode, so a tenant’s change never mixes figures', async () => {
    const log = new LogBuilder();
    const before = order(log, 't1', 'before');
    const after = order(log, 't1', 'after', { currency: 'CHF', priceMode: 'exclusive' });
    const daily = await rows(
      [
        registered(log, 't1', 'UTC'),
        before.opened(), before.line('l1', 'TEA', 119, 1),
        log.event('tenant-t1', 't1', 'TenantCurrencyChanged', { currency: 'CHF', minorUnitExponent: 2 }),
        log.event('tenant-t1', 't1', 'TenantPriceModeChanged', { priceMode: 'exclusive' }),
        after.opened(), after.line('l1', 'TEA', 100, 1), after.card('p1', 119), after.completed('2026-11-02T10:00:00.000Z', 119),
        // Opened in EUR before the change, completed after it: still a EUR inclusive sale.
        before.card('p1', 119), before.completed('2026-11-02T10:01:00.000Z', 119),
      ],
      'daily_sales',
      ['currency'],
    );
    expect(daily.map((r) => [r.currency, r.price_mode, r.gross, r.net, r.tax, r.total])).toEqual([
      ['CHF', 'exclusive', 100, 100, 19, 119],
      ['EUR', 'inclusive', 119, 100, 19, 119],
    ]);
  });

  it('dates by the zone the tenant had when the event was applied', async () => {
    const log = new LogBuilder();
    const a = order(log, 't1', 'a');
    const b = order(log, 't1', 'b');
    const at = '2026-11-02T23:30:00.000Z';
    const daily = await rows(
      [
        registered(log, 't1', 'UTC'),
        a.opened(), a.line('l1', 'TEA', 100, 1), a.cash('p1', 100), a.completed(at, 100),
        log.event('tenant-t1', 't1', 'TenantTimeZoneChanged', { timeZone: 'Europe/Berlin' }),
        b.opened(), b.line('l1', 'TEA', 100, 1), b.cash('p1', 100), b.completed(at, 100),
      ],
      'daily_sales',
      ['business_date'],
    );
    expect(daily.map((r) => [r.business_date, r.order_count])).toEqual([['2026-11-02', 1], ['2026-11-03', 1]]);
  });

  it('an empty order voided counts as a void of nothing; events of an order never opened count for nothing', async () => {
    const log = new LogBuilder();
    const empty = order(log, 't1', 'empty');
    const ghost = order(log, 't1', 'ghost');
    const daily = await rows(
      [registered(log, 't1', 'UTC'), empty.opened(), empty.voided('2026-11-02T10:00:00.000Z'), ghost.line('l1', 'TEA', 100, 1), ghost.completed('2026-11-02T10:00:00.000Z', 100)],
      'daily_sales',
      ['business_date'],
    );
    expect(daily.map((r) => [r.business_date, r.order_count, r.void_count, r.void_amount])).toEqual([['2026-11-02', 0, 1, 0]]);
  });
});
