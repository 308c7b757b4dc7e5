import { unreachable } from '../shared/decider.js';
import type { OrderCommand } from './commands.js';
import { addPayment, removePayment } from './decidePayments.js';
import { applyDiscount, removeDiscount } from './decideDiscounts.js';
import { completeOrder, openOrder, voidOrder } from './decideLifecycle.js';
import { addLine, changeQuantity, removeLine } from './decideLines.js';
import { refundOrder } from './decideRefund.js';
import type { OrderEvent } from './events.js';
import type { OrderState } from './state.js';

export function decide(command: OrderCommand, state: OrderState): readonly OrderEvent[] {
  switch (command.type) {
    case 'OpenOrder':
      return openOrder(command, state);
    case 'AddOrderLine':
      return addLine(command, state);
    case 'ChangeLineQuantity':
      return changeQuantity(command, state);
    case 'RemoveOrderLine':
      return removeLine(command, state);
    case 'ApplyDiscount':
      return applyDiscount(command, state);
    case 'RemoveDiscount':
      return removeDiscount(command, state);
    case 'AddPayment':
      return addPayment(command, state);
    case 'RemovePayment':
      return removePayment(command, state);
    case 'CompleteOrder':
      return completeOrder(command, state);
    case 'VoidOrder':
      return voidOrder(command, state);
    case 'RefundOrder':
      return refundOrder(command, state);
    default:
      return unreachable(command);
  }
}
