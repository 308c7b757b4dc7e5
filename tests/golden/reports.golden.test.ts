import { describe, expect, it } from 'vitest';
import { storageTargets } from '../support/storageTargets.js';
import { withGoldenDay } from './withGoldenDay.js';
import { getJson, listAll } from './readReports.js';

/*
 * Every report of the golden day (goldenDay.ts) against figures worked out by hand, written as
 * literals with the arithmetic beside them. The rules (ADR 0005, src/domain/order/totals.ts):
 * - line discounts first; an order discount is spread over the lines in proportion to what is left
 *   of them, largest remainder first (ties to the earlier line);
 * - tax per line, rounded half away from zero: inclusive tax = round(amount × bp / (10000 + bp)),
 *   exclusive tax = round(amount × bp / 10000);
 * - a refund of k of n units takes round(line gross × k / n);
 * - the till (X/Z) splits a refund's gross back into net and tax at its lines' rates (inclusive
 *   formula), an amount-only refund over the sale's rates in proportion to their gross.
 *
 * Worked prices (JPY has no minor digits, so 1 = ¥1; USD amounts are cents):
 *
 * A1 (Tokyo, inclusive): BENTO 980 × 2 = 1960 at 8 %, BEER 550 × 1 = 550 at 10 %; gross 2510.
 *   d1 = 10 % of BENTO = round(1960 × 1000 / 10000) = 196 → BENTO left 1764.
 *   d2 = ¥100 on the order, over [1764, 550]: 100 × 1764 / 2314 = 76 r 536, 100 × 550 / 2314 = 23 r 1778;
 *        99 given, the 1 left goes to the larger remainder (BEER) → shares [76, 24].
 *   BENTO 1764 − 76 = 1688: tax round(1688 × 800 / 10800) = round(125.04) = 125, net 1563.
 *   BEER  550 − 24 = 526:   tax round(526 × 1000 / 11000) = round(47.82) = 48, net 478.
 *   total 1688 + 526 = 2214, net 2041, tax 173, discounts 196 + 100 = 296.
 *   Paid card 1000 + cash 2000 = 3000 → change 786; the drawer keeps 2000 − 786 = 1214.
 * A2: ONIGIRI 150 × 4 = 600 at 8 %: tax round(600 × 800 / 10800) = round(44.44) = 44, net 556; voided.
 * A3: MATCHA 1200 at 10 %: tax round(1200 × 1000 / 11000) = round(109.09) = 109, net 1091;
 *     CAKE 450 × 2 = 900 at 8 %: tax round(900 × 800 / 10800) = round(66.67) = 67, net 833.
 *     total 2100, net 1924, tax 176; cash 5000 → change 2900.
 *     Refund 1 of 2 CAKE at 00:20 the next day: round(900 × 1 / 2) = 450, to cash from the drawer.
 *     Till split of 450 at 8 %: tax round(450 × 800 / 10800) = round(33.33) = 33, net 417.
 * Drawer A: float 30000 − cash out 10000 + cash sales (1214 + 2100 − 450 = 2864) = 22864 expected;
 *     counted 22860 → variance −4.
 *
 * B1 (Phoenix, exclusive): BEANS 1299 × 2 = 2598 at 2 %, MUG 899 at 8.6 %; gross 3497.
 *   d1 = 20 % of 3497 = round(699.4) = 699 over [2598, 899]: 699 × 2598 / 3497 = 519 r 1059,
 *        699 × 899 / 3497 = 179 r 2438; the 1 left to MUG → shares [519, 180].
 *   BEANS 2598 − 519 = 2079: tax round(2079 × 200 / 10000) = round(41.58) = 42, gross 2121.
 *   MUG   899 − 180 = 719:   tax round(719 × 860 / 10000) = round(61.83) = 62, gross 781.
 *   total 2121 + 781 = 2902, net 2798, tax 104. Card 1000 + cash 2000 → change 98; drawer keeps 1902.
 *   Refund of 500 (amount only) to card at 16:00: over the rates' gross [2121, 781]:
 *     500 × 2121 / 2902 = 365 r 1270, 500 × 781 / 2902 = 134 r 1632 → [365, 135];
 *     food 365: tax round(365 × 200 / 10200) = round(7.16) = 7, net 358;
 *     general 135: tax round(135 × 860 / 10860) = round(10.69) = 11, net 124.
 * B2: SANDW 750 at 2 %, line discount 50 → 700: tax round(700 × 200 / 10000) = 14, total 714; gift card 714.
 * B3 (offline, synced after Z 1): WATER 199 × 3 = 597 at 2 %: tax round(11.94) = 12, total 609; card.
 * Drawer B: float 15000 + cash in 5000 + cash sales 1902 = 21902 expected; counted 21910 → variance +8.
 */

