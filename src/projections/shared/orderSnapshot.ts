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

/**
 * Pricing of snapshots this process folded or priced already. Snapshots are immutable, so an
 * object's pricing never changes; a weak map lets them go with the batch that held them.
 */
const pricings = new WeakMap<object, Pricing>();

/**
 * The state after an event, shared by the read models that fold orders (orders, sales and till
 * periods get the same decoded event objects of a batch: the log is read and decoded once). Each
 * model hands every order event to `foldOrder` once, in stream order, from the stream's state
 * before it, so the state after an event is the same for all of them. Keyed by the event object,
 * it goes with the batch.
 */
const folded = new WeakMap<object, SnapshotOrNone>();

/** Folds one order event into the snapshot, as the aggregate does. */
export function foldOrder(snapshot: SnapshotOrNone | undefined, event: OrderEvent): SnapshotOrNone {
  const known = folded.get(event);
  if (known !== undefined) return known;
  const state = orderDecider.evolve(toState(snapshot), event);
  let after: SnapshotOrNone = state;
  if (state.status !== 'none') {
    const { pricing, ...rest } = state;
    pricings.set(rest, pricing);
    after = rest;
  }
  folded.set(event, after);
  return after;
}

/** Lines priced, discount amounts and totals of the snapshot, exactly as the aggregate computes them. */
export function pricingOf(snapshot: OrderSnapshot): Pricing {
  const known = pricings.get(snapshot);
  if (known) return known;
  const pricing = priceOrder(snapshot.lines, snapshot.discounts, snapshot.priceMode);
  pricings.set(snapshot, pricing);
  return pricing;
}

function toState(snapshot: SnapshotOrNone | undefined): OrderState {
  if (!snapshot || snapshot.status === 'none') return { status: 'none' };
  return { ...snapshot, pricing: pricingOf(snapshot) };
}
