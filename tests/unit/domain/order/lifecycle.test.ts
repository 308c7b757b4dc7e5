import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand, type OrderEvent } from '../../../../src/domain/order/index.js';
import type { UserId } from '../../../../src/domain/shared/ids.js';
import { spec } from '../../../support/decider.js';
import { asCashier, asManager, at, cardPaid, cashPaid, line, lineAdded, opened, reduced } from './fixtures.js';

const order = spec(orderDecider);
const complete = { type: 'CompleteOrder' as const, data: {}, meta: asCashier };
const voidIt = (reason: string, meta = asManager) => ({ type: 'VoidOrder' as const, data: { reason }, meta });

describe('CompleteOrder', () => {
  it('completes a paid order with server-computed totals, tax per rate and change from cash', () => {
    // inclusive: 2 x 12.50 at 20 % and 1 x 3.99 at 7 %
    order
      .given([opened('inclusive'), lineAdded(1, 1250, 2), lineAdded(2, 399, 1, 700, reduced), cardPaid(1, 2000), cashPaid(2, 1000)])
      .when(complete)
      .then([
        {
          type: 'OrderCompleted',
          data: {
            at,
            totals: {
              subtotal: 2899,
              discountTotal: 0,
              net: 2456,
              tax: 443,
              taxes: [
                { taxRateId: reduced, basisPoints: 700, net: 373, tax: 26 },
                { taxRateId: 'standard' as never, basisPoints: 2000, net: 2083, tax: 417 },
              ],
              total: 2899,
            },
            paid: 3000,
            change: 101,
          },
        },
      ]);
  });
  it('adds tax on top for tax-exclusive prices', () => {
    order
      .given([opened('exclusive'), lineAdded(1, 1000, 3, 825), cardPaid(1, 3248)])
      .when(complete)
      .then([
        {
          type: 'OrderCompleted',
          data: {
            at,
            totals: { subtotal: 3000, discountTotal: 0, net: 3000, tax: 248, taxes: [{ taxRateId: 'standard' as never, basisPoints: 825, net: 3000, tax: 248 }], total: 3248 },
            paid: 3248,
            change: 0,
          },
        },
      ]);
  });
  it('refuses an order that is not fully paid', () => {
    order.given([opened(), lineAdded(1, 1000), cashPaid(1, 999)]).when(complete).thenFails('ORDER_NOT_FULLY_PAID', 'conflict');
  });
  it('refuses an order without lines', () => {
    order.given([opened()]).when(complete).thenFails('ORDER_EMPTY', 'conflict');
  });
  it('refuses when the change would have to come from a card', () => {
    // Paid exactly by card, then the line was made cheaper: the card overpays.
    order
      .given([opened(), lineAdded(1, 1000, 2), cardPaid(1, 2000), { type: 'OrderLineQuantityChanged', data: { lineId: line(1), quantity: 1 } }])
      .when(complete)
      .thenFails('CHANGE_EXCEEDS_CASH', 'conflict');
  });
  it('refuses to complete twice', () => {
    const done = { type: 'OrderCompleted' as const, data: { at, totals: { subtotal: 100, discountTotal: 0, net: 83, tax: 17, taxes: [], total: 100 }, paid: 100, change: 0 } };
    order.given([opened(), lineAdded(1, 100), cashPaid(1, 100), done]).when(complete).thenFails('ORDER_ALREADY_COMPLETED', 'conflict');
  });
});

describe('VoidOrder', () => {
  it('lets a cashier void an empty order', () => {
    order
      .given([opened()])
      .when(voidIt('customer left', asCashier))
      .then([{ type: 'OrderVoided', data: { at, reason: 'customer left', voidedBy: { userId: 'user-cashier' as UserId, role: 'cashier' }, paidToReturn: 0 } }]);
  });
  it('lets a manager void an order with lines and payments, recording what must be handed back', () => {
    order
      .given([opened(), lineAdded(1, 1000), cashPaid(1, 500)])
      .when(voidIt('wrong items'))
      .then([{ type: 'OrderVoided', data: { at, reason: 'wrong items', voidedBy: { userId: 'user-manager' as UserId, role: 'branch_manager' }, paidToReturn: 500 } }]);
  });
  it('refuses a cashier voiding an order with lines', () => {
    order.given([opened(), lineAdded(1, 1000)]).when(voidIt('oops', asCashier)).thenFails('VOID_REQUIRES_MANAGER', 'forbidden');
  });
  it('refuses a void without a reason', () => {
    order.given([opened()]).when(voidIt('')).thenFails('INVALID_TEXT', 'invalid');
  });
  it('refuses to void a voided order', () => {
    order
      .given([opened(), { type: 'OrderVoided', data: { at, reason: 'x', voidedBy: { userId: 'u' as UserId, role: 'cashier' }, paidToReturn: 0 } }])
      .when(voidIt('again'))
      .thenFails('ORDER_VOIDED', 'conflict');
  });
  it('refuses to void an order that does not exist', () => {
    order.given([]).when(voidIt('x')).thenFails('ORDER_NOT_FOUND', 'not_found');
  });
});

describe('evolve and decide at the edges', () => {
  it('ignores events that do not apply to the state the order is in', () => {
    const irrelevant = [
      { type: 'OrderLineAdded', data: {} },
      { type: 'SomethingFromTheFuture', data: {} },
    ] as unknown as OrderEvent[];
    expect(orderDecider.evolve(orderDecider.initialState, irrelevant[0]!)).toEqual({ status: 'none' });
    const open = order.given([opened()]).state;
    expect(orderDecider.evolve(open, opened())).toBe(open);
    expect(orderDecider.evolve(open, irrelevant[1]!)).toBe(open);
    const completed = order.given([opened(), lineAdded(1, 100), cashPaid(1, 100)]).when(complete).then([expect.anything() as OrderEvent]);
    expect(orderDecider.evolve(completed, lineAdded(2, 100))).toBe(completed);
    const voided = order.given([opened()]).when(voidIt('x')).then([expect.anything() as OrderEvent]);
    expect(orderDecider.evolve(voided, lineAdded(2, 100))).toBe(voided);
  });
  it('throws on a command type it does not know', () => {
    expect(() => orderDecider.decide({ type: 'Teleport' } as unknown as OrderCommand, orderDecider.initialState)).toThrow(/Unhandled/);
  });
  it('keeps a rate changed mid-order on its own tax row', () => {
    const { state } = order.given([opened(), lineAdded(1, 1000, 1, 2000), lineAdded(2, 1000, 1, 1900)]);
    expect(state.status === 'open' && state.pricing.totals.taxes.map((t) => [t.taxRateId, t.basisPoints])).toEqual([
      ['standard', 1900],
      ['standard', 2000],
    ]);
  });
});
