import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderState } from '../../../../src/domain/order/index.js';
import type { TenderMethod } from '../../../../src/domain/order/values.js';
import { fold } from '../../../../src/domain/shared/decider.js';
import { DomainError } from '../../../../src/domain/shared/errors.js';
import type { DiscountId, LineId, PaymentId, RefundId, TaxRateId } from '../../../../src/domain/shared/ids.js';
import type { PriceMode } from '../../../../src/domain/shared/tax.js';
import { asCashier, asManager, branchId, cashierId, deviceId, orderId, tenantId } from './fixtures.js';

/** A step of a random session at the till; indices pick among what the order holds at that moment. */
type Step =
  | { kind: 'addLine'; unitPrice: number; quantity: number; basisPoints: number }
  | { kind: 'changeQuantity'; index: number; quantity: number }
  | { kind: 'removeLine'; index: number }
  | { kind: 'discount'; index: number; onLine: boolean; percent: boolean; value: number; manager: boolean }
  | { kind: 'removeDiscount'; index: number }
  | { kind: 'pay'; method: TenderMethod; amount: number; exact: boolean }
  | { kind: 'removePayment'; index: number }
  | { kind: 'complete' }
  | { kind: 'void'; manager: boolean }
  | { kind: 'refund'; scope: 'whole' | 'lines' | 'amount'; index: number; quantity: number; amount: number; method: TenderMethod };

const method = fc.constantFrom<TenderMethod>('cash', 'card', 'other');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('addLine' as const), unitPrice: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2_000 })), quantity: fc.oneof(fc.integer({ min: 1, max: 9_999 }), fc.integer({ min: 1, max: 5 })), basisPoints: fc.constantFrom(0, 550, 700, 825, 1000, 1900, 2000, 2100, 10_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('changeQuantity' as const), index: fc.nat(), quantity: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeLine' as const), index: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('discount' as const), index: fc.nat(), onLine: fc.boolean(), percent: fc.boolean(), value: fc.integer({ min: 1, max: 10_000 }), manager: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeDiscount' as const), index: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), method, amount: fc.integer({ min: 1, max: 100_000_000 }), exact: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removePayment' as const), index: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'complete' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), manager: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), scope: fc.constantFrom<'whole' | 'lines' | 'amount'>('whole', 'lines', 'amount'), index: fc.nat(), quantity: fc.integer({ min: 1, max: 20 }), amount: fc.integer({ min: 1, max: 1_000_000 }), method }) },
);

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function toCommand(s: Step, state: OrderState, n: number): OrderCommand | undefined {
  const open = state.status === 'open' || state.status === 'completed' ? state : undefined;
  switch (s.kind) {
    case 'addLine':
      return { type: 'AddOrderLine', data: { lineId: `l${n}` as LineId, sku: `S${n}`, name: `Item ${n}`, unitPrice: s.unitPrice, quantity: s.quantity, taxRate: { taxRateId: `r${s.basisPoints}` as TaxRateId, basisPoints: s.basisPoints } }, meta: asCashier };
    case 'changeQuantity': {
      const line = pick(open?.lines ?? [], s.index);
      return line && { type: 'ChangeLineQuantity', data: { lineId: line.lineId, quantity: s.quantity }, meta: asCashier };
    }
    case 'removeLine': {
      const line = pick(open?.lines ?? [], s.index);
      return line && { type: 'RemoveOrderLine', data: { lineId: line.lineId }, meta: asCashier };
    }
    case 'discount': {
      const line = pick(open?.lines ?? [], s.index);
      const target = s.onLine && line ? { kind: 'line' as const, lineId: line.lineId } : { kind: 'order' as const };
      const value = s.percent ? { kind: 'percent' as const, basisPoints: s.value } : { kind: 'amount' as const, amount: s.value };
      return { type: 'ApplyDiscount', data: { discountId: `d${n}` as DiscountId, target, value, reason: 'promo', approvalThresholdBasisPoints: 1500, approvedBy: null }, meta: s.manager ? asManager : asCashier };
    }
    case 'removeDiscount': {
      const discount = pick(state.status === 'open' ? state.discounts : [], s.index);
      return discount && { type: 'RemoveDiscount', data: { discountId: discount.discountId }, meta: asCashier };
    }
    case 'pay': {
      const due = state.status === 'open' ? state.pricing.totals.total - state.paid : 1;
      const amount = s.exact && due > 0 ? due : s.amount;
      const tender = s.method === 'cash' ? { method: 'cash' as const, amount } : s.method === 'card' ? { method: 'card' as const, amount, processorReference: `auth${n}` } : { method: 'other' as const, amount, description: 'voucher' };
      return { type: 'AddPayment', data: { paymentId: `p${n}` as PaymentId, tender, drawerId: null }, meta: asCashier };
    }
    case 'removePayment': {
      const payment = pick(state.status === 'open' ? state.payments : [], s.index);
      return payment && { type: 'RemovePayment', data: { paymentId: payment.paymentId }, meta: asCashier };
    }
    case 'complete':
      return { type: 'CompleteOrder', data: {}, meta: asCashier };
    case 'void':
      return { type: 'VoidOrder', data: { reason: 'changed mind' }, meta: s.manager ? asManager : asCashier };
    case 'refund': {
      const line = pick(open?.lines ?? [], s.index);
      const scope =
        s.scope === 'whole' ? { kind: 'whole' as const }
        : s.scope === 'amount' || !line ? { kind: 'amount' as const, amount: s.amount }
        : { kind: 'lines' as const, lines: [{ lineId: line.lineId, quantity: s.quantity }] };
      return { type: 'RefundOrder', data: { refundId: `f${n}` as RefundId, scope, method: s.method, reason: 'returned', drawerId: null }, meta: asManager };
    }
  }
}