const utc = (date: string, time: string): string => `${date}T${time}:00.000Z`;

describe.each(storageTargets())('the golden day, every report computed by hand, on %s', (_target, openStorage) => {
  const ctx = withGoldenDay(openStorage);

  it('daily sales per tenant, branch and business date', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const a = { branchId: tokyo.branchId, currency: 'JPY', priceMode: 'inclusive' };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/daily-sales', day.last)).toEqual([
      // A1 + A3: 2 orders, 3 + 3 items, gross 2510 + 2100 = 4610, discounts 296 (2 of them),
      // net 2041 + 1924 = 3965, tax 173 + 176 = 349, total 2214 + 2100 = 4314; average round(4314 / 2) = 2157.
      // A2 voided on D at 600. The refund is on D+1 (00:20 local).
      { ...a, businessDate: D, orderCount: 2, itemsSold: 6, gross: 4610, discountAmount: 296, net: 3965, tax: 349, total: 4314,
        refundCount: 0, refundAmount: 0, discountCount: 2, itemsRefunded: 0, voidCount: 1, voidAmount: 600, averageTicket: 2157 },
      { ...a, businessDate: D1, orderCount: 0, itemsSold: 0, gross: 0, discountAmount: 0, net: 0, tax: 0, total: 0,
        refundCount: 1, refundAmount: 450, discountCount: 0, itemsRefunded: 1, voidCount: 0, voidAmount: 0, averageTicket: null },
    ]);
    const b = { branchId: phoenix.branchId, currency: 'USD', priceMode: 'exclusive' };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/daily-sales', day.last)).toEqual([
      // B1 + B2 + B3 (the late one, on its own day): items 3 + 1 + 3 = 7, gross 3497 + 750 + 597 = 4844,
      // discounts 699 + 50 = 749, net 2798 + 700 + 597 = 4095, tax 104 + 14 + 12 = 130,
      // total 2902 + 714 + 609 = 4225; average round(4225 / 3) = round(1408.33) = 1408. Refund 500 the same day.
      { ...b, businessDate: D, orderCount: 3, itemsSold: 7, gross: 4844, discountAmount: 749, net: 4095, tax: 130, total: 4225,
        refundCount: 1, refundAmount: 500, discountCount: 2, itemsRefunded: 0, voidCount: 0, voidAmount: 0, averageTicket: 1408 },
    ]);
  });

  it('daily sales per tax rate', async () => {
    const { full, day } = ctx();
    const { D, tokyo, phoenix } = day;
    const a = { businessDate: D, branchId: tokyo.branchId, currency: 'JPY', priceMode: 'inclusive' };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/daily-sales/taxes', day.last)).toEqual([
      // 8 %: BENTO 1563 + 125 (A1), CAKE 833 + 67 (A3): taxable 2396, tax 192, gross 2588.
      { ...a, taxRateId: 'reduced', basisPoints: 800, orderCount: 2, taxable: 2396, tax: 192, gross: 2588 },
      // 10 %: BEER 478 + 48 (A1), MATCHA 1091 + 109 (A3): taxable 1569, tax 157, gross 1726.
      { ...a, taxRateId: 'standard', basisPoints: 1000, orderCount: 2, taxable: 1569, tax: 157, gross: 1726 },
    ]);
    const b = { businessDate: D, branchId: phoenix.branchId, currency: 'USD', priceMode: 'exclusive' };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/daily-sales/taxes', day.last)).toEqual([
      // 2 %: BEANS 2079 + 42, SANDW 700 + 14, WATER 597 + 12: taxable 3376, tax 68, gross 3444.
      { ...b, taxRateId: 'food', basisPoints: 200, orderCount: 3, taxable: 3376, tax: 68, gross: 3444 },
      { ...b, taxRateId: 'general', basisPoints: 860, orderCount: 1, taxable: 719, tax: 62, gross: 781 },
    ]);
  });

  it('daily sales per payment method', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const a = { branchId: tokyo.branchId, currency: 'JPY' };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/daily-sales/payment-methods', day.last)).toEqual([
      { ...a, businessDate: D, method: 'card', tenderCount: 1, amount: 1000, changeGiven: 0, refundCount: 0, refundAmount: 0 },
      // Cash as handed over: 2000 + 5000; change 786 + 2900 = 3686.
      { ...a, businessDate: D, method: 'cash', tenderCount: 2, amount: 7000, changeGiven: 3686, refundCount: 0, refundAmount: 0 },
      { ...a, businessDate: D1, method: 'cash', tenderCount: 0, amount: 0, changeGiven: 0, refundCount: 1, refundAmount: 450 },
    ]);
    const b = { businessDate: D, branchId: phoenix.branchId, currency: 'USD' };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/daily-sales/payment-methods', day.last)).toEqual([
      // Card: 1000 (B1) + 609 (B3); the 500 refund went back to card.
      { ...b, method: 'card', tenderCount: 2, amount: 1609, changeGiven: 0, refundCount: 1, refundAmount: 500 },
      { ...b, method: 'cash', tenderCount: 1, amount: 2000, changeGiven: 98, refundCount: 0, refundAmount: 0 },
      { ...b, method: 'other', tenderCount: 1, amount: 714, changeGiven: 0, refundCount: 0, refundAmount: 0 },
    ]);
  });

  it('daily sales per hour of the local day', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const zero = { orderCount: 0, itemsSold: 0, gross: 0, discountAmount: 0, net: 0, tax: 0, total: 0, refundCount: 0, refundAmount: 0 };
    const a = { branchId: tokyo.branchId, currency: 'JPY', priceMode: 'inclusive', utcOffsetMinutes: 540 };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/daily-sales/hours', day.last)).toEqual([
      // 10:00 JST = 01:00Z: A1. 23:00 JST = 14:00Z: A3. 00:00 JST on D+1 = 15:00Z on D: the refund.
      { ...a, businessDate: D, hourStart: utc(D, '01:00'), hour: 10, ...zero, orderCount: 1, itemsSold: 3, gross: 2510, discountAmount: 296, net: 2041, tax: 173, total: 2214 },
      { ...a, businessDate: D, hourStart: utc(D, '14:00'), hour: 23, ...zero, orderCount: 1, itemsSold: 3, gross: 2100, net: 1924, tax: 176, total: 2100 },
      { ...a, businessDate: D1, hourStart: utc(D, '15:00'), hour: 0, ...zero, refundCount: 1, refundAmount: 450 },
    ]);
    const b = { businessDate: D, branchId: phoenix.branchId, currency: 'USD', priceMode: 'exclusive', utcOffsetMinutes: -420 };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/daily-sales/hours', day.last)).toEqual([
      { ...b, hourStart: utc(D, '16:00'), hour: 9, ...zero, orderCount: 1, itemsSold: 3, gross: 3497, discountAmount: 699, net: 2798, tax: 104, total: 2902 },
      { ...b, hourStart: utc(D, '20:00'), hour: 13, ...zero, orderCount: 1, itemsSold: 1, gross: 750, discountAmount: 50, net: 700, tax: 14, total: 714 },
      { ...b, hourStart: utc(D, '23:00'), hour: 16, ...zero, refundCount: 1, refundAmount: 500 },
      // The late sale: 17:50 MST = 00:50Z on D+1, in the 17:00 hour of D.
      { ...b, hourStart: utc(D1, '00:00'), hour: 17, ...zero, orderCount: 1, itemsSold: 3, gross: 597, net: 597, tax: 12, total: 609 },
    ]);
  });

  it('sales per cashier and per product', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const a = { branchId: tokyo.branchId, currency: 'JPY', priceMode: 'inclusive' };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/sales-by-cashier', day.last)).toEqual([
      { ...a, businessDate: D, cashierId: tokyo.cashierId, orderCount: 2, itemsSold: 6, gross: 4610, discountAmount: 296, net: 3965, tax: 349, total: 4314, refundCount: 0, refundAmount: 0 },
      // The manager gave the refund; it counts to the sale's cashier.
      { ...a, businessDate: D1, cashierId: tokyo.cashierId, orderCount: 0, itemsSold: 0, gross: 0, discountAmount: 0, net: 0, tax: 0, total: 0, refundCount: 1, refundAmount: 450 },
    ]);
    const b = { businessDate: D, branchId: phoenix.branchId, currency: 'USD', priceMode: 'exclusive' };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/sales-by-cashier', day.last)).toEqual([
      { ...b, cashierId: phoenix.cashierId, orderCount: 3, itemsSold: 7, gross: 4844, discountAmount: 749, net: 4095, tax: 130, total: 4225, refundCount: 1, refundAmount: 500 },
    ]);

    const none = { refundQuantity: 0, refundAmount: 0 };
    const aD = { ...a, businessDate: D };
    expect(await listAll(full, tokyo.tokens.admin, '/v1/reports/sales-by-product', day.last)).toEqual([
      // BEER: no line discount, 24 of the order discount.
      { ...aD, sku: 'BEER', name: 'Craft beer', quantity: 1, gross: 550, discountAmount: 24, net: 478, tax: 48, total: 526, ...none },
      // BENTO: 196 + 76 = 272 off.
      { ...aD, sku: 'BENTO', name: 'Bento box', quantity: 2, gross: 1960, discountAmount: 272, net: 1563, tax: 125, total: 1688, ...none },
      { ...aD, sku: 'CAKE', name: 'Cheesecake', quantity: 2, gross: 900, discountAmount: 0, net: 833, tax: 67, total: 900, ...none },
      { ...aD, sku: 'MATCHA', name: 'Matcha latte', quantity: 1, gross: 1200, discountAmount: 0, net: 1091, tax: 109, total: 1200, ...none },
      // The voided ONIGIRI sold nothing. The CAKE refund is on D+1.
      { ...a, businessDate: D1, sku: 'CAKE', name: 'Cheesecake', quantity: 0, gross: 0, discountAmount: 0, net: 0, tax: 0, total: 0, refundQuantity: 1, refundAmount: 450 },
    ]);
    const bD = { ...b };
    expect(await listAll(full, phoenix.tokens.admin, '/v1/reports/sales-by-product', day.last)).toEqual([
      { ...bD, sku: 'BEANS', name: 'Coffee beans 1 lb', quantity: 2, gross: 2598, discountAmount: 519, net: 2079, tax: 42, total: 2121, ...none },
      { ...bD, sku: 'MUG', name: 'Enamel mug', quantity: 1, gross: 899, discountAmount: 180, net: 719, tax: 62, total: 781, ...none },
      { ...bD, sku: 'SANDW', name: 'Turkey sandwich', quantity: 1, gross: 750, discountAmount: 50, net: 700, tax: 14, total: 714, ...none },
      // The amount-only refund names no product.
      { ...bD, sku: 'WATER', name: 'Spring water', quantity: 3, gross: 597, discountAmount: 0, net: 597, tax: 12, total: 609, ...none },
    ]);
  });

  it('Z-reports and X-reports, with grand totals, for both tills', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const zeroCount = { count: 0, amount: 0 };

    // ---- Tokyo: one Z at 01:00 JST on D+1 (16:00Z on D), business date D+1. ----
    const tokyoFigures = {
      receipts: { count: 2, first: { orderId: tokyo.orders.a1, completedAt: utc(D, '01:20') }, last: { orderId: tokyo.orders.a3, completedAt: utc(D, '14:45') } },
      gross: 4610, // 2510 + 2100
      discounts: { count: 2, amount: 296 },
      voids: { count: 1, amount: 600 },
      refunds: { count: 1, amount: 450 },
      net: 3548, // 2041 + 1924 − 417
      tax: 316, // 173 + 176 − 33
      total: 3864, // 2214 + 2100 − 450 = 3548 + 316
      taxes: [
        // 8 %: 1563/125 (BENTO) + 833/67 (CAKE) − 417/33 (refund) = 1979/159; gross 1688 + 900 − 450 = 2138.
        { taxRateId: 'reduced', basisPoints: 800, net: 1979, tax: 159, gross: 2138 },
        // 10 %: 478/48 (BEER) + 1091/109 (MATCHA) = 1569/157; gross 526 + 1200 = 1726.
        { taxRateId: 'standard', basisPoints: 1000, net: 1569, tax: 157, gross: 1726 },
      ],
      tenders: [
        // Kept: 2000 + 5000 − 786 − 2900 = 3314; change 3686; the refund paid out in cash.
        { method: 'cash', count: 2, amount: 3314, change: 3686, refunds: { count: 1, amount: 450 } },
        { method: 'card', count: 1, amount: 1000, change: 0, refunds: zeroCount },
      ],
      cash: {
        floats: { count: 1, amount: 30000 },
        cashIn: zeroCount,
        cashOut: { count: 1, amount: 10000 },
        drawers: [{
          drawerId: tokyo.drawerId, employeeId: tokyo.cashierId, float: 30000, cashIn: 0, cashOut: 10000, cashSales: 2864,
          expected: 22864, counted: 22860, variance: -4, closedAt: utc(D, '15:40'),
        }],
        expected: 22864,
        counted: 22860,
        variance: -4,
      },
    };
    const { drawers: _tokyoDrawers, ...tokyoCash } = tokyoFigures.cash;
    const tokyoGrand = {
      receipts: 2, gross: 4610, discounts: tokyoFigures.discounts, voids: tokyoFigures.voids, refunds: tokyoFigures.refunds,
      net: 3548, tax: 316, total: 3864, taxes: tokyoFigures.taxes, tenders: tokyoFigures.tenders, cash: tokyoCash,
    };
    const tokyoHeader = { legalName: 'Kissa Hanami KK', currency: 'JPY', timeZone: 'Asia/Tokyo', branchName: 'Shibuya', deviceName: 'Register 1' };
    const tokyoZ = await listAll(full, tokyo.tokens.manager, `/v1/devices/${tokyo.deviceId}/z-reports`, day.last);
    expect(tokyoZ).toEqual([
      {
        deviceId: tokyo.deviceId, branchId: tokyo.branchId, zNumber: 1, businessDate: D1,
        // From the first fact of the till (the float at 09:01 JST) to the close.
        periodStart: utc(D, '00:01'), periodEnd: utc(D, '16:00'), through: expect.any(String) as unknown,
        closedBy: { userId: tokyo.managerId, role: 'branch_manager' }, header: tokyoHeader, figures: tokyoFigures, grandTotals: tokyoGrand,
        position: expect.any(String) as unknown,
      },
    ]);
    const tokyoX = await getJson(full, tokyo.tokens.manager, `/v1/devices/${tokyo.deviceId}/x-report`, day.last);
    expect(tokyoX).toEqual({
      deviceId: tokyo.deviceId, branchId: tokyo.branchId, nextZNumber: 2, periodStart: utc(D, '16:00'), through: null, // nothing since the Z
      header: tokyoHeader,
      figures: { receipts: { count: 0, first: null, last: null }, gross: 0, discounts: zeroCount, voids: zeroCount, refunds: zeroCount, net: 0, tax: 0, total: 0, taxes: [], tenders: [],
        cash: { floats: zeroCount, cashIn: zeroCount, cashOut: zeroCount, drawers: [], expected: 0, counted: 0, variance: 0 } },
      grandTotals: tokyoGrand,
    });

    // ---- Phoenix: Z 1 at 21:00 MST on D, Z 2 at 09:00 MST on D+1 with the late sale. ----
    const z1 = {
      receipts: { count: 2, first: { orderId: phoenix.orders.b1, completedAt: utc(D, '16:10') }, last: { orderId: phoenix.orders.b2, completedAt: utc(D, '20:02') } },
      gross: 4247, // 3497 + 750
      discounts: { count: 2, amount: 749 }, // 699 + 50
      voids: zeroCount,
      refunds: { count: 1, amount: 500 },
      net: 3016, // 2798 + 700 − (358 + 124)
      tax: 100, // 104 + 14 − (7 + 11)
      total: 3116, // 2902 + 714 − 500
      taxes: [
        // 2 %: 2079/42 + 700/14 − 358/7 = 2421/49; gross 2121 + 714 − 365 = 2470.
        { taxRateId: 'food', basisPoints: 200, net: 2421, tax: 49, gross: 2470 },
        // 8.6 %: 719/62 − 124/11 = 595/51; gross 781 − 135 = 646.
        { taxRateId: 'general', basisPoints: 860, net: 595, tax: 51, gross: 646 },
      ],
      tenders: [
        { method: 'cash', count: 1, amount: 1902, change: 98, refunds: zeroCount },
        { method: 'card', count: 1, amount: 1000, change: 0, refunds: { count: 1, amount: 500 } },
        { method: 'other', count: 1, amount: 714, change: 0, refunds: zeroCount },
      ],
      cash: {
        floats: { count: 1, amount: 15000 },
        cashIn: { count: 1, amount: 5000 },
        cashOut: zeroCount,
        drawers: [{
          drawerId: phoenix.drawerId, employeeId: phoenix.cashierId, float: 15000, cashIn: 5000, cashOut: 0, cashSales: 1902,
          expected: 21902, counted: 21910, variance: 8, closedAt: utc(D1, '03:30'),
        }],
        expected: 21902,
        counted: 21910,
        variance: 8,
      },
    };
    const z2 = {
      receipts: { count: 1, first: { orderId: phoenix.orders.b3, completedAt: utc(D1, '00:50') }, last: { orderId: phoenix.orders.b3, completedAt: utc(D1, '00:50') } },
      gross: 597, discounts: zeroCount, voids: zeroCount, refunds: zeroCount, net: 597, tax: 12, total: 609,
      taxes: [{ taxRateId: 'food', basisPoints: 200, net: 597, tax: 12, gross: 609 }],
      tenders: [{ method: 'card', count: 1, amount: 609, change: 0, refunds: zeroCount }],
      cash: { floats: zeroCount, cashIn: zeroCount, cashOut: zeroCount, drawers: [], expected: 0, counted: 0, variance: 0 },
    };
    const { drawers: _z1Drawers, ...z1Cash } = z1.cash;
    const grand1 = { receipts: 2, gross: 4247, discounts: z1.discounts, voids: zeroCount, refunds: z1.refunds, net: 3016, tax: 100, total: 3116, taxes: z1.taxes, tenders: z1.tenders, cash: z1Cash };
    // Z 1 + Z 2: receipts 3, gross 4247 + 597 = 4844, net 3016 + 597 = 3613, tax 100 + 12 = 112, total 3116 + 609 = 3725.
    const grand2 = {
      receipts: 3, gross: 4844, discounts: z1.discounts, voids: zeroCount, refunds: z1.refunds, net: 3613, tax: 112, total: 3725,
      taxes: [
        { taxRateId: 'food', basisPoints: 200, net: 3018, tax: 61, gross: 3079 }, // 2421 + 597, 49 + 12, 2470 + 609
        { taxRateId: 'general', basisPoints: 860, net: 595, tax: 51, gross: 646 },
      ],
      tenders: [
        { method: 'cash', count: 1, amount: 1902, change: 98, refunds: zeroCount },
        { method: 'card', count: 2, amount: 1609, change: 0, refunds: { count: 1, amount: 500 } }, // 1000 + 609
        { method: 'other', count: 1, amount: 714, change: 0, refunds: zeroCount },
      ],
      cash: z1Cash,
    };
    const phoenixHeader = { legalName: 'Saguaro Supply LLC', currency: 'USD', timeZone: 'America/Phoenix', branchName: 'Mesa', deviceName: 'Lane 1' };
    const common = { deviceId: phoenix.deviceId, branchId: phoenix.branchId, through: expect.any(String) as unknown, closedBy: { userId: phoenix.managerId, role: 'branch_manager' }, header: phoenixHeader, position: expect.any(String) as unknown };
    expect(await listAll(full, phoenix.tokens.manager, `/v1/devices/${phoenix.deviceId}/z-reports`, day.last)).toEqual([
      // Newest first. Z 2 holds the sale of 17:50 on D that arrived after Z 1.
      { ...common, zNumber: 2, businessDate: D1, periodStart: utc(D1, '04:00'), periodEnd: utc(D1, '16:00'), figures: z2, grandTotals: grand2 },
      { ...common, zNumber: 1, businessDate: D, periodStart: utc(D, '15:01'), periodEnd: utc(D1, '04:00'), figures: z1, grandTotals: grand1 },
    ]);
    expect(await getJson(full, phoenix.tokens.manager, `/v1/devices/${phoenix.deviceId}/z-reports/1`, day.last)).toMatchObject({ zNumber: 1, figures: z1 });
    expect(await getJson(full, phoenix.tokens.manager, `/v1/devices/${phoenix.deviceId}/x-report`, day.last)).toMatchObject({
      nextZNumber: 3, periodStart: utc(D1, '16:00'), figures: { receipts: { count: 0 }, total: 0, taxes: [], tenders: [] }, grandTotals: grand2,
    });
  });

  it('drawers and shifts', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    expect(await listAll(full, tokyo.tokens.admin, '/v1/drawers', day.last)).toEqual([
      {
        drawerId: tokyo.drawerId, status: 'closed', employeeId: tokyo.cashierId, shiftId: tokyo.shiftId, branchId: tokyo.branchId, deviceId: tokyo.deviceId,
        businessDate: D, openedAt: utc(D, '00:01'), float: 30000, cashIn: 0, cashInCount: 0, cashOut: 10000, cashOutCount: 1,
        // Tendered 2000 + 5000, change 786 + 2900: cash sales 3314; the refund 450 out of it.
        cashTendered: 7000, changeGiven: 3686, cashReturned: 0, cashSales: 3314, cashRefunds: 450, refundCount: 1,
        expected: 22864, counted: 22860, variance: -4, closedAt: utc(D, '15:40'), closedBy: tokyo.managerId, closingCashSales: 2864, cashSinceClose: 0,
      },
    ]);
    expect(await listAll(full, phoenix.tokens.admin, '/v1/drawers', day.last)).toEqual([
      {
        drawerId: phoenix.drawerId, status: 'closed', employeeId: phoenix.cashierId, shiftId: phoenix.shiftId, branchId: phoenix.branchId, deviceId: phoenix.deviceId,
        businessDate: D, openedAt: utc(D, '15:01'), float: 15000, cashIn: 5000, cashInCount: 1, cashOut: 0, cashOutCount: 0,
        // The card refund and the late card sale never touched the drawer.
        cashTendered: 2000, changeGiven: 98, cashReturned: 0, cashSales: 1902, cashRefunds: 0, refundCount: 0,
        expected: 21902, counted: 21910, variance: 8, closedAt: utc(D1, '03:30'), closedBy: phoenix.managerId, closingCashSales: 1902, cashSinceClose: 0,
      },
    ]);
    expect(await listAll(full, tokyo.tokens.admin, '/v1/shifts', day.last)).toEqual([
      // 09:00 JST to 00:45 JST the next day: 15 h 45 min = 56700 s.
      { shiftId: tokyo.shiftId, status: 'closed', employeeId: tokyo.cashierId, branchId: tokyo.branchId, deviceId: tokyo.deviceId, businessDate: D,
        clockedInAt: utc(D, '00:00'), clockedOutAt: utc(D, '15:45'), durationSeconds: 56700, drawerCount: 1 },
    ]);
    expect(await listAll(full, phoenix.tokens.admin, '/v1/shifts', day.last)).toEqual([
      // 08:00 to 20:45 MST: 12 h 45 min = 45900 s.
      { shiftId: phoenix.shiftId, status: 'closed', employeeId: phoenix.cashierId, branchId: phoenix.branchId, deviceId: phoenix.deviceId, businessDate: D,
        clockedInAt: utc(D, '15:00'), clockedOutAt: utc(D1, '03:45'), durationSeconds: 45900, drawerCount: 1 },
    ]);
  });
});
