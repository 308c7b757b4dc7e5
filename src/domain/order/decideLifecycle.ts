import { conflict, forbidden, invalid } from '../shared/errors.js';
import { isCurrencyCode, sum } from '../shared/money.js';
import { atLeast } from '../shared/roles.js';
import type { CompleteOrder, OpenOrder, VoidOrder } from './commands.js';
import type { OrderErrorCode } from './errors.js';
import type { OrderEvent } from './events.js';
import { requireOpen } from './guards.js';
import type { OrderState } from './state.js';
import { requireText } from './validate.js';

export function openOrder({ data, meta }: OpenOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'none') {
    throw conflict<OrderErrorCode>('ORDER_ALREADY_EXISTS', 'An order with this id already exists', { orderId: data.orderId });
  }
  if (!isCurrencyCode(data.currency)) {
    throw invalid<OrderErrorCode>('INVALID_CURRENCY', 'Unknown ISO 4217 currency', { currency: data.currency });
  }
  return [
    {
      type: 'OrderOpened',
      data: {
        orderId: data.orderId,
        tenantId: data.tenantId,
        branchId: data.branchId,
        deviceId: data.deviceId,
        cashierId: data.cashierId,
        currency: data.currency,
        priceMode: data.priceMode,
        at: meta.at,
      },
    },
  ];
}

/** Completed only when paid covers the total; change comes out of cash only. */
export function completeOrder({ meta }: CompleteOrder, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (order.lines.length === 0) throw conflict<OrderErrorCode>('ORDER_EMPTY', 'An order without lines cannot be completed');
  const { totals } = order.pricing;
  if (order.paid < totals.total) {
    throw conflict<OrderErrorCode>('ORDER_NOT_FULLY_PAID', 'The order is not fully paid', { total: totals.total, paid: order.paid });
  }
  const change = order.paid - totals.total;
  const cash = sum(order.payments.flatMap((p) => (p.tender.method === 'cash' ? [p.tender.amount] : [])));
  if (change > cash) {
    throw conflict<OrderErrorCode>('CHANGE_EXCEEDS_CASH', 'More was charged by card or other than is due; remove a payment', {
      change,
      cash,
    });
  }
  return [{ type: 'OrderCompleted', data: { at: meta.at, totals, paid: order.paid, change } }];
}

/** A cashier may void an order that is still empty; once it has lines or payments a manager must. */
export function voidOrder({ data, meta }: VoidOrder, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  const reason = requireText(data.reason, 'reason', 200);
  if ((order.lines.length > 0 || order.payments.length > 0) && !atLeast(meta.actor.role, 'branch_manager')) {
    throw forbidden<OrderErrorCode>('VOID_REQUIRES_MANAGER', 'A branch manager must void an order with lines or payments');
  }
  return [
    {
      type: 'OrderVoided',
      data: { at: meta.at, reason, voidedBy: { userId: meta.actor.userId, role: meta.actor.role }, paidToReturn: order.paid },
    },
  ];
}
