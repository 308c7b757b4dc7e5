// PENDING: rename to orders.golden.test.ts once GET /v1/orders and /v1/orders/:id/detail are registered (compose.ts) and the
// orders model is in projectionsOf. Its literals were checked against the orders read model built in a scratch schema.
import { describe, expect, it } from 'vitest';
import { storageTargets } from '../support/storageTargets.js';
import { getJson, listAll } from './readReports.js';
import { withGoldenDay } from './withGoldenDay.js';

/*
 * The orders list and detail of the golden day (goldenDay.ts), against figures worked out by hand:
 * the arithmetic is written out at the top of reports.golden.test.ts.
 */

const utc = (date: string, time: string): string => `${date}T${time}:00.000Z`;

describe.each(storageTargets())('the golden day, orders list and detail, on %s', (_target, openStorage) => {
  const ctx = withGoldenDay(openStorage);

  it('orders list: status, business date and figures of every order, newest first', async () => {
    const { full, day } = ctx();
    const { D, D1, tokyo, phoenix } = day;
    const base = (shop: typeof tokyo | typeof phoenix, currency: string, priceMode: string) => ({
      branchId: shop.branchId, deviceId: shop.deviceId, cashierId: shop.cashierId, currency, priceMode,
    });
    const a = base(tokyo, 'JPY', 'inclusive');
    expect(await listAll(full, tokyo.tokens.admin, '/v1/orders', day.last)).toEqual([
      // A3: completed 23:45 JST = 14:45Z on D; refunded 450 after midnight (the order stays on D).
      { ...a, orderId: tokyo.orders.a3, status: 'completed', businessDate: D, openedAt: utc(D, '14:40'), completedAt: utc(D, '14:45'), voidedAt: null,
        gross: 2100, discountTotal: 0, net: 1924, tax: 176, total: 2100, paid: 5000, change: 2900, refunded: 450, lineCount: 2, itemCount: 3, revision: 5 },
      // A2: voided 12:35 JST; 600 incl. 44 tax.
      { ...a, orderId: tokyo.orders.a2, status: 'voided', businessDate: D, openedAt: utc(D, '03:30'), completedAt: null, voidedAt: utc(D, '03:35'),
        gross: 600, discountTotal: 0, net: 556, tax: 44, total: 600, paid: 0, change: 0, refunded: 0, lineCount: 1, itemCount: 4, revision: 2 },
      { ...a, orderId: tokyo.orders.a1, status: 'completed', businessDate: D, openedAt: utc(D, '01:15'), completedAt: utc(D, '01:20'), voidedAt: null,
        gross: 2510, discountTotal: 296, net: 2041, tax: 173, total: 2214, paid: 3000, change: 786, refunded: 0, lineCount: 2, itemCount: 3, revision: 7 },
    ]);
    const b = base(phoenix, 'USD', 'exclusive');
    expect(await listAll(full, phoenix.tokens.admin, '/v1/orders', day.last)).toEqual([
      // B3: opened 17:45 MST = 00:45Z on D+1, yet its business date is D (Phoenix local).
      { ...b, orderId: phoenix.orders.b3, status: 'completed', businessDate: D, openedAt: utc(D1, '00:45'), completedAt: utc(D1, '00:50'), voidedAt: null,
        gross: 597, discountTotal: 0, net: 597, tax: 12, total: 609, paid: 609, change: 0, refunded: 0, lineCount: 1, itemCount: 3, revision: 3 },
      { ...b, orderId: phoenix.orders.b2, status: 'completed', businessDate: D, openedAt: utc(D, '20:00'), completedAt: utc(D, '20:02'), voidedAt: null,
        gross: 750, discountTotal: 50, net: 700, tax: 14, total: 714, paid: 714, change: 0, refunded: 0, lineCount: 1, itemCount: 1, revision: 4 },
      { ...b, orderId: phoenix.orders.b1, status: 'completed', businessDate: D, openedAt: utc(D, '16:05'), completedAt: utc(D, '16:10'), voidedAt: null,
        gross: 3497, discountTotal: 699, net: 2798, tax: 104, total: 2902, paid: 3000, change: 98, refunded: 500, lineCount: 2, itemCount: 3, revision: 7 },
    ]);
    // Filters: status and the cashier's own till.
    expect((await listAll<{ orderId: string }>(full, tokyo.tokens.manager, '/v1/orders?status=voided', day.last)).map((o) => o.orderId)).toEqual([tokyo.orders.a2]);
    expect(await listAll(full, tokyo.tokens.admin, `/v1/orders?from=${D1}`, day.last)).toEqual([]);
  });

  it('order detail: priced lines, discounts with the approver, tenders, refunds, the void, the timeline', async () => {
    const { full, day } = ctx();
    const { tokyo } = day;
    type Detail = {
      lines: unknown[]; discounts: unknown[]; payments: unknown[]; tenders: unknown[]; taxes: unknown[]; refunds: unknown[];
      void: unknown; due: number; timeline: { type: string; actor: { userId: string } }[];
    };
    const a1 = await getJson<Detail>(full, tokyo.tokens.admin, `/v1/orders/${tokyo.orders.a1}/detail`, day.last);
    expect(a1.lines).toEqual([
      { lineId: 'l1', sku: 'BENTO', name: 'Bento box', unitPrice: 980, quantity: 2, taxRateId: 'reduced', taxBasisPoints: 800,
        base: 1960, lineDiscount: 196, orderDiscount: 76, amount: 1688, net: 1563, tax: 125, gross: 1688 },
      { lineId: 'l2', sku: 'BEER', name: 'Craft beer', unitPrice: 550, quantity: 1, taxRateId: 'standard', taxBasisPoints: 1000,
        base: 550, lineDiscount: 0, orderDiscount: 24, amount: 526, net: 478, tax: 48, gross: 526 },
    ]);
    expect(a1.discounts).toEqual([
      { discountId: 'd1', target: { kind: 'line', lineId: 'l1' }, value: { kind: 'percent', basisPoints: 1000 }, amount: 196, reason: 'Staff promo', approvedBy: null },
      // 296 / 2510 = 11.8 % > 10 %: the manager gave it, and is its approver.
      { discountId: 'd2', target: { kind: 'order' }, value: { kind: 'amount', amount: 100 }, amount: 100, reason: 'Regular customer',
        approvedBy: { userId: tokyo.managerId, role: 'branch_manager' } },
    ]);
    expect(a1.payments).toEqual([
      { paymentId: 'p1', method: 'card', amount: 1000, processorReference: 'JCB-0001', description: null, drawerId: null },
      { paymentId: 'p2', method: 'cash', amount: 2000, processorReference: null, description: null, drawerId: tokyo.drawerId },
    ]);
    expect(a1.tenders).toEqual([{ method: 'cash', count: 1, amount: 2000 }, { method: 'card', count: 1, amount: 1000 }]);
    expect(a1.taxes).toEqual([
      { taxRateId: 'reduced', basisPoints: 800, net: 1563, tax: 125 },
      { taxRateId: 'standard', basisPoints: 1000, net: 478, tax: 48 },
    ]);
    expect(a1).toMatchObject({ refunds: [], void: null, due: 0 });
    // Eight events; the cashier's refused discount left none. The order discount is the manager's.
    expect(a1.timeline.map((t) => t.type)).toEqual([
      'OrderOpened', 'OrderLineAdded', 'OrderLineAdded', 'DiscountApplied', 'DiscountApplied', 'PaymentAdded', 'PaymentAdded', 'OrderCompleted',
    ]);
    expect(a1.timeline.map((t) => t.actor.userId)).toEqual([
      tokyo.cashierId, tokyo.cashierId, tokyo.cashierId, tokyo.cashierId, tokyo.managerId, tokyo.cashierId, tokyo.cashierId, tokyo.cashierId,
    ]);

    const a2 = await getJson<Detail>(full, tokyo.tokens.admin, `/v1/orders/${tokyo.orders.a2}/detail`, day.last);
    expect(a2.void).toEqual({ at: utc(day.D, '03:35'), reason: 'Customer left', voidedBy: { userId: tokyo.managerId, role: 'branch_manager' }, paidToReturn: 0 });

    const a3 = await getJson<Detail>(full, tokyo.tokens.admin, `/v1/orders/${tokyo.orders.a3}/detail`, day.last);
    // 00:20 JST on D+1 = 15:20Z on D.
    expect(a3.refunds).toEqual([
      { refundId: 'r1', at: utc(day.D, '15:20'), amount: 450, method: 'cash', reason: 'Dropped cake', refundedBy: { userId: tokyo.managerId, role: 'branch_manager' },
        drawerId: tokyo.drawerId, lines: [{ lineId: 'l2', sku: 'CAKE', name: 'Cheesecake', quantity: 1, amount: 450 }] },
    ]);
  });

});
