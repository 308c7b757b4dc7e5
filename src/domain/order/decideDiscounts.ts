import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import type { Minor } from '../shared/money.js';
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
import type { Actor } from './values.js';

/**
 * The threshold bounds the sale, not one target (DOMAIN.md): every discount on it, line and
 * order ones, summed, against its gross, the lines' list prices × quantities before any discount
 * (tax-inclusive or exclusive as the tenant prices, the same terms the discounts are in). Measured
 * per target, a 10 % line discount and a 10 % order discount on what is left would take 19 % with
 * no one's approval.
 */
function saleShareOff(pricing: Pricing): { off: Minor; gross: Minor } {
  return { off: pricing.totals.discountTotal, gross: pricing.totals.subtotal };
}

/**
 * At or below the threshold anyone at the till may discount. A discount that leaves the sum above
 * it must be given or approved by a branch manager (or higher), who is recorded on it. That holds
 * for every such discount, also one on top of a sale a manager already took above the threshold:
 * an approval covers the discount it was given for, not whatever is added later (ADR 0006,
 * addendum). The check is made when the discount is applied; a line removed or re-quantified
 * later does not undo or re-check it.
 */
function approver(meta: CommandMeta, approvedBy: Actor | null, off: Minor, gross: Minor, thresholdBasisPoints: number): Actor | null {
  if (off * 10_000 <= gross * thresholdBasisPoints) return null;
  if (atLeast(meta.actor.role, 'branch_manager')) return { userId: meta.actor.userId, role: meta.actor.role };
  if (approvedBy && atLeast(approvedBy.role, 'branch_manager')) return approvedBy;
  throw forbidden<OrderErrorCode>('DISCOUNT_REQUIRES_APPROVAL', 'Discounts above the threshold of the sale need a branch manager', {
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

  const { off, gross } = saleShareOff(pricing);
  const approvedBy = approver(meta, data.approvedBy, off, gross, threshold);
  return [{ type: 'DiscountApplied', data: { discountId: data.discountId, target: data.target, value: data.value, reason, amount, approvedBy } }];
}

export function removeDiscount({ data }: RemoveDiscount, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (!order.discounts.some((d) => d.discountId === data.discountId)) {
    throw notFound<OrderErrorCode>('DISCOUNT_NOT_FOUND', 'No such discount on this order', { discountId: data.discountId });
  }
  return [{ type: 'DiscountRemoved', data: { discountId: data.discountId } }];
}
