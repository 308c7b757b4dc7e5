import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_FIGURES, type TillFigures } from '../../src/domain/till/index.js';
import { tillPeriodsModel } from '../../src/projections/till/tillModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';
import { tillLog } from './tillLog.js';

const noRefunds = { count: 0, amount: 0 };

/**
 * A day at till d1 of an inclusive-priced tenant, figures worked out by hand:
 * - o1: 2 × 11.90 at 19 % with 3.80 off the line (20.00: tax 3.19, net 16.81) and 1 × 5.35 at 7 %
 *   (tax 0.35, net 5.00); 30.00 cash tendered, 4.65 change. Gross 29.15, total 25.35.
 * - o2: 1 × 10.00 at 19 % by card (tax 1.60, net 8.40).
 * - o3: 5.00 voided while open.
 * - o1's 7 % line refunded, 5.35 cash out of drawer dr1 (tax 0.35, net 5.00).
 * - dr1: float 100.00, cash in 5.00, cash out 2.00, closed with cash sales 20.00 counted 122.90 (expected 123.00).
 */
function day(log: LogBuilder, tenant = 't1') {
  const t = tillLog(log, tenant);
  const o1 = t.order('o1');
  const o2 = t.order('o2');
  const o3 = t.order('o3');
  const dr1 = t.drawer('e1', 'dr1');
  const events = [
    t.registered(), t.branch('b1', 'Mitte'), t.device('d1', 'b1', 'Till 1'),
    dr1.opened(10_000),
    o1.opened(), o1.line('a', 1_190, 2), o1.line('b', 535, 1, 'vat7', 700), o1.lineDiscount('x', 'a', 380), o1.cash('p1', 3_000), o1.completed('09:00', 2_535),
    o2.opened(), o2.line('c', 1_000, 1), o2.card('p2', 1_000), o2.completed('10:00', 1_000),
    o3.opened(), o3.line('d', 500, 1), o3.voided('11:00'),
    dr1.cashIn('m1', 500), dr1.cashOut('m2', 200),
    o1.refunded('r1', '14:00', 535, 'cash', [{ lineId: 'b', quantity: 1, amount: 535 }], 'dr1'),
    dr1.closed(10_000, 500, 200, 2_000, 12_290),
  ];
  return { t, events };
}

const dayFigures: TillFigures = {
  receipts: { count: 2, first: { orderId: 'o1' as never, completedAt: '2026-11-22T09:00:00.000Z' as never }, last: { orderId: 'o2' as never, completedAt: '2026-11-22T10:00:00.000Z' as never } },
  gross: 3_915,
  discounts: { count: 1, amount: 380 },
  voids: { count: 1, amount: 500 },
  refunds: { count: 1, amount: 535 },
  net: 2_521,
  tax: 479,
  total: 3_000,
  taxes: [
    { taxRateId: 'vat19' as never, basisPoints: 1900, net: 2_521, tax: 479, gross: 3_000 },
    { taxRateId: 'vat7' as never, basisPoints: 700, net: 0, tax: 0, gross: 0 },
  ],
  tenders: [
    { method: 'cash', count: 1, amount: 2_535, change: 465, refunds: { count: 1, amount: 535 } },
    { method: 'card', count: 1, amount: 1_000, change: 0, refunds: noRefunds },
  ],
  cash: {
    floats: { count: 1, amount: 10_000 },
    cashIn: { count: 1, amount: 500 },
    cashOut: { count: 1, amount: 200 },
    drawers: [{ drawerId: 'dr1' as never, employeeId: 'e1' as never, float: 10_000, cashIn: 500, cashOut: 200, cashSales: 2_000, expected: 12_300, counted: 12_290, variance: -10, closedAt: '2026-11-22T18:00:00.000Z' as never }],
    expected: 12_300,
    counted: 12_290,
    variance: -10,
  },
};

