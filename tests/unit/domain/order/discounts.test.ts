import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../../../src/domain/order/index.js';
import type { DiscountTarget, DiscountValue } from '../../../../src/domain/order/values.js';
import type { UserId } from '../../../../src/domain/shared/ids.js';
import { spec } from '../../../support/decider.js';
import { asCashier, asManager, discount, line, lineAdded, opened } from './fixtures.js';

const order = spec(orderDecider);
const onOrder: DiscountTarget = { kind: 'order' };
const onLine = (n: number): DiscountTarget => ({ kind: 'line', lineId: line(n) });
const percent = (basisPoints: number): DiscountValue => ({ kind: 'percent', basisPoints });
const amount = (value: number): DiscountValue => ({ kind: 'amount', amount: value });
const manager = { userId: 'user-manager' as UserId, role: 'branch_manager' as const };

function apply(n: number, target: DiscountTarget, value: DiscountValue, extra: Record<string, unknown> = {}, meta = asCashier) {
  return {
    type: 'ApplyDiscount' as const,
    data: { discountId: discount(n), target, value, reason: 'loyal customer', approvalThresholdBasisPoints: 1000, approvedBy: null, ...extra },
    meta,
  };
}
function applied(n: number, target: DiscountTarget, value: DiscountValue, off: number, approvedBy: typeof manager | null = null) {
  return { type: 'DiscountApplied' as const, data: { discountId: discount(n), target, value, reason: 'loyal customer', amount: off, approvedBy } };
}

