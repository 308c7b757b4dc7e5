import { conflict, invalid, notFound } from '../shared/errors.js';
import type { AddPayment, RemovePayment } from './commands.js';
import type { OrderErrorCode } from './errors.js';
import type { OrderEvent } from './events.js';
import { requireOpen } from './guards.js';
import type { OrderState } from './state.js';
import { LIMITS, requireAmount, requireText } from './validate.js';
import type { Tender } from './values.js';

function validTender(tender: Tender): Tender {
  const amount = requireAmount(tender.amount, 'tender.amount', 1, LIMITS.maxTender);
  switch (tender.method) {
    case 'cash':
      return { method: 'cash', amount };
    case 'card':
      return { method: 'card', amount, processorReference: requireText(tender.processorReference, 'processorReference', 128) };
    case 'other':
      return { method: 'other', amount, description: requireText(tender.description, 'description', 200) };
  }
}

/**
 * Partial tenders are fine. Cash may exceed what is due (change is given at completion);
 * a card or other tender is charged, so it may not exceed what is due.
 */
export function addPayment({ data }: AddPayment, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (order.payments.some((p) => p.paymentId === data.paymentId)) {
    throw conflict<OrderErrorCode>('PAYMENT_ALREADY_EXISTS', 'A payment with this id is already on the order', {
      paymentId: data.paymentId,
    });
  }
  const tender = validTender(data.tender);
  const due = order.pricing.totals.total - order.paid;
  if (due <= 0) throw conflict<OrderErrorCode>('NOTHING_DUE', 'Nothing is left to pay on this order', { due: Math.max(due, 0) });
  if (tender.method !== 'cash' && tender.amount > due) {
    throw invalid<OrderErrorCode>('PAYMENT_EXCEEDS_AMOUNT_DUE', `A ${tender.method} payment cannot exceed the amount due`, {
      due,
      amount: tender.amount,
    });
  }
  return [{ type: 'PaymentAdded', data: { paymentId: data.paymentId, tender, drawerId: data.drawerId } }];
}

export function removePayment({ data }: RemovePayment, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (!order.payments.some((p) => p.paymentId === data.paymentId)) {
    throw notFound<OrderErrorCode>('PAYMENT_NOT_FOUND', 'No such payment on this order', { paymentId: data.paymentId });
  }
  return [{ type: 'PaymentRemoved', data: { paymentId: data.paymentId } }];
}