describe('till periods (X- and Z-reports)', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(tillPeriodsModel);
  });
  afterAll(async () => {
    await spec.close();
  });

  it("folds a till's day into its open period: sales, discounts, voids, refunds, tax per rate, tenders, drawers", async () => {
    const { events } = day(new LogBuilder());
    const [period] = await spec.given(...events).rows('till_periods', ['tenant_id', 'device_id']);
    expect(period).toMatchObject({ tenant_id: 't1', device_id: 'd1', branch_id: 'b1', last_z: 0, covered_through: null, first_activity_at: '2026-11-22T07:30:00.000Z' });
    expect(period?.figures).toEqual(dayFigures);
    await spec.given(...events).then('till_names', [
      { tenant_id: 't1', kind: 'branch', id: 'b1', name: 'Mitte' },
      { tenant_id: 't1', kind: 'device', id: 'd1', name: 'Till 1' },
    ], ['kind', 'id']);
  });

  it('a Z closes what it counted: the open period starts empty after it, and the Z is kept with its figures', async () => {
    const log = new LogBuilder();
    const { t, events } = day(log);
    const z1 = t.z('d1', 1, dayFigures, events.at(-1) ?? null);
    const given = spec.given(...events, z1);
    const [period] = await given.rows('till_periods', ['device_id']);
    expect(period).toMatchObject({ last_z: 1, last_period_end: '2026-11-22T18:30:00.000Z', first_activity_at: null, last_fact: null, figures: EMPTY_FIGURES });
    expect(period?.grand_totals).toMatchObject({ receipts: 2, gross: 3_915, total: 3_000 });
    const [z] = await given.rows('z_reports', ['device_id', 'z_number']);
    expect(z).toMatchObject({ device_id: 'd1', z_number: 1, branch_id: 'b1', business_date: '2026-11-22', receipts: 2, figures: dayFigures });
    expect(Number(z?.total)).toBe(3_000);
  });

  it('a sale that arrived after the Z read its figures stays open for the next Z, neither lost nor counted twice', async () => {
    const log = new LogBuilder();
    const { t, events } = day(log);
    const late = t.order('o9');
    const lateEvents = [late.opened(), late.line('z', 700, 1), late.card('p9', 700), late.completed('18:20', 700)];
    // The Z counted the day through the drawer's close; o9 completed before its append.
    const z1 = t.z('d1', 1, dayFigures, events.at(-1) ?? null);
    const [period] = await spec.given(...events, ...lateEvents, z1).rows('till_periods', ['device_id']);
    expect(period?.figures).toMatchObject({
      receipts: { count: 1, first: { orderId: 'o9' }, last: { orderId: 'o9' } },
      gross: 700, total: 700, tenders: [{ method: 'card', count: 1, amount: 700, change: 0, refunds: noRefunds }],
    });
    expect(period?.first_activity_at).toBe('2026-11-22T18:20:00.000Z');
  });

  it("a sale synced after its day's Z goes into the next period, whatever its business time", async () => {
    const log = new LogBuilder();
    const { t, events } = day(log);
    const z1 = t.z('d1', 1, dayFigures, events.at(-1) ?? null);
    const offline = t.order('o-offline');
    const synced = [offline.opened(), offline.line('q', 250, 2), offline.cash('p', 500), offline.completed('16:00', 500)];
    const [period] = await spec.given(...events, z1, ...synced).rows('till_periods', ['device_id']);
    expect(period).toMatchObject({ last_z: 1, first_activity_at: '2026-11-22T16:00:00.000Z' });
    expect(period?.figures).toMatchObject({ receipts: { count: 1, first: { orderId: 'o-offline', completedAt: '2026-11-22T16:00:00.000Z' } }, gross: 500, total: 500 });
  });

  it('a second Z over nothing new leaves the period empty and keeps the position it counted through', async () => {
    const log = new LogBuilder();
    const { t, events } = day(log);
    const z1 = t.z('d1', 1, dayFigures, events.at(-1) ?? null);
    const z2 = t.z('d1', 2, EMPTY_FIGURES, events.at(-1) ?? null, (z1.data as { grandTotals: never }).grandTotals, '19:00');
    const given = spec.given(...events, z1, z2);
    const [period] = await given.rows('till_periods', ['device_id']);
    expect(period).toMatchObject({ last_z: 2, figures: EMPTY_FIGURES });
    expect(period?.grand_totals).toMatchObject({ receipts: 2, total: 3_000 });
    expect((await given.rows('z_reports', ['z_number'])).map((z) => z.z_number)).toEqual([1, 2]);
  });

  it('a refund paid out of another till’s drawer counts at that till; a card refund at the till of the sale', async () => {
    const log = new LogBuilder();
    const t = tillLog(log, 't1');
    const sale = t.order('o1', 'd1');
    const dr2 = t.drawer('e2', 'dr2', 'd2');
    const events = [
      t.registered(), dr2.opened(5_000),
      sale.opened(), sale.line('a', 1_070, 2, 'vat7', 700), sale.card('p1', 2_140), sale.completed('09:00', 2_140),
      sale.refunded('r1', '15:00', 1_070, 'cash', [{ lineId: 'a', quantity: 1, amount: 1_070 }], 'dr2'),
      sale.refunded('r2', '16:00', 500, 'card', [], null),
    ];
    const rows = await spec.given(...events).rows('till_periods', ['device_id']);
    const byDevice = new Map(rows.map((r) => [r.device_id, r.figures as TillFigures]));
    expect(byDevice.get('d2')).toMatchObject({
      refunds: { count: 1, amount: 1_070 }, net: -1_000, tax: -70, total: -1_070,
      taxes: [{ taxRateId: 'vat7', basisPoints: 700, net: -1_000, tax: -70, gross: -1_070 }],
      tenders: [{ method: 'cash', count: 0, amount: 0, change: 0, refunds: { count: 1, amount: 1_070 } }],
      cash: { floats: { count: 1, amount: 5_000 } },
    });
    // An amount-only refund is split over the sale's rates by their gross: all of it at 7 % here (tax 5.00 × 7/107 = 0.33).
    expect(byDevice.get('d1')).toMatchObject({
      receipts: { count: 1 }, refunds: { count: 1, amount: 500 }, net: 2_000 - 467, tax: 140 - 33, total: 1_640,
      taxes: [{ taxRateId: 'vat7', basisPoints: 700, net: 1_533, tax: 107, gross: 1_640 }],
    });
  });

  it("keeps each tenant's tills apart, though they share device and order ids", async () => {
    const log = new LogBuilder();
    const a = day(log, 'ta');
    const b = tillLog(log, 'tb');
    const other = b.order('o1');
    const rows = await spec
      .given(...a.events, b.registered(), other.opened(), other.line('a', 100, 1), other.card('p', 100), other.completed('09:30', 100))
      .rows('till_periods', ['tenant_id', 'device_id']);
    expect(rows.map((r) => [r.tenant_id, r.device_id, (r.figures as TillFigures).total])).toEqual([['ta', 'd1', 3_000], ['tb', 'd1', 100]]);
  });
});