describe('ApplyDiscount', () => {
  const history = [opened(), lineAdded(1, 1000, 2), lineAdded(2, 500)];

  it('takes a percentage off one line, within the threshold, from a cashier', () => {
    order.given(history).when(apply(1, onLine(1), percent(1000))).then([applied(1, onLine(1), percent(1000), 200)]);
  });
  it('takes an amount off the whole order', () => {
    order.given(history).when(apply(1, onOrder, amount(250))).then([applied(1, onOrder, amount(250), 250)]);
  });
  it('records the acting manager when above the threshold', () => {
    order.given(history).when(apply(1, onOrder, percent(5000), {}, asManager)).then([applied(1, onOrder, percent(5000), 1250, manager)]);
  });
  it('records the approving manager when a cashier goes above the threshold', () => {
    order.given(history).when(apply(1, onLine(2), amount(400), { approvedBy: manager })).then([applied(1, onLine(2), amount(400), 400, manager)]);
  });
  it('refuses a cashier above the threshold without approval', () => {
    order.given(history).when(apply(1, onOrder, percent(2000))).thenFails('DISCOUNT_REQUIRES_APPROVAL', 'forbidden');
  });
  it('refuses an approval by someone who is not a manager', () => {
    const cashier = { userId: 'user-2' as UserId, role: 'cashier' as const };
    order.given(history).when(apply(1, onOrder, percent(2000), { approvedBy: cashier })).thenFails('DISCOUNT_REQUIRES_APPROVAL');
  });
  it('counts earlier discounts on the same target against the threshold', () => {
    order
      .given([...history, applied(1, onLine(1), percent(800), 160)])
      .when(apply(2, onLine(1), percent(800)))
      .thenFails('DISCOUNT_REQUIRES_APPROVAL', 'forbidden');
  });
  it('refuses an amount above what is left to discount', () => {
    order.given(history).when(apply(1, onLine(2), amount(501), {}, asManager)).thenFails('DISCOUNT_EXCEEDS_AMOUNT', 'invalid');
  });
  it('refuses a discount that takes nothing off', () => {
    order.given([opened(), lineAdded(1, 0)]).when(apply(1, onLine(1), percent(1000))).thenFails('INVALID_DISCOUNT', 'invalid');
  });
  it.each([
    [percent(0)],
    [percent(10_001)],
    [percent(12.5)],
  ])('refuses a malformed percentage %o', (value) => {
    order.given(history).when(apply(1, onOrder, value)).thenFails('INVALID_DISCOUNT', 'invalid');
  });
  it.each([[amount(0)], [amount(-5)], [amount(1.5)]])('refuses a malformed amount %o', (value) => {
    order.given(history).when(apply(1, onOrder, value)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
  });
  it('refuses a malformed threshold', () => {
    order.given(history).when(apply(1, onOrder, amount(1), { approvalThresholdBasisPoints: -1 })).thenFails('INVALID_DISCOUNT');
  });
  it('refuses a discount on an unknown line', () => {
    order.given(history).when(apply(1, onLine(9), amount(1))).thenFails('LINE_NOT_FOUND', 'not_found');
  });
  it('refuses a discount id already applied', () => {
    order.given([...history, applied(1, onOrder, amount(10), 10)]).when(apply(1, onOrder, amount(10))).thenFails('DISCOUNT_ALREADY_EXISTS', 'conflict');
  });
  it('refuses a discount without a reason', () => {
    order.given(history).when(apply(1, onOrder, amount(10), { reason: ' ' })).thenFails('INVALID_TEXT', 'invalid');
  });
  it('refuses a discount on an order that does not exist', () => {
    order.given([]).when(apply(1, onOrder, amount(10))).thenFails('ORDER_NOT_FOUND');
  });
});

/**
 * The threshold bounds the whole sale (DOMAIN.md): every discount on it, line and order ones,
 * summed, against its gross (the lines' list prices × quantities before any discount, as the
 * tenant prices them). At or below it a cashier may discount; a discount that leaves the sum
 * above it needs a manager, even when earlier discounts were approved (ADR 0006, addendum).
 */
describe('ApplyDiscount: the threshold bounds the sale, all discounts summed', () => {
  // Gross 2 500: a 10 % threshold lets a cashier take 250 off the sale in all.
  const history = [opened(), lineAdded(1, 1000, 2), lineAdded(2, 500)];
  const lineTenPercent = applied(1, onLine(1), percent(1000), 200);

  it('refuses a cashier an order discount stacked on a line discount above the threshold together', () => {
    // 10 % of line 1 (200) and 10 % of what is left (230): 430 of 2 500, 17.2 %.
    order.given([...history, lineTenPercent]).when(apply(2, onOrder, percent(1000))).thenFails('DISCOUNT_REQUIRES_APPROVAL', 'forbidden');
  });
  it('refuses a cashier a line discount stacked on an order discount above the threshold together', () => {
    order
      .given([...history, applied(1, onOrder, percent(1000), 250)])
      .when(apply(2, onLine(2), percent(1000)))
      .thenFails('DISCOUNT_REQUIRES_APPROVAL', 'forbidden');
  });
  it('lets a cashier give each line the threshold: 10 % of every line is 10 % of the sale', () => {
    order.given([...history, lineTenPercent]).when(apply(2, onLine(2), percent(1000))).then([applied(2, onLine(2), percent(1000), 50)]);
  });
  it('lets the acting manager stack them, and records the manager on the discount that crossed', () => {
    order
      .given([...history, lineTenPercent])
      .when(apply(2, onOrder, percent(1000), {}, asManager))
      .then([applied(2, onOrder, percent(1000), 230, manager)]);
  });
  it('records the approving manager a cashier brings for the stacked discount', () => {
    order
      .given([...history, lineTenPercent])
      .when(apply(2, onOrder, percent(1000), { approvedBy: manager }))
      .then([applied(2, onOrder, percent(1000), 230, manager)]);
  });
  it('lets a cashier stack discounts up to the threshold exactly, with no approver', () => {
    order
      .given([...history, applied(1, onLine(1), amount(100), 100)])
      .when(apply(2, onOrder, amount(150)))
      .then([applied(2, onOrder, amount(150), 150)]);
  });
  it('refuses the cashier one minor unit above the threshold', () => {
    order.given([...history, applied(1, onLine(1), amount(100), 100)]).when(apply(2, onOrder, amount(151))).thenFails('DISCOUNT_REQUIRES_APPROVAL');
  });
  it('needs approval again for a small discount on a sale a manager already took above the threshold', () => {
    // The manager approved 20 % (500 off); a cashier's 1 more would go unapproved on top.
    const approved = [...history, applied(1, onOrder, percent(2000), 500, manager)];
    order.given(approved).when(apply(2, onLine(2), amount(1))).thenFails('DISCOUNT_REQUIRES_APPROVAL', 'forbidden');
    order.given(approved).when(apply(2, onLine(2), amount(1), {}, asManager)).then([applied(2, onLine(2), amount(1), 1, manager)]);
  });
  it('counts what discounts take now: once the approved one is removed the cashier has the threshold again', () => {
    order
      .given([...history, applied(1, onOrder, percent(2000), 500, manager), { type: 'DiscountRemoved', data: { discountId: discount(1) } }])
      .when(apply(2, onOrder, percent(1000)))
      .then([applied(2, onOrder, percent(1000), 250)]);
  });
  it('measures against the gross before tax when the tenant prices tax-exclusive', () => {
    // 1 000 net, 1 200 with tax: the cashier may take 100, not 120.
    const exclusive = [opened('exclusive'), lineAdded(1, 1000)];
    order.given(exclusive).when(apply(1, onOrder, amount(100))).then([applied(1, onOrder, amount(100), 100)]);
    order.given(exclusive).when(apply(1, onOrder, amount(101))).thenFails('DISCOUNT_REQUIRES_APPROVAL');
  });
  it('takes the threshold the application passes, e.g. none at all: every discount needs a manager', () => {
    order.given(history).when(apply(1, onLine(2), amount(1), { approvalThresholdBasisPoints: 0 })).thenFails('DISCOUNT_REQUIRES_APPROVAL');
  });
  it('approves a discount when it is applied: a line removed later does not undo or recheck it', () => {
    // 250 off the order is 10 % of 2 500; without line 2 it is 250 of 2 000, 12.5 %, and stays.
    const { state } = order.given([...history, applied(1, onOrder, amount(250), 250), { type: 'OrderLineRemoved', data: { lineId: line(2) } }]);
    expect(state.status === 'open' && state.pricing.totals).toMatchObject({ subtotal: 2000, discountTotal: 250 });
    // Any further discount by the cashier is measured against the sale as it is now.
    order
      .given([...history, applied(1, onOrder, amount(250), 250), { type: 'OrderLineRemoved', data: { lineId: line(2) } }])
      .when(apply(2, onLine(1), amount(1)))
      .thenFails('DISCOUNT_REQUIRES_APPROVAL');
  });
});

describe('RemoveDiscount', () => {
  const remove = (n: number) => ({ type: 'RemoveDiscount' as const, data: { discountId: discount(n) }, meta: asCashier });
  it('removes a discount', () => {
    order
      .given([opened(), lineAdded(1, 100), applied(1, onOrder, amount(10), 10)])
      .when(remove(1))
      .then([{ type: 'DiscountRemoved', data: { discountId: discount(1) } }]);
  });
  it('refuses an unknown discount', () => {
    order.given([opened(), lineAdded(1, 100)]).when(remove(1)).thenFails('DISCOUNT_NOT_FOUND', 'not_found');
  });
  it("drops a line's discounts with the line", () => {
    const { state } = order.given([
      opened(), lineAdded(1, 100), lineAdded(2, 100), applied(1, onLine(1), amount(10), 10),
      { type: 'OrderLineRemoved', data: { lineId: line(1) } },
    ]);
    expect(state.status === 'open' && state.discounts).toEqual([]);
  });
});
