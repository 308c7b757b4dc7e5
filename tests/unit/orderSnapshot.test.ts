import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/domain/order/index.js';
import { orderDecider } from '../../src/domain/order/index.js';
import { foldOrder, pricingOf, type SnapshotOrNone } from '../../src/projections/shared/orderSnapshot.js';

const events = [
  { type: 'OrderOpened', data: { orderId: 'o1', tenantId: 't1', branchId: 'b1', deviceId: 'd1', cashierId: 'e1', currency: 'EUR', priceMode: 'exclusive', at: '2026-11-02T09:00:00.000Z' } },
  { type: 'OrderLineAdded', data: { lineId: 'l1', sku: 'A', name: 'Apple', unitPrice: 333, quantity: 3, taxRateId: 'std', taxBasisPoints: 1900 } },
  { type: 'OrderLineAdded', data: { lineId: 'l2', sku: 'B', name: 'Bread', unitPrice: 250, quantity: 1, taxRateId: 'red', taxBasisPoints: 700 } },
  { type: 'DiscountApplied', data: { discountId: 'x1', target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 500 }, reason: 'loyal', amount: 62, approvedBy: null } },
] as unknown as readonly OrderEvent[];

describe('order snapshots', () => {
  it('survive a JSON round trip between folds and price exactly as the aggregate', () => {
    let snapshot: SnapshotOrNone | undefined;
    for (const event of events) snapshot = JSON.parse(JSON.stringify(foldOrder(snapshot, event))) as SnapshotOrNone;
    const state = events.reduce(orderDecider.evolve, orderDecider.initialState);
    if (!snapshot || snapshot.status === 'none' || state.status === 'none') throw new Error('no order');
    expect(pricingOf(snapshot)).toEqual(state.pricing);
    expect(pricingOf(snapshot).totals.total).toBe(state.pricing.totals.total);
    expect(snapshot).not.toHaveProperty('pricing');
  });
});
