import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import type { RecordedEvent } from '../../src/application/ports/eventStore.js';
import { ordersModel } from '../../src/projections/orders/ordersModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';
import { order, plain, registered } from './salesLog.js';

const LIST = [
  'tenant_id', 'order_id', 'status', 'business_date', 'opened_at', 'completed_at', 'voided_at', 'gross', 'discount_total', 'net', 'tax',
  'total', 'paid', 'change', 'refunded', 'line_count', 'item_count', 'revision',
] as const;
const pick = (rows: readonly Record<string, unknown>[]) => plain(rows).map((row) => Object.fromEntries(LIST.map((column) => [column, row[column]])));

/**
 * Two tenants interleaved in the log, each with an order `o1` (ids are the till's: the same id in
 * two tenants is two orders), days across daylight-saving changes, and a sale synced late.
 *
 * t1, Berlin, EUR, prices incl. VAT. Europe springs forward on 29 March 2026 at 01:00Z.
 *   o1: coffee 1000 × 2 at 19 %, cake 500 at 7 %; 200 off the coffee, then 10 % off the order:
 *       2300 × 10 % = 230, shared 180 / 50 (allocate). Coffee 1620: tax 1620·19/119 = 258.66 → 259,
 *       net 1361; cake 450: tax 450·7/107 = 29.44 → 29, net 421. Gross 2500, discounts 430,
 *       net 1782, tax 288, total 2070. Card 1000 + cash 1500 = 2500 paid, change 430.
 *       Completed 22:30Z on the 29th = 00:30 CEST on the 30th (in CET it would still be the 29th).
 *       The cake refunded (450, cash) at 23:10Z on the 30th, after midnight: the row keeps the 30th.
 *   o2: 300 rung up at 00:30Z on the 29th, voided at 01:30Z = 03:30 CEST: the 29th.
 *   o3: opened 22:59Z on the 28th = 23:59 CET, still open: the 28th.
 *   o4: a sale of the 27th synced last: 250 × 4 = 1000, tax 1000·19/119 = 159.66 → 160, net 840.
 * t2, New York, USD, prices excl. tax. The US springs forward on 8 March 2026 at 07:00Z.
 *   o1: 1000 at 8 %: tax 80, total 1080, cash 1100, change 20. Completed 04:40Z on the 9th = 00:40
 *       EDT on the 9th (in EST it would be 23:40 on the 8th).
 */
function log(): { build: () => RecordedEvent[] } {
  const builder = new LogBuilder();
  const o1 = order(builder, 't1', 'o1', { at: '2026-03-28T23:30:00.000Z' });
  const o2 = order(builder, 't1', 'o2', { at: '2026-03-29T00:30:00.000Z' });
  const o3 = order(builder, 't1', 'o3', { at: '2026-03-28T22:59:00.000Z' });
  const o4 = order(builder, 't1', 'o4', { at: '2026-03-27T09:55:00.000Z', cashier: 'e2' });
  const n1 = order(builder, 't2', 'o1', { at: '2026-03-09T04:30:00.000Z', currency: 'USD', priceMode: 'exclusive', branch: 'nyc' });
  return {
    build: () => [
      registered(builder, 't1', 'Europe/Berlin'),
      o1.opened(),
      registered(builder, 't2', 'America/New_York', 'USD', 2, 'exclusive'),
      n1.opened(),
      o1.line('l1', 'COFFEE', 1000, 2),
      n1.line('l1', 'BAGEL', 1000, 1, 'st8', 800),
      o1.lineV1('l2', 'CAKE', 500, 1, 'vat7', 700),
      o3.opened(),
      o1.lineDiscount('d1', 'l1', 200),
      o2.opened(),
      o2.line('l1', 'TEA', 300, 1),
      n1.cash('p1', 1100),
      o1.orderDiscount('d2', 1000),
      o2.voided('2026-03-29T01:30:00.000Z'),
      o1.card('p1', 1000),
      n1.completed('2026-03-09T04:40:00.000Z', 1080),
      o1.cash('p2', 1500),
      o1.completed('2026-03-29T22:30:00.000Z', 2070),
      o1.refunded('r1', '2026-03-30T23:10:00.000Z', 450, 'cash', [{ lineId: 'l2', quantity: 1, amount: 450 }]),
      // Offline till: its sale of the 27th reaches the server after everything else.
      o4.opened(),
      o4.line('l1', 'WATER', 250, 4),
      o4.card('p1', 1000),
      o4.completed('2026-03-27T10:05:00.000Z', 1000),
    ],
  };
}

