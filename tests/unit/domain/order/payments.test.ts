import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../../../src/domain/order/index.js';
import type { Tender } from '../../../../src/domain/order/values.js';
import type { DrawerId } from '../../../../src/domain/shared/ids.js';
import { spec } from '../../../support/decider.js';
import { asCashier, cardPaid, cashPaid, lineAdded, opened, payment } from './fixtures.js';

const order = spec(orderDecider);
const pay = (n: number, tender: Tender, drawerId: DrawerId | null = null) => ({
  type: 'AddPayment' as const,
  data: { paymentId: payment(n), tender, drawerId },
  meta: asCashier,
});
const history = [opened(), lineAdded(1, 1250, 2)]; // total 2500

describe('AddPayment', () => {
  it('takes cash into a drawer', () => {
    order
      .given(history)
      .when(pay(1, { method: 'cash', amount: 1000 }, 'drawer-1' as DrawerId))
      .then([{ type: 'PaymentAdded', data: { paymentId: payment(1), tender: { method: 'cash', amount: 1000 }, drawerId: 'drawer-1' as DrawerId } }]);
  });
  it('lets cash exceed what is due (change comes at completion)', () => {
    order.given(history).when(pay(1, { method: 'cash', amount: 5000 })).then([cashPaid(1, 5000)]);
  });
  it('takes a partial card payment with its processor reference', () => {
    order.given(history).when(pay(1, { method: 'card', amount: 2000, processorReference: 'auth-1' })).then([cardPaid(1, 2000)]);
  });
  it('takes an other tender with a description', () => {
    const tender: Tender = { method: 'other', amount: 500, description: 'gift voucher 77' };
    order.given(history).when(pay(1, tender)).then([{ type: 'PaymentAdded', data: { paymentId: payment(1), tender, drawerId: null } }]);
  });
  it('refuses a card payment above what is due', () => {
    order.given([...history, cashPaid(1, 1000)]).when(pay(2, { method: 'card', amount: 1501, processorReference: 'x' })).thenFails('PAYMENT_EXCEEDS_AMOUNT_DUE', 'invalid');
  });
  it('refuses any payment when nothing is due', () => {
    order.given([...history, cardPaid(1, 2500)]).when(pay(2, { method: 'cash', amount: 1 })).thenFails('NOTHING_DUE', 'conflict');
  });
  it('refuses a payment id already used', () => {
    order.given([...history, cashPaid(1, 100)]).when(pay(1, { method: 'cash', amount: 100 })).thenFails('PAYMENT_ALREADY_EXISTS', 'conflict');
  });
  it.each([0, -100, 10.5])('refuses amount %s', (amount) => {
    order.given(history).when(pay(1, { method: 'cash', amount })).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
  });
  it('refuses a card payment without a processor reference', () => {
    order.given(history).when(pay(1, { method: 'card', amount: 100, processorReference: '' })).thenFails('INVALID_TEXT', 'invalid');
  });
  it('refuses an other tender without a description', () => {
    order.given(history).when(pay(1, { method: 'other', amount: 100, description: '  ' })).thenFails('INVALID_TEXT', 'invalid');
  });
  it('refuses a payment on an order that does not exist', () => {
    order.given([]).when(pay(1, { method: 'cash', amount: 100 })).thenFails('ORDER_NOT_FOUND', 'not_found');
  });
});

describe('RemovePayment', () => {
  const remove = (n: number) => ({ type: 'RemovePayment' as const, data: { paymentId: payment(n) }, meta: asCashier });
  it('removes a payment while the order is open, and what is due grows back', () => {
    const state = order.given([...history, cashPaid(1, 1000)]).when(remove(1)).then([{ type: 'PaymentRemoved', data: { paymentId: payment(1) } }]);
    expect(state.status === 'open' && state.paid).toBe(0);
  });
  it('refuses an unknown payment', () => {
    order.given(history).when(remove(1)).thenFails('PAYMENT_NOT_FOUND', 'not_found');
  });
});
