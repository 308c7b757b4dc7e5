import { describe, expect, it } from 'vitest';
import { addFigures, addToGrandTotals, EMPTY_GRAND_TOTALS, tillDecider, type TillDayClosed, type TillFigures } from '../../../../src/domain/till/index.js';
import { fold } from '../../../../src/domain/shared/decider.js';
import type { DeviceId } from '../../../../src/domain/shared/ids.js';
import { at, branchId, cashier, close, dayFigures, deviceId, empty, header, manager, metaOf, otherDevice, tenantId, till } from './fixtures.js';

/** The Z a manager closes at 18:30 over `figures`, with the grand totals `after`. */
function firstZ(figures: TillFigures = dayFigures): TillDayClosed {
  return {
    type: 'TillDayClosed',
    data: {
      tenantId, branchId, deviceId, zNumber: 1, header, businessDate: '2026-11-22',
      periodStart: at('07:55'), periodEnd: at('18:30'), through: '900.900',
      figures, grandTotals: addToGrandTotals(EMPTY_GRAND_TOTALS, figures), closedBy: { userId: manager, role: 'branch_manager' },
    },
  };
}

describe('CloseTillDay', () => {
  it('numbers the first Z 1, from the first fact of the till to the close, with grand totals equal to its figures', () => {
    const state = till.given([]).when(close()).then([firstZ()]);
    expect(state).toMatchObject({ status: 'closed_before', lastZ: 1, lastPeriodEnd: at('18:30'), lastThrough: '900.900' });
    expect(firstZ().data.grandTotals).toMatchObject({ receipts: 2, gross: 2_500, net: 1_817, tax: 345, total: 2_162, refunds: { count: 1, amount: 238 } });
  });

  it('numbers each next Z one higher, starting where the last one ended, and adds it to the grand totals', () => {
    const first = firstZ();
    const [second] = tillDecider.decide(close(dayFigures, metaOf(at('18:00', '2026-11-23'))), fold(tillDecider, [first]));
    expect(second?.data).toMatchObject({ zNumber: 2, periodStart: at('18:30'), periodEnd: at('18:00', '2026-11-23') });
    const totals = second?.data.grandTotals;
    expect(totals?.receipts).toBe(4);
    expect(totals?.gross).toBe(5_000);
    expect(totals?.taxes).toEqual([{ taxRateId: 'vat-19', basisPoints: 1900, net: 3_634, tax: 690, gross: 4_324 }]);
    expect(totals?.tenders).toEqual([{ method: 'cash', count: 4, amount: 4_800, change: 200, refunds: { count: 2, amount: 476 } }]);
    expect(totals?.cash).toEqual({ floats: { count: 2, amount: 20_000 }, cashIn: { count: 2, amount: 1_000 }, cashOut: { count: 2, amount: 400 }, expected: 24_924, counted: 24_900, variance: -24 });
  });

  it('grand totals after many Zs equal the sum of their figures, whatever the order of rates and tenders', () => {
    const card: TillFigures = {
      ...empty,
      receipts: { count: 1, first: dayFigures.receipts.first, last: dayFigures.receipts.first },
      gross: 1_000, net: 934, tax: 66, total: 1_000,
      taxes: [
        { taxRateId: 'vat-7' as never, basisPoints: 700, net: 934, tax: 66, gross: 1_000 },
        { taxRateId: 'vat-19' as never, basisPoints: 1600, net: 0, tax: 0, gross: 0 },
      ],
      tenders: [{ method: 'other', count: 1, amount: 10, change: 0, refunds: { count: 0, amount: 0 } }, { method: 'card', count: 1, amount: 990, change: 0, refunds: { count: 0, amount: 0 } }],
    };
    let state = fold(tillDecider, []);
    const zs: TillDayClosed[] = [];
    for (const [i, figures] of [dayFigures, card, empty, card].entries()) {
      const [z] = tillDecider.decide(close(figures, metaOf(at(`1${i}:00`, '2026-11-25'))), state);
      if (!z) throw new Error('no Z');
      zs.push(z);
      state = tillDecider.evolve(state, z);
    }
    expect(zs.map((z) => z.data.zNumber)).toEqual([1, 2, 3, 4]);
    const last = zs.at(-1)?.data.grandTotals;
    expect(last?.gross).toBe(2_500 + 1_000 + 0 + 1_000);
    expect(last?.taxes.map((t) => [t.taxRateId, t.basisPoints, t.net])).toEqual([['vat-19', 1600, 0], ['vat-19', 1900, 1_817], ['vat-7', 700, 1_868]]);
    expect(last?.tenders.map((t) => [t.method, t.amount])).toEqual([['cash', 2_400], ['card', 1_980], ['other', 20]]);
  });

  it('closes an empty period (a day without sales still gets its Z), starting at the close for a till that did nothing', () => {
    till.given([]).when(close(empty, metaOf(at('18:30')), { firstActivityAt: null, through: null })).then([
      {
        type: 'TillDayClosed',
        data: {
          ...firstZ(empty).data, periodStart: at('18:30'), through: null,
        },
      },
    ]);
  });

  it('keeps the previous position when a Z counted nothing new, so the next period starts after the same fact', () => {
    const [z] = tillDecider.decide(close(empty, metaOf(at('19:00')), { through: null }), fold(tillDecider, [firstZ()]));
    expect(z?.data).toMatchObject({ zNumber: 2, through: '900.900', periodStart: at('18:30'), periodEnd: at('19:00') });
  });

  it('never lets a period run backwards when the till clock is behind the previous Z', () => {
    const [z] = tillDecider.decide(close(empty, metaOf(at('18:00'))), fold(tillDecider, [firstZ()]));
    expect(z?.data).toMatchObject({ periodStart: at('18:30'), periodEnd: at('18:30') });
    const [first] = tillDecider.decide(close(empty, metaOf(at('07:00'))), fold(tillDecider, []));
    expect(first?.data).toMatchObject({ periodStart: at('07:00'), periodEnd: at('07:00') });
  });

  it("lets the cashier signed in on the till close it, but not another till's (TILL_NOT_YOURS)", () => {
    const [z] = tillDecider.decide(close(dayFigures, metaOf(at('18:30'), 'cashier', deviceId)), fold(tillDecider, []));
    expect(z?.data.closedBy).toEqual({ userId: cashier, role: 'cashier' });
    till.given([]).when(close(dayFigures, metaOf(at('18:30'), 'cashier', otherDevice))).thenFails('TILL_NOT_YOURS', 'forbidden');
    till.given([]).when(close(dayFigures, metaOf(at('18:30'), 'cashier'))).thenFails('TILL_NOT_YOURS', 'forbidden');
  });

  it('refuses a command for another device on this till stream (TILL_MISMATCH)', () => {
    till.given([firstZ()]).when(close(dayFigures, metaOf(at('19:00')), { deviceId: 'till-9' as DeviceId })).thenFails('TILL_MISMATCH', 'conflict');
  });

  it.each(['2026-13-01', '22.11.2026', '', '2026-11-22T00:00'])('refuses the business date %j (TILL_BUSINESS_DATE_INVALID)', (businessDate) => {
    till.given([]).when(close(dayFigures, metaOf(at('18:30')), { businessDate })).thenFails('TILL_BUSINESS_DATE_INVALID', 'invalid');
  });

  it.each<[string, TillFigures]>([
    ['a fractional amount', { ...dayFigures, gross: 10.5 }],
    ['a negative count', { ...dayFigures, voids: { count: -1, amount: 0 } }],
    ['a fractional tender count', { ...dayFigures, tenders: [{ method: 'card', count: 1.5, amount: 1, change: 0, refunds: { count: 0, amount: 0 } }] }],
    ['an unsafe integer', { ...dayFigures, cash: { ...dayFigures.cash, drawers: [{ ...dayFigures.cash.drawers[0]!, counted: 2 ** 60 }] } }],
    ['a total that is not net + tax', { ...dayFigures, total: 2_163 }],
    ['a variance that is not counted - expected', { ...dayFigures, cash: { ...dayFigures.cash, variance: 0 } }],
    ['receipts without a first one', { ...dayFigures, receipts: { ...dayFigures.receipts, first: null } }],
    ['no receipts but a last one', { ...empty, receipts: { count: 0, first: null, last: dayFigures.receipts.last } }],
  ])('refuses figures with %s (TILL_FIGURES_INVALID)', (_case, figures) => {
    till.given([]).when(close(figures)).thenFails('TILL_FIGURES_INVALID', 'invalid');
  });

  it('ignores event types it does not know', () => {
    const state = fold(tillDecider, [firstZ()]);
    expect(tillDecider.evolve(state, { type: 'SomethingNewer', data: {} } as never)).toBe(state);
  });
});

describe('addFigures', () => {
  it('joins two stretches of a period: sums, the first receipt of the first, the last of the second, drawers in order', () => {
    const later: TillFigures = { ...dayFigures, receipts: { count: 1, first: dayFigures.receipts.last, last: { orderId: 'o-3' as never, completedAt: at('20:00') } } };
    const both = addFigures(dayFigures, later);
    expect(both.receipts).toEqual({ count: 3, first: dayFigures.receipts.first, last: later.receipts.last });
    expect(both).toMatchObject({ gross: 5_000, net: 3_634, tax: 690, total: 4_324, voids: { count: 2, amount: 600 } });
    expect(both.cash.drawers).toHaveLength(2);
    expect(both.cash).toMatchObject({ expected: 24_924, counted: 24_900, variance: -24, floats: { count: 2, amount: 20_000 } });
    expect(addFigures(empty, dayFigures)).toEqual(dayFigures);
    expect(addFigures(dayFigures, empty)).toEqual(dayFigures);
  });
});
