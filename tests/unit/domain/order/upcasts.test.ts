import { describe, expect, it } from 'vitest';
import { ORDER_EVENT_VERSIONS, upcastOrderEvent } from '../../../../src/domain/order/index.js';

describe('order event upcasting', () => {
  it('reads OrderLineAdded v1 (unitPrice as money object) as v2 (minor units)', () => {
    const v1 = { lineId: 'l1', sku: 'S', name: 'Tea', unitPrice: { amount: 350, currency: 'EUR' }, quantity: 2, taxRateId: 'std', taxBasisPoints: 700 };
    expect(ORDER_EVENT_VERSIONS.OrderLineAdded).toBe(2);
    expect(upcastOrderEvent('OrderLineAdded', 1, v1)).toEqual({ lineId: 'l1', sku: 'S', name: 'Tea', unitPrice: 350, quantity: 2, taxRateId: 'std', taxBasisPoints: 700 });
  });
  it('leaves current versions and unknown types alone', () => {
    const data = { lineId: 'l1', unitPrice: 350 };
    expect(upcastOrderEvent('OrderLineAdded', 2, data)).toBe(data);
    expect(upcastOrderEvent('SomethingElse', 1, data)).toBe(data);
  });
  it('refuses a version newer than the code, and a gap in the upcast chain', () => {
    expect(() => upcastOrderEvent('OrderLineAdded', 3, {})).toThrow(/newer/);
    expect(() => upcastOrderEvent('OrderOpened', 0, {})).toThrow(/No upcast/);
  });
});
