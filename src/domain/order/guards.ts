import { conflict, notFound } from '../shared/errors.js';
import type { OrderErrorCode } from './errors.js';
import type { CompletedOrder, OpenOrder, OrderState } from './state.js';

/** Lines, discounts and payments change only while the order is open; once completed it is immutable. */
export function requireOpen(state: OrderState): OpenOrder {
  switch (state.status) {
    case 'open':
      return state;
    case 'none':
      throw notFound<OrderErrorCode>('ORDER_NOT_FOUND', 'No such order');
    case 'completed':
      throw conflict<OrderErrorCode>('ORDER_ALREADY_COMPLETED', 'The order is completed and can no longer change');
    case 'voided':
      throw conflict<OrderErrorCode>('ORDER_VOIDED', 'The order was voided');
  }
}

export function requireCompleted(state: OrderState): CompletedOrder {
  switch (state.status) {
    case 'completed':
      return state;
    case 'none':
      throw notFound<OrderErrorCode>('ORDER_NOT_FOUND', 'No such order');
    case 'open':
      throw conflict<OrderErrorCode>('ORDER_NOT_COMPLETED', 'Only a completed order can be refunded; void an open one');
    case 'voided':
      throw conflict<OrderErrorCode>('ORDER_VOIDED', 'The order was voided');
  }
}
