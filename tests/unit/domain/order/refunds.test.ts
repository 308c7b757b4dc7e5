import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderEvent, type RefundScope } from '../../../../src/domain/order/index.js';
import type { TenderMethod } from '../../../../src/domain/order/values.js';
import type { DrawerId, UserId } from '../../../../src/domain/shared/ids.js';
import { spec } from '../../../support/decider.js';
import { asCashier, asManager, at, cardPaid, cashPaid, line, lineAdded, opened, refund } from './fixtures.js';

const order = spec(orderDecider);
const manager = { userId: 'user-manager' as UserId, role: 'branch_manager' as const };

// Two lines: 3 x 3.33 = 9.99 and 1 x 5.01; total 15.00, paid 10.00 card + 5.00 cash.
const sale: OrderEvent[] = [
  opened(),
  lineAdded(1, 333, 3),
  lineAdded(2, 501, 1),
  cardPaid(1, 1000),
  cashPaid(2, 500),
  { type: 'OrderCompleted', data: { at, totals: { subtotal: 1500, discountTotal: 0, net: 1250, tax: 250, taxes: [], total: 1500 }, paid: 1500, change: 0 } },
];

function refundCommand(n: number, scope: RefundScope, method: TenderMethod = 'cash', meta = asManager, reason = 'damaged') {
  return { type: 'RefundOrder' as const, data: { refundId: refund(n), scope, method, reason, drawerId: null as DrawerId | null }, meta };
}
function refunded(n: number, amount: number, lines: { lineId: ReturnType<typeof line>; quantity: number; amount: number }[], method: TenderMethod = 'cash'): OrderEvent {
  return { type: 'OrderRefunded', data: { refundId: refund(n), at, amount, method, lines, reason: 'damaged', refundedBy: manager, drawerId: null } };
}

describe('RefundOrder', () => {
  it('refunds units of a line, in proportion to what the line cost', () => {
    order.given(sale).when(refundCommand(1, { kind: 'lines', lines: [{ lineId: line(1), quantity: 1 }] })).then([refunded(1, 333, [{ lineId: line(1), quantity: 1, amount: 333 }])]);
  });
  it('gives the last units of a line exactly what is left of it', () => {
    order
      .given([...sale, refunded(1, 333, [{ lineId: line(1), quantity: 1, amount: 333 }])])
      .when(refundCommand(2, { kind: 'lines', lines: [{ lineId: line(1), quantity: 2 }] }))
      .then([refunded(2, 666, [{ lineId: line(1), quantity: 2, amount: 666 }])]);
  });
  it('refunds the whole order, line by line', () => {
    order
      .given(sale)
      .when(refundCommand(1, { kind: 'whole' }))
      .then([refunded(1, 1500, [{ lineId: line(1), quantity: 3, amount: 999 }, { lineId: line(2), quantity: 1, amount: 501 }])]);
  });
  it('refunds what is left after an amount-only refund when refunding the whole', () => {
    order
      .given([...sale, refunded(1, 100, [])])
      .when(refundCommand(2, { kind: 'whole' }))
      .then([refunded(2, 1400, [{ lineId: line(1), quantity: 3, amount: 999 }, { lineId: line(2), quantity: 1, amount: 401 }])]);
  });
  it('refunds an amount to the card it was paid with', () => {
    order.given(sale).when(refundCommand(1, { kind: 'amount', amount: 1000 }, 'card')).then([refunded(1, 1000, [], 'card')]);
  });
  it('refuses more to a card than the card paid', () => {
    order.given(sale).when(refundCommand(1, { kind: 'amount', amount: 1001 }, 'card')).thenFails('REFUND_EXCEEDS_TENDER', 'invalid');
  });
  it('refuses more than is left to refund', () => {
    order.given([...sale, refunded(1, 1000, [])]).when(refundCommand(2, { kind: 'amount', amount: 501 })).thenFails('REFUND_EXCEEDS_REFUNDABLE', 'invalid');
  });
  it('refuses more units than are left on a line', () => {
    order
      .given([...sale, refunded(1, 333, [{ lineId: line(1), quantity: 1, amount: 333 }])])
      .when(refundCommand(2, { kind: 'lines', lines: [{ lineId: line(1), quantity: 3 }] }))
      .thenFails('REFUND_EXCEEDS_REFUNDABLE', 'invalid');
  });
  it('refuses an unknown or repeated line', () => {
    order.given(sale).when(refundCommand(1, { kind: 'lines', lines: [{ lineId: line(7), quantity: 1 }] })).thenFails('LINE_NOT_FOUND', 'invalid');
    order
      .given(sale)
      .when(refundCommand(1, { kind: 'lines', lines: [{ lineId: line(1), quantity: 1 }, { lineId: line(1), quantity: 1 }] }))
      .thenFails('LINE_NOT_FOUND', 'invalid');
  });
  it('refuses an empty list of lines', () => {
    order.given(sale).when(refundCommand(1, { kind: 'lines', lines: [] })).thenFails('NOTHING_TO_REFUND', 'invalid');
  });
  it('refuses a malformed amount or quantity', () => {
    order.given(sale).when(refundCommand(1, { kind: 'amount', amount: 0 })).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    order.given(sale).when(refundCommand(1, { kind: 'lines', lines: [{ lineId: line(1), quantity: 0 }] })).thenFails('QUANTITY_OUT_OF_RANGE', 'invalid');
  });
  it('refuses when everything was refunded', () => {
    order.given([...sale, refunded(1, 1500, [])]).when(refundCommand(2, { kind: 'whole' })).thenFails('NOTHING_TO_REFUND', 'conflict');
  });
  it('refuses a cashier', () => {
    order.given(sale).when(refundCommand(1, { kind: 'whole' }, 'cash', asCashier)).thenFails('REFUND_REQUIRES_MANAGER', 'forbidden');
  });
  it('refuses a refund id already used', () => {
    order.given([...sale, refunded(1, 100, [])]).when(refundCommand(1, { kind: 'amount', amount: 100 })).thenFails('REFUND_ALREADY_EXISTS', 'conflict');
  });
  it('refuses a refund without a reason', () => {
    order.given(sale).when(refundCommand(1, { kind: 'whole' }, 'cash', asManager, '')).thenFails('INVALID_TEXT', 'invalid');
  });
  it('refuses an open order, a voided one and one that does not exist', () => {
    order.given([opened(), lineAdded(1, 100)]).when(refundCommand(1, { kind: 'whole' })).thenFails('ORDER_NOT_COMPLETED', 'conflict');
    order
      .given([opened(), { type: 'OrderVoided', data: { at, reason: 'x', voidedBy: manager, paidToReturn: 0 } }])
      .when(refundCommand(1, { kind: 'whole' }))
      .thenFails('ORDER_VOIDED', 'conflict');
    order.given([]).when(refundCommand(1, { kind: 'whole' })).thenFails('ORDER_NOT_FOUND', 'not_found');
  });
  it('keeps the running refunded total', () => {
    const { state } = order.given([...sale, refunded(1, 100, []), refunded(2, 250, [], 'card')]);
    expect(state.status === 'completed' && state.refunded).toBe(350);
  });
});