/** Plays a session: refused commands change nothing; anything but a DomainError is a bug. */
function play(priceMode: PriceMode, steps: readonly Step[]): { events: OrderEvent[]; state: OrderState } {
  let state = orderDecider.evolve(orderDecider.initialState, {
    type: 'OrderOpened',
    data: { orderId, tenantId, branchId, deviceId, cashierId, currency: 'EUR', priceMode, at: asCashier.at },
  });
  const events: OrderEvent[] = [{ type: 'OrderOpened', data: { orderId, tenantId, branchId, deviceId, cashierId, currency: 'EUR', priceMode, at: asCashier.at } }];
  steps.forEach((s, n) => {
    const command = toCommand(s, state, n);
    if (!command) return;
    try {
      for (const event of orderDecider.decide(command, state)) {
        events.push(event);
        state = orderDecider.evolve(state, event);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  });
  return { events, state };
}

function numbersIn(value: unknown, path = '$', found: { path: string; value: number }[] = []): { path: string; value: number }[] {
  if (typeof value === 'number') found.push({ path, value });
  else if (value instanceof Map) for (const [k, v] of value) numbersIn(v, `${path}.${String(k)}`, found);
  else if (Array.isArray(value)) value.forEach((v, i) => numbersIn(v, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, found);
  return found;
}

const addLine = step.filter((s) => s.kind === 'addLine');
const payDue = fc.record({ kind: fc.constant('pay' as const), method, amount: fc.integer({ min: 1, max: 100_000 }), exact: fc.boolean() });
const refundStep = step.filter((s) => s.kind === 'refund');
/** A till session: ring up lines, fiddle, pay, usually complete, maybe refund, then try anything. */
const session = fc
  .tuple(
    fc.constantFrom<PriceMode>('inclusive', 'exclusive'),
    fc.array(addLine, { minLength: 1, maxLength: 8 }),
    fc.array(step.filter((s) => s.kind !== 'void' && s.kind !== 'complete'), { maxLength: 12 }),
    fc.array(payDue, { minLength: 1, maxLength: 4 }),
    fc.array(fc.constant({ kind: 'pay' as const, method: 'cash' as const, amount: 1, exact: true }), { maxLength: 1 }),
    fc.array(fc.constant({ kind: 'complete' as const }), { minLength: 0, maxLength: 1 }),
    fc.array(refundStep, { maxLength: 6 }),
    fc.array(step, { maxLength: 6 }),
  )
  .map(([mode, lines, fiddle, pay, settle, complete, refunds, anything]): [PriceMode, Step[]] => [
    mode,
    [...lines, ...fiddle, ...pay, ...settle, ...complete, ...refunds, ...anything],
  ]);
const runs = { numRuns: 400 };

describe('order properties over random till sessions', () => {
  it('no amount anywhere in events or state is a binary fraction', () => {
    fc.assert(
      fc.property(session, ([mode, steps]) => {
        const { events, state } = play(mode, steps);
        const notWhole = numbersIn({ events, state }).filter((n) => !Number.isSafeInteger(n.value));
        expect(notWhole).toEqual([]);
      }),
      runs,
    );
  });

  it('totals add up, for inclusive and exclusive prices, with tax rounded per line', () => {
    fc.assert(
      fc.property(session, ([mode, steps]) => {
        const { state } = play(mode, steps);
        if (state.status === 'none') return;
        const { totals, lines } = state.pricing;
        expect(totals.total).toBe(totals.net + totals.tax);
        expect(totals.total).toBe(mode === 'inclusive' ? totals.subtotal - totals.discountTotal : totals.subtotal - totals.discountTotal + totals.tax);
        expect(totals.taxes.reduce((a, t) => a + t.tax, 0)).toBe(totals.tax);
        expect(totals.taxes.reduce((a, t) => a + t.net, 0)).toBe(totals.net);
        for (const priced of lines) {
          const line = state.lines.find((l) => l.lineId === priced.lineId);
          expect(priced.amount).toBeGreaterThanOrEqual(0);
          const bps = line?.taxBasisPoints ?? 0;
          // Per-line rounding is to the nearest minor unit: at most half a unit off the exact tax.
          const exactTimesDenominator = priced.amount * bps;
          const denominator = mode === 'inclusive' ? 10_000 + bps : 10_000;
          expect(Math.abs(priced.tax * denominator - exactTimesDenominator)).toBeLessThanOrEqual(denominator / 2);
        }
      }),
      runs,
    );
  });

  it('a completed order has paid minus change equal to the total, and refunds never exceed it', () => {
    fc.assert(
      fc.property(session, ([mode, steps]) => {
        const { state, events } = play(mode, steps);
        if (state.status !== 'completed') return;
        expect(state.paid - state.change).toBe(state.pricing.totals.total);
        expect(state.change).toBeGreaterThanOrEqual(0);
        expect(state.refunded).toBeLessThanOrEqual(state.paid - state.change);
        const completed = events.find((e) => e.type === 'OrderCompleted');
        expect(completed?.type === 'OrderCompleted' && completed.data.totals).toEqual(state.pricing.totals);
      }),
      runs,
    );
  });

  it('state rebuilt from the events equals the state built while deciding', () => {
    fc.assert(
      fc.property(session, ([mode, steps]) => {
        const { state, events } = play(mode, steps);
        expect(fold(orderDecider, events)).toEqual(state);
      }),
      runs,
    );
  });
});
