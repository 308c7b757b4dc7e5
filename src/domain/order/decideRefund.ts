import { conflict, forbidden, invalid } from '../shared/errors.js';
import type { LineId } from '../shared/ids.js';
import { divideRoundHalfAwayFromZero, sum, type Minor } from '../shared/money.js';
import { atLeast } from '../shared/roles.js';
import type { RefundOrder, RefundScope } from './commands.js';
import type { OrderErrorCode } from './errors.js';
import type { OrderEvent } from './events.js';
import { requireCompleted } from './guards.js';
import type { CompletedOrder, OrderState } from './state.js';
import { requireAmount, requireQuantity, requireText } from './validate.js';
import type { RefundLine, TenderMethod } from './values.js';

type LineRefundable = { quantity: number; amount: Minor; gross: Minor; sold: number };

/** Per line: units and money not yet refunded. */
function refundableLines(order: CompletedOrder): Map<LineId, LineRefundable> {
  const result = new Map<LineId, LineRefundable>();
  for (const line of order.pricing.lines) {
    const refunded = order.refunds.flatMap((r) => r.lines).filter((r) => r.lineId === line.lineId);
    result.set(line.lineId, {
      quantity: line.quantity - sum(refunded.map((r) => r.quantity)),
      amount: line.gross - sum(refunded.map((r) => r.amount)),
      gross: line.gross,
      sold: line.quantity,
    });
  }
  return result;
}

/** The last units of a line take exactly what is left of it, so rounding never drifts. */
function lineAmount(line: LineRefundable, quantity: number): Minor {
  return quantity === line.quantity ? line.amount : Math.min(line.amount, divideRoundHalfAwayFromZero(line.gross * quantity, line.sold));
}

function refundLines(order: CompletedOrder, scope: RefundScope, refundable: Minor): { amount: Minor; lines: RefundLine[] } {
  const available = refundableLines(order);
  switch (scope.kind) {
    case 'amount':
      return { amount: requireAmount(scope.amount, 'scope.amount', 1, Number.MAX_SAFE_INTEGER), lines: [] };
    case 'lines': {
      if (scope.lines.length === 0) throw invalid<OrderErrorCode>('NOTHING_TO_REFUND', 'Name at least one line to refund');
      const seen = new Set<LineId>();
      const lines = scope.lines.map(({ lineId, quantity }): RefundLine => {
        const line = available.get(lineId);
        if (!line || seen.has(lineId)) {
          throw invalid<OrderErrorCode>('LINE_NOT_FOUND', 'Each refunded line must be a line of this order, named once', { lineId });
        }
        seen.add(lineId);
        if (requireQuantity(quantity) > line.quantity) {
          throw invalid<OrderErrorCode>('REFUND_EXCEEDS_REFUNDABLE', 'More units than are left to refund on this line', {
            lineId,
            refundable: line.quantity,
          });
        }
        return { lineId, quantity, amount: lineAmount(line, quantity) };
      });
      return { amount: sum(lines.map((l) => l.amount)), lines };
    }
    case 'whole': {
      const lines = [...available.entries()]
        .filter(([, line]) => line.quantity > 0)
        .map(([lineId, line]): RefundLine => ({ lineId, quantity: line.quantity, amount: line.amount }));
      // Earlier amount-only refunds are not tied to lines: the last line gives them back.
      const excess = sum(lines.map((l) => l.amount)) - refundable;
      const last = lines.at(-1);
      if (last && excess !== 0) lines[lines.length - 1] = { ...last, amount: Math.max(0, last.amount - excess) };
      return { amount: refundable, lines };
    }
  }
}

function paidBy(order: CompletedOrder, method: TenderMethod): Minor {
  return sum(order.payments.flatMap((p) => (p.tender.method === method ? [p.tender.amount] : [])));
}

/**
 * Refunds after completion, by a manager: never more than is left of what was paid, and never
 * more to a card or other tender than was taken by it; cash can always take a refund.
 */
export function refundOrder({ data, meta }: RefundOrder, state: OrderState): OrderEvent[] {
  const order = requireCompleted(state);
  if (!atLeast(meta.actor.role, 'branch_manager')) {
    throw forbidden<OrderErrorCode>('REFUND_REQUIRES_MANAGER', 'Refunds are given by a branch manager');
  }
  if (order.refunds.some((r) => r.refundId === data.refundId)) {
    throw conflict<OrderErrorCode>('REFUND_ALREADY_EXISTS', 'A refund with this id was already given', { refundId: data.refundId });
  }
  const reason = requireText(data.reason, 'reason', 200);
  const refundable = order.pricing.totals.total - order.refunded;
  if (refundable <= 0) throw conflict<OrderErrorCode>('NOTHING_TO_REFUND', 'Everything paid has been refunded');

  const { amount, lines } = refundLines(order, data.scope, refundable);
  if (amount > refundable) {
    throw invalid<OrderErrorCode>('REFUND_EXCEEDS_REFUNDABLE', 'The refund exceeds what is left of the amount paid', { amount, refundable });
  }
  if (data.method !== 'cash') {
    const left = paidBy(order, data.method) - sum(order.refunds.filter((r) => r.method === data.method).map((r) => r.amount));
    if (amount > left) {
      throw invalid<OrderErrorCode>('REFUND_EXCEEDS_TENDER', `Only ${left} can go back to ${data.method}`, { amount, refundableToTender: left });
    }
  }
  return [
    {
      type: 'OrderRefunded',
      data: {
        refundId: data.refundId,
        at: meta.at,
        amount,
        method: data.method,
        lines,
        reason,
        refundedBy: { userId: meta.actor.userId, role: meta.actor.role },
        drawerId: data.drawerId,
      },
    },
  ];
}
