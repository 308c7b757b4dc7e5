import { conflict, invalid, notFound } from '../shared/errors.js';
import type { LineId } from '../shared/ids.js';
import type { AddOrderLine, ChangeLineQuantity, RemoveOrderLine } from './commands.js';
import type { OrderErrorCode } from './errors.js';
import type { OrderEvent } from './events.js';
import { requireOpen } from './guards.js';
import type { Line, OpenOrder, OrderState } from './state.js';
import { LIMITS, requireAmount, requireBasisPoints, requireQuantity, requireText } from './validate.js';

export function findLine(order: OpenOrder, lineId: LineId): Line {
  const line = order.lines.find((l) => l.lineId === lineId);
  if (!line) throw notFound<OrderErrorCode>('LINE_NOT_FOUND', 'No such line on this order', { lineId });
  return line;
}

export function addLine({ data }: AddOrderLine, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  if (order.lines.some((l) => l.lineId === data.lineId)) {
    throw conflict<OrderErrorCode>('LINE_ALREADY_EXISTS', 'A line with this id is already on the order', { lineId: data.lineId });
  }
  if (order.lines.length >= LIMITS.maxLines) {
    throw invalid<OrderErrorCode>('TOO_MANY_LINES', `An order holds at most ${LIMITS.maxLines} lines`);
  }
  const taxRateId = requireText(data.taxRate.taxRateId, 'taxRate.taxRateId', 64);
  return [
    {
      type: 'OrderLineAdded',
      data: {
        lineId: data.lineId,
        sku: requireText(data.sku, 'sku', 64),
        name: requireText(data.name, 'name', 200),
        unitPrice: requireAmount(data.unitPrice, 'unitPrice', 0, LIMITS.maxUnitPrice),
        quantity: requireQuantity(data.quantity),
        taxRateId: taxRateId as typeof data.taxRate.taxRateId,
        taxBasisPoints: requireBasisPoints(data.taxRate.basisPoints, 'taxRate.basisPoints', 'INVALID_TAX_RATE'),
      },
    },
  ];
}

export function changeQuantity({ data }: ChangeLineQuantity, state: OrderState): OrderEvent[] {
  const order = requireOpen(state);
  const line = findLine(order, data.lineId);
  const quantity = requireQuantity(data.quantity);
  if (quantity === line.quantity) return [];
  return [{ type: 'OrderLineQuantityChanged', data: { lineId: line.lineId, quantity } }];
}

export function removeLine({ data }: RemoveOrderLine, state: OrderState): OrderEvent[] {
  const line = findLine(requireOpen(state), data.lineId);
  return [{ type: 'OrderLineRemoved', data: { lineId: line.lineId } }];
}
