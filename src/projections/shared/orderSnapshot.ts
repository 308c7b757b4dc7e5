import type { OrderEvent, OrderState } from '../../domain/order/index.js';
import { orderDecider, priceOrder } from '../../domain/order/index.js';
import type { Pricing } from '../../domain/order/totals.js';

/**
 * An order as a projection keeps it between batches: the Order aggregate's own state (the very
 * fold the decider uses, so a report never prices a sale differently from the till), stored as
 * JSON. Only `pricing` is left out: it holds a Map and is derived from lines, discounts and the
 * price mode, so `pricingOf` recomputes it.
 *
 * A projection needs this because events do not carry everything a report shows: a completed
 * sale's lines, tax per rate and tenders come from the stream's earlier events (issue 9: derive,
 * never rewrite stored events).
 */
export type OrderSnapshot = Exclude<OrderState, Readonly<{ status: 'none' }>> extends infer S
  ? S extends unknown
    ? Omit<S, 'pricing'>
    : never
  : never;

export type SnapshotOrNone = OrderSnapshot | Readonly<{ status: 'none' }>;

/** Folds one order event into the snapshot, as the aggregate does. */
export function foldOrder(snapshot: SnapshotOrNone | undefined, event: OrderEvent): SnapshotOrNone {
  const state = orderDecider.evolve(toState(snapshot), event);
  if (state.status === 'none') return state;
  const { pricing: _pricing, ...rest } = state;
  return rest;
}

/** Lines priced, discount amounts and totals of the snapshot, exactly as the aggregate computes them. */
export function pricingOf(snapshot: OrderSnapshot): Pricing {
  return priceOrder(snapshot.lines, snapshot.discounts, snapshot.priceMode);
}

function toState(snapshot: SnapshotOrNone | undefined): OrderState {
  if (!snapshot || snapshot.status === 'none') return { status: 'none' };
  return { ...snapshot, pricing: pricingOf(snapshot) };
}
