import type { Upcaster } from '../shared/command.js';
import { ORDER_EVENT_VERSIONS, type OrderEvent } from './events.js';

/**
 * Stored events are never rewritten; older versions are read as the current one here.
 *
 * OrderLineAdded v1 carried `unitPrice` as `{ amount, currency }`. The currency is the
 * order's (OrderOpened), so v2 keeps only the amount in minor units.
 */
const UPCASTS: Readonly<Partial<Record<OrderEvent['type'], Readonly<Record<number, Upcaster>>>>> = {
  OrderLineAdded: {
    1: (data) => {
      const { unitPrice, ...rest } = data;
      return { ...rest, unitPrice: (unitPrice as { amount: number }).amount };
    },
  },
};

/** Brings `data` of `type` at `version` up to the current schema version, one step at a time. */
export function upcastOrderEvent(type: string, version: number, data: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const current = (ORDER_EVENT_VERSIONS as Readonly<Record<string, number>>)[type];
  if (current === undefined) return data;
  if (version > current) throw new RangeError(`${type} v${version} is newer than this code knows (v${current})`);
  const steps = (UPCASTS as Readonly<Record<string, Readonly<Record<number, Upcaster>>>>)[type] ?? {};
  let upcast = data;
  for (let v = version; v < current; v++) {
    const step = steps[v];
    if (!step) throw new RangeError(`No upcast for ${type} v${v}`);
    upcast = step(upcast);
  }
  return upcast;
}