describe('orders read model', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(ordersModel);
  });
  afterAll(async () => {
    await spec.close();
  });

  it('lists every order with its business date in the tenant zone and its figures priced as the till did', async () => {
    const rows = await spec.given(...log().build()).rows('orders', ['tenant_id', 'order_id']);
    const none = { completed_at: null, voided_at: null, change: 0, refunded: 0 };
    expect(pick(rows)).toEqual([
      {
        tenant_id: 't1', order_id: 'o1', status: 'completed', business_date: '2026-03-30', opened_at: '2026-03-28T23:30:00.000Z',
        completed_at: '2026-03-29T22:30:00.000Z', voided_at: null, gross: 2500, discount_total: 430, net: 1782, tax: 288, total: 2070,
        paid: 2500, change: 430, refunded: 450, line_count: 2, item_count: 3, revision: 8,
      },
      {
        ...none, tenant_id: 't1', order_id: 'o2', status: 'voided', business_date: '2026-03-29', opened_at: '2026-03-29T00:30:00.000Z',
        voided_at: '2026-03-29T01:30:00.000Z', gross: 300, discount_total: 0, net: 252, tax: 48, total: 300, paid: 0, line_count: 1, item_count: 1, revision: 2,
      },
      {
        ...none, tenant_id: 't1', order_id: 'o3', status: 'open', business_date: '2026-03-28', opened_at: '2026-03-28T22:59:00.000Z',
        gross: 0, discount_total: 0, net: 0, tax: 0, total: 0, paid: 0, line_count: 0, item_count: 0, revision: 0,
      },
      {
        ...none, tenant_id: 't1', order_id: 'o4', status: 'completed', business_date: '2026-03-27', opened_at: '2026-03-27T09:55:00.000Z',
        completed_at: '2026-03-27T10:05:00.000Z', gross: 1000, discount_total: 0, net: 840, tax: 160, total: 1000, paid: 1000, line_count: 1, item_count: 4, revision: 3,
      },
      {
        ...none, tenant_id: 't2', order_id: 'o1', status: 'completed', business_date: '2026-03-09', opened_at: '2026-03-09T04:30:00.000Z',
        completed_at: '2026-03-09T04:40:00.000Z', gross: 1000, discount_total: 0, net: 1000, tax: 80, total: 1080, paid: 1100, change: 20,
        line_count: 1, item_count: 1, revision: 3,
      },
    ]);
    const t1o1 = plain(rows)[0];
    expect(t1o1).toMatchObject({ branch_id: 'b1', device_id: 'd1', cashier_id: 'e1', currency: 'EUR', price_mode: 'inclusive' });
    expect(plain(rows)[3]).toMatchObject({ cashier_id: 'e2' });
    expect(plain(rows)[4]).toMatchObject({ branch_id: 'nyc', currency: 'USD', price_mode: 'exclusive' });
  });

  it('keeps what the detail shows: refunds with their lines, the void, and a timeline of who did what when', async () => {
    const rows = (await spec.given(...log().build()).rows('orders', ['tenant_id', 'order_id'])).map(parsedDetail);
    const [o1, o2] = rows as unknown as readonly { refunds: unknown; void_record: unknown; timeline: { type: string; revision: number; at: string; actor: unknown; data: unknown }[]; snapshot: { discounts: { approvedBy: unknown }[] } }[];
    expect(o1?.refunds).toEqual([
      {
        refundId: 'r1', at: '2026-03-30T23:10:00.000Z', amount: 450, method: 'cash', reason: 'returned', drawerId: 'dr1',
        refundedBy: { userId: 'u-manager', role: 'branch_manager' }, lines: [{ lineId: 'l2', quantity: 1, amount: 450 }],
      },
    ]);
    expect(o1?.void_record).toBeNull();
    expect(o1?.snapshot.discounts.map((d) => d.approvedBy)).toEqual([null, { userId: 'u-manager', role: 'branch_manager' }]);
    expect(o1?.timeline.map((t) => [t.revision, t.type])).toEqual([
      [0, 'OrderOpened'], [1, 'OrderLineAdded'], [2, 'OrderLineAdded'], [3, 'DiscountApplied'], [4, 'DiscountApplied'],
      [5, 'PaymentAdded'], [6, 'PaymentAdded'], [7, 'OrderCompleted'], [8, 'OrderRefunded'],
    ]);
    expect(o1?.timeline[0]).toMatchObject({ at: '2026-03-28T23:30:00.000Z', actor: { userId: 'user-spec', role: 'cashier', deviceId: 'device-spec' } });
    // The v1 line is upcast in the timeline too: its price in minor units.
    expect(o1?.timeline[2]?.data).toMatchObject({ sku: 'CAKE', unitPrice: 500 });
    expect(o2?.void_record).toEqual({ at: '2026-03-29T01:30:00.000Z', reason: 'customer left', voidedBy: { userId: 'u-manager', role: 'branch_manager' }, paidToReturn: 0 });
  });

  it('ignores events the order no longer takes, and events of orders it never saw opened', async () => {
    const builder = new LogBuilder();
    const o9 = order(builder, 't1', 'o9');
    const stray = order(builder, 't1', 'stray');
    const events = [registered(builder, 't1', 'Europe/Berlin'), o9.opened(), o9.voided('2026-11-02T09:00:00.000Z'), o9.line('l1', 'LATE', 100, 1)];
    // A stream whose opening this model never got (e.g. cut off by a filter): nothing to list.
    const { opened: _opened, ...rest } = stray;
    events.push(rest.line('l1', 'X', 100, 1));
    const rows = await spec.given(...events).rows('orders', ['order_id']);
    expect(pick(rows)).toEqual([
      expect.objectContaining({ order_id: 'o9', status: 'voided', gross: 0, line_count: 0, revision: 1 }),
    ]);
    expect(parsedDetail(rows[0] ?? {}).timeline).toHaveLength(2);
    expect(streams.order('t1', 'o9')).toBe('order-t1/o9');
  });
});

/** The detail columns are JSON text (ADR 0018): parsed, as the detail route reads them. */
function parsedDetail(row: Record<string, unknown>): Record<string, unknown> & { timeline: unknown[] } {
  const json = (column: string): unknown => (typeof row[column] === 'string' ? JSON.parse(row[column]) : row[column]);
  return { ...row, snapshot: json('snapshot'), refunds: json('refunds'), void_record: json('void_record'), timeline: json('timeline') as unknown[] };
}
