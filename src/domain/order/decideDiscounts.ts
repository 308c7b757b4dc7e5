import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { sum, type Minor } from '../shared/money.js';
import { atLeast } from '../shared/roles.js';
import type { CommandMeta } from '../shared/command.js';
import type { ApplyDiscount, RemoveDiscount } from './commands.js';
import { findLine } from './decideLines.js';
import type { OrderErrorCode } from './errors.js';
import type { OrderEvent } from './events.js';
import { requireOpen } from './guards.js';
import type { AppliedDiscount, OrderState } from './state.js';
import { priceOrder, type Pricing } from './totals.js';
import { requireAmount, requireBasisPoints, requireText } from './validate.js';
import type { Actor, DiscountTarget } from './values.js';

/** All that is taken off the target, against what the target was worth before discounts of its kind. */
function shareOff(pricing: Pricing, target: DiscountTarget): { off: Minor; base: Minor } {
  if (target.kind === 'line') {
    const line = pricing.lines.filter((p) => p.lineId === target.lineId);
    return { off: sum(line.map((p) => p.lineDiscount)), base: sum(line.map((p) => p.base)) };
  }
  return {
    off: sum(pricing.lines.map((p) => p.orderDiscount)),
    base: sum(pricing.lines.map((p) => p.base - p.lineDiscount)),
  };
}

/**
 * Above the tenant's threshold (cumulative on the target, so splitting a discount does not
 * dodge it) a branch manager must give or approve the discount; the approver is recorded.
 */
function approver(meta: CommandMeta, approvedBy: Actor | null, off: Minor, base: Minor, thresholdBasisPoints: number): Actor | null {
  if (off * 10_000 <= base * thresholdBasisPoints) return null;
  if (atLeast(meta.actor.role, 'branch_manager')) return { userId: meta.actor.userId, role: meta.actor.role };
  if (approvedBy && atLeast(approvedBy.role, 'branch_manager')) return approvedBy;
  throw forbidden<OrderErrorCode>('DISCOUNT_REQUIRES_APPROVAL', 'A discount above the threshold needs a branch manager', {
    thresholdBasisPoints,
  });
}

export function applyDiscount({ data, meta }: ApplyDiscount, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (order.discounts.some((d) => d.discountId === data.discountId)) {
    throw conflict<OrderErrorCode>('DISCOUNT_ALREADY_EXISTS', 'A discount with this id is already applied', {
      discountId: data.discountId,
    });
  }
  if (data.target.kind === 'line') findLine(order, data.target.lineId);
  const reason = requireText(data.reason, 'reason', 200);
  const threshold = requireBasisPoints(data.approvalThresholdBasisPoints, 'approvalThresholdBasisPoints', 'INVALID_DISCOUNT');
  if (data.value.kind === 'percent') requireBasisPoints(data.value.basisPoints, 'value.basisPoints', 'INVALID_DISCOUNT', 1);
  const wanted = data.value.kind === 'amount' ? requireAmount(data.value.amount, 'value.amount', 1, Number.MAX_SAFE_INTEGER) : undefined;

  const candidate: AppliedDiscount = { discountId: data.discountId, target: data.target, value: data.value, reason, approvedBy: null };
  const pricing = priceOrder(order.lines, [...order.discounts, candidate], order.priceMode);
  // priceOrder prices every discount it is given, so the candidate always has an amount.
  const amount = pricing.discountAmounts.get(data.discountId) ?? /* v8 ignore next */ 0;
  if (wanted !== undefined && wanted > amount) {
    throw invalid<OrderErrorCode>('DISCOUNT_EXCEEDS_AMOUNT', 'A discount cannot take more than is left to discount', {
      wanted,
      available: amount,
    });
  }
  if (amount === 0) throw invalid<OrderErrorCode>('INVALID_DISCOUNT', 'The discount would take nothing off');

  const { off, base } = shareOff(pricing, data.target);
  const approvedBy = approver(meta, data.approvedBy, off, base, threshold);
  return [{ type: 'DiscountApplied', data: { discountId: data.discountId, target: data.target, value: data.value, reason, amount, approvedBy } }];
}

export function removeDiscount({ data }: RemoveDiscount, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (!order.discounts.some((d) => d.discountId === data.discountId)) {
    throw notFound<OrderErrorCode>('DISCOUNT_NOT_FOUND', 'No such discount on this order', { discountId: data.discountId });
  }
  return [{ type: 'DiscountRemoved', data: { discountId: data.discountId } }];
}
