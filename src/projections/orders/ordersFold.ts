import type { DecodedEvent } from '../../application/events/decodeEvent.js';
import { formatPosition } from '../../application/ports/eventStore.js';
import { businessDateOf } from '../shared/businessDate.js';
import { foldOrder, pricingOf, type OrderSnapshot, type SnapshotOrNone } from '../shared/orderSnapshot.js';
import type { RefundRecord, TimelineEntry, VoidRecord } from './ordersTables.js';

type OrderEventOf<E> = E extends Readonly<{ category: 'order' }> ? E : never;
export type DecodedOrderEvent = OrderEventOf<DecodedEvent>;

/** An order as this model keeps it between events: the aggregate's fold and what it leaves out. */
export type OrderRecord = Readonly<{
  snapshot: SnapshotOrNone;
  businessDate: string | null;
  revision: number;
  refunds: readonly RefundRecord[];
  voidRecord: VoidRecord | null;
  timeline: readonly TimelineEntry[];
}>;

export const NO_ORDER: OrderRecord = { snapshot: { status: 'none' }, businessDate: null, revision: -1, refunds: [], voidRecord: null, timeline: [] };

/** Whether the aggregate's evolve takes the event in at this status (it ignores the rest). */
function changes(status: SnapshotOrNone['status'], type: DecodedOrderEvent['type']): boolean {
  switch (status) {
    case 'none':
      return type === 'OrderOpened';
    case 'open':
      return type !== 'OrderOpened' && type !== 'OrderRefunded';
    case 'completed':
      return type === 'OrderRefunded';
    case 'voided':
      return false;
  }
}

/** Business time of an order event: the `at` its data carries, else the envelope's occurredAt. */
function businessTimeOf(event: DecodedOrderEvent): string {
  const { data } = event;
  return 'at' in data && typeof data.at === 'string' ? data.at : event.envelope.occurredAt.toISOString();
}

/**
 * Folds one order event into the record. `timeZone` is the tenant's as of this event (a sale
 * after a zone change is dated in the new zone). The business date is set when the order's
 * status is: its opening while open, its completion or void after that (what day a sale counts
 * on in the daily reports). An event the aggregate ignores (a stream replayed past its end, an
 * event before the opening) changes nothing, not even the timeline.
 */
export function foldOrderRecord(record: OrderRecord, event: DecodedOrderEvent, timeZone: string): OrderRecord {
  if (event.envelope.streamRevision <= record.revision) return record;
  const before = record.snapshot;
  if (!changes(before.status, event.type)) return record;
  const snapshot = foldOrder(before, event);
  const at = businessTimeOf(event);
  const actor = event.envelope.metadata.actor;
  const entry: TimelineEntry = {
    revision: event.envelope.streamRevision,
    position: formatPosition(event.envelope.position),
    type: event.type,
    at,
    recordedAt: event.envelope.recordedAt.toISOString(),
    actor: { userId: actor.userId, role: actor.role, deviceId: actor.deviceId ?? null },
    data: event.data,
  };
  const statusChanged = snapshot.status !== before.status;
  let { refunds, voidRecord } = record;
  if (event.type === 'OrderRefunded') {
    const { refundId, amount, method, reason, refundedBy, drawerId, lines } = event.data;
    refunds = [...refunds, { refundId, at: event.data.at, amount, method, reason, refundedBy, drawerId, lines }];
  }
  if (event.type === 'OrderVoided') {
    const { reason, voidedBy, paidToReturn } = event.data;
    voidRecord = { at: event.data.at, reason, voidedBy, paidToReturn };
  }
  return {
    snapshot,
    businessDate: statusChanged ? businessDateOf(at, timeZone) : record.businessDate,
    revision: event.envelope.streamRevision,
    refunds,
    voidRecord,
    timeline: [...record.timeline, entry],
  };
}

/** The list figures of an order, priced as the till priced it (see README "Orders"). */
export function figuresOf(snapshot: OrderSnapshot): Readonly<{
  gross: number; discounts: number; net: number; tax: number; total: number; paid: number; change: number; refunded: number;
  lineCount: number; itemCount: number;
}> {
  const { totals } = pricingOf(snapshot);
  return {
    gross: totals.subtotal,
    discounts: totals.discountTotal,
    net: totals.net,
    tax: totals.tax,
    total: totals.total,
    paid: snapshot.paid,
    change: snapshot.status === 'completed' ? snapshot.change : 0,
    refunded: snapshot.status === 'completed' ? snapshot.refunded : 0,
    lineCount: snapshot.lines.length,
    itemCount: snapshot.lines.reduce((sum, line) => sum + line.quantity, 0),
  };
}
