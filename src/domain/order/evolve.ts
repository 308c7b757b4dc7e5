import type { OrderEvent } from './events.js';
import type { AppliedDiscount, CompletedOrder, Line, OpenOrder, OrderState, Payment } from './state.js';
import { priceOrder } from './totals.js';

/**
 * Recomputes what is derived (pricing, paid) whenever lines, discounts or payments change. A
 * payment leaves lines and discounts as they were, so their pricing is kept, not recomputed:
 * folding a long stream reprices only on the events that change it.
 */
function withContents(
  order: OpenOrder,
  lines: readonly Line[],
  discounts: readonly AppliedDiscount[],
  payments: readonly Payment[],
): OpenOrder {
  return {
    ...order,
    lines,
    discounts,
    payments,
    pricing: lines === order.lines && discounts === order.discounts ? order.pricing : priceOrder(lines, discounts, order.priceMode),
    paid: payments.reduce((total, p) => total + p.tender.amount, 0),
  };
}

function evolveOpen(order: OpenOrder, event: OrderEvent): OrderState {
  const { lines, discounts, payments } = order;
  switch (event.type) {
    case 'OrderLineAdded':
      return withContents(order, [...lines, event.data], discounts, payments);
    case 'OrderLineQuantityChanged':
      return withContents(
        order,
        lines.map((l) => (l.lineId === event.data.lineId ? { ...l, quantity: event.data.quantity } : l)),
        discounts,
        payments,
      );
    case 'OrderLineRemoved':
      return withContents(
        order,
        lines.filter((l) => l.lineId !== event.data.lineId),
        // A line's own discounts go with it.
        discounts.filter((d) => d.target.kind !== 'line' || d.target.lineId !== event.data.lineId),
        payments,
      );
    case 'DiscountApplied': {
      const { discountId, target, value, reason, approvedBy } = event.data;
      return withContents(order, lines, [...discounts, { discountId, target, value, reason, approvedBy }], payments);
    }
    case 'DiscountRemoved':
      return withContents(order, lines, discounts.filter((d) => d.discountId !== event.data.discountId), payments);
    case 'PaymentAdded':
      return withContents(order, lines, discounts, [...payments, event.data]);
    case 'PaymentRemoved':
      return withContents(order, lines, discounts, payments.filter((p) => p.paymentId !== event.data.paymentId));
    case 'OrderCompleted':
      return { ...order, status: 'completed', completedAt: event.data.at, change: event.data.change, refunds: [], refunded: 0 };
    case 'OrderVoided':
      return { ...order, status: 'voided', voidedAt: event.data.at, reason: event.data.reason };
    default:
      return order;
  }
}

function evolveCompleted(order: CompletedOrder, event: OrderEvent): OrderState {
  if (event.type !== 'OrderRefunded') return order;
  const { refundId, amount, method, lines } = event.data;
  return { ...order, refunds: [...order.refunds, { refundId, amount, method, lines }], refunded: order.refunded + amount };
}

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (state.status) {
    case 'none':
      if (event.type !== 'OrderOpened') return state;
      return {
        status: 'open',
        ...event.data,
        openedAt: event.data.at,
        lines: [],
        discounts: [],
        payments: [],
        pricing: priceOrder([], [], event.data.priceMode),
        paid: 0,
      };
    case 'open':
      return evolveOpen(state, event);
    case 'completed':
      return evolveCompleted(state, event);
    case 'voided':
      return state;
  }
}
