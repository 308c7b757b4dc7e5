import { describe, it } from 'vitest';
import { orderDecider } from '../../../../src/domain/order/index.js';
import { spec } from '../../../support/decider.js';
import { asCashier, at, cashierId, line, lineAdded, opened, standard, tenantId, branchId, deviceId, orderId } from './fixtures.js';

const order = spec(orderDecider);
const addLine = (n: number, overrides: Record<string, unknown> = {}) => ({
  type: 'AddOrderLine' as const,
  data: { lineId: line(n), sku: `SKU-${n}`, name: `Item ${n}`, unitPrice: 250, quantity: 2, taxRate: { taxRateId: standard, basisPoints: 2000 }, ...overrides },
  meta: asCashier,
});

describe('OpenOrder', () => {
  const open = {
    type: 'OpenOrder' as const,
    data: { orderId, tenantId, branchId, deviceId, cashierId, currency: 'EUR' as const, priceMode: 'inclusive' as const },
    meta: asCashier,
  };
  it('opens an order with the business time of the till', () => {
    order.given([]).when(open).then([opened()]);
  });
  it('refuses to open the same order twice', () => {
    order.given([opened()]).when(open).thenFails('ORDER_ALREADY_EXISTS', 'conflict');
  });
  it('refuses an unknown currency', () => {
    order.given([]).when({ ...open, data: { ...open.data, currency: 'XXX' as 'EUR' } }).thenFails('INVALID_CURRENCY', 'invalid');
  });
});

describe('AddOrderLine', () => {
  it('adds a line with its tax rate', () => {
    order.given([opened()]).when(addLine(1)).then([lineAdded(1, 250, 2)]);
  });
  it('trims sku and name', () => {
    order.given([opened()]).when(addLine(1, { sku: '  SKU-1 ', name: ' Item 1  ' })).then([lineAdded(1, 250, 2)]);
  });
  it('accepts a free item (price 0) and the largest price and quantity', () => {
    order.given([opened()]).when(addLine(1, { unitPrice: 0 })).then([lineAdded(1, 0, 2)]);
    order.given([opened()]).when(addLine(1, { unitPrice: 10_000_000, quantity: 9_999 })).then([lineAdded(1, 10_000_000, 9_999)]);
  });
  it('refuses a line on an order that does not exist', () => {
    order.given([]).when(addLine(1)).thenFails('ORDER_NOT_FOUND', 'not_found');
  });
  it('refuses a line on a completed order', () => {
    order
      .given([opened(), lineAdded(1, 100), { type: 'PaymentAdded', data: { paymentId: 'p' as never, tender: { method: 'cash', amount: 100 }, drawerId: null } }, { type: 'OrderCompleted', data: { at, totals: { subtotal: 100, discountTotal: 0, net: 83, tax: 17, taxes: [], total: 100 }, paid: 100, change: 0 } }])
      .when(addLine(2))
      .thenFails('ORDER_ALREADY_COMPLETED', 'conflict');
  });
  it('refuses a line on a voided order', () => {
    order
      .given([opened(), { type: 'OrderVoided', data: { at, reason: 'mistake', voidedBy: { userId: 'u' as never, role: 'cashier' }, paidToReturn: 0 } }])
      .when(addLine(1))
      .thenFails('ORDER_VOIDED', 'conflict');
  });
  it('refuses a line id already on the order', () => {
    order.given([opened(), lineAdded(1, 100)]).when(addLine(1)).thenFails('LINE_ALREADY_EXISTS', 'conflict');
  });
  it.each([0, -1, 10_000, 1.5, Number.NaN])('refuses quantity %s', (quantity) => {
    order.given([opened()]).when(addLine(1, { quantity })).thenFails('QUANTITY_OUT_OF_RANGE', 'invalid');
  });
  it.each([-1, 10_000_001, 12.5, 0.1])('refuses unit price %s', (unitPrice) => {
    order.given([opened()]).when(addLine(1, { unitPrice })).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
  });
  it.each([
    ['sku', ''],
    ['sku', 'x'.repeat(65)],
    ['name', '   '],
    ['name', 'bad\u0007name'],
  ])('refuses %s %j', (field, value) => {
    order.given([opened()]).when(addLine(1, { [field]: value })).thenFails('INVALID_TEXT', 'invalid');
  });
  it.each([-1, 10_001, 7.5])('refuses tax basis points %s', (basisPoints) => {
    order.given([opened()]).when(addLine(1, { taxRate: { taxRateId: standard, basisPoints } })).thenFails('INVALID_TAX_RATE', 'invalid');
  });
  it('refuses a 501st line', () => {
    const history = [opened(), ...Array.from({ length: 500 }, (_, i) => lineAdded(i + 1, 100))];
    order.given(history).when(addLine(501)).thenFails('TOO_MANY_LINES', 'invalid');
  });
});

describe('ChangeLineQuantity', () => {
  const change = (quantity: number, n = 1) => ({ type: 'ChangeLineQuantity' as const, data: { lineId: line(n), quantity }, meta: asCashier });
  it('re-quantifies a line', () => {
    order.given([opened(), lineAdded(1, 100)]).when(change(3)).then([{ type: 'OrderLineQuantityChanged', data: { lineId: line(1), quantity: 3 } }]);
  });
  it('changes nothing when the quantity is the same', () => {
    order.given([opened(), lineAdded(1, 100, 3)]).when(change(3)).then([]);
  });
  it('refuses an unknown line', () => {
    order.given([opened()]).when(change(3, 9)).thenFails('LINE_NOT_FOUND', 'not_found');
  });
  it('refuses a quantity out of range', () => {
    order.given([opened(), lineAdded(1, 100)]).when(change(0)).thenFails('QUANTITY_OUT_OF_RANGE', 'invalid');
  });
  it('refuses on an order that does not exist', () => {
    order.given([]).when(change(1)).thenFails('ORDER_NOT_FOUND');
  });
});

describe('RemoveOrderLine', () => {
  const remove = (n: number) => ({ type: 'RemoveOrderLine' as const, data: { lineId: line(n) }, meta: asCashier });
  it('removes a line', () => {
    order.given([opened(), lineAdded(1, 100)]).when(remove(1)).then([{ type: 'OrderLineRemoved', data: { lineId: line(1) } }]);
  });
  it('refuses an unknown line', () => {
    order.given([opened(), lineAdded(1, 100)]).when(remove(2)).thenFails('LINE_NOT_FOUND', 'not_found');
  });
});
