import { foldEvent } from '../aggregateCache.js';
import { kindOfCategory } from '../events/decodeEvent.js';
import { parseStreamId, type StreamCategory } from '../events/streams.js';
import { notFound } from '../errors.js';
import { formatPosition, type EventStore, type RecordedEvent } from '../ports/eventStore.js';
import type { Principal } from '../principal.js';

/**
 * An auditor's view of one stream (issue 11, DOMAIN.md "Audit"): every event with its whole
 * envelope, in stream order, and the aggregate's state as of a revision or a recorded time,
 * folded by the very decider that decided on it. Reads the event store, never a read model: what
 * an auditor sees is the record itself.
 */

/** One stored event as the auditor reads it: the envelope of DOMAIN.md "Events", the data as stored. */
export type AuditedEvent = Readonly<{
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  schemaVersion: number;
  tenantId: string;
  occurredAt: string;
  recordedAt: string;
  actor: Readonly<{ userId: string; role: string; deviceId: string | null }>;
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  traceContext: Readonly<{ traceparent: string; tracestate: string | null }> | null;
  /**
   * In the schema version it was written in, not upcast (the state below is folded from the upcast
   * form); personal data decrypted, null once the person was forgotten (ADR 0025). The hash covers
   * the stored form, whose personal fields are ciphertext.
   */
  data: Readonly<Record<string, unknown>>;
  /** Hex SHA-256 chaining it to its stream predecessor (ADR 0023); null when written before the chain and not upgraded. */
  hash: string | null;
}>;

export type StreamPage = Readonly<{ streamId: string; category: StreamCategory; events: readonly AuditedEvent[]; nextRevision: number | null }>;

export type StateAsOf = Readonly<{
  streamId: string;
  category: StreamCategory;
  /** The last revision folded; null when the stream had no event yet at that point. */
  revision: number | null;
  /** When the last folded event was recorded. */
  recordedAt: string | null;
  /** The aggregate's state, as JSON: maps as objects keyed by id, sets as arrays. */
  state: unknown;
}>;

/** The principal's own tenant's stream, or 404 for anything else (another tenant's, a foreign name), so nothing leaks. */
function ownStream(principal: Principal, streamId: string): StreamCategory {
  const name = parseStreamId(streamId);
  if (!name || principal.tenantId === null || name.tenantId !== principal.tenantId) throw notFound('Stream');
  return name.category;
}

export async function readStreamHistory(
  eventStore: Pick<EventStore, 'readStream'>,
  principal: Principal,
  streamId: string,
  page: Readonly<{ fromRevision: number; limit: number }>,
): Promise<StreamPage> {
  const category = ownStream(principal, streamId);
  // One more than asked: whether there is a next page, without a second read.
  const events = await eventStore.readStream(streamId, { fromRevision: page.fromRevision, maxCount: page.limit + 1 });
  if (events.length === 0 && page.fromRevision === 0) throw notFound('Stream');
  const shown = events.slice(0, page.limit);
  const last = shown.at(-1);
  return { streamId, category, events: shown.map(audited), nextRevision: events.length > page.limit && last ? last.streamRevision + 1 : null };
}

/**
 * The state after the last event at or before `asOfRevision`, or recorded at or before `asOf`
 * (recorded time: the server's, which only moves forward with the log; business time comes from
 * tills and may be anything within its bounds). Neither: the state now.
 */
export async function readStateAsOf(
  eventStore: Pick<EventStore, 'readStream'>,
  principal: Principal,
  streamId: string,
  at: Readonly<{ asOfRevision?: number | undefined; asOf?: Date | undefined }>,
): Promise<StateAsOf> {
  const category = ownStream(principal, streamId);
  const events = await eventStore.readStream(streamId, at.asOfRevision === undefined ? {} : { maxCount: at.asOfRevision + 1 });
  if (events.length === 0) throw notFound('Stream');
  const kind = kindOfCategory(category);
  let state = kind.decider.initialState;
  let last: RecordedEvent | undefined;
  for (const event of events) {
    if (at.asOf !== undefined && event.recordedAt.getTime() > at.asOf.getTime()) break;
    state = foldEvent(kind, state, event);
    last = event;
  }
  return { streamId, category, revision: last?.streamRevision ?? null, recordedAt: last?.recordedAt.toISOString() ?? null, state: toJson(state) };
}

export function audited(event: RecordedEvent): AuditedEvent {
  const { actor, correlationId, causationId, idempotencyKey, traceContext } = event.metadata;
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    revision: event.streamRevision,
    position: formatPosition(event.position),
    type: event.type,
    schemaVersion: event.schemaVersion,
    tenantId: event.tenantId,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
    actor: { userId: actor.userId, role: actor.role, deviceId: actor.deviceId ?? null },
    correlationId,
    causationId,
    idempotencyKey,
    traceContext: traceContext && { traceparent: traceContext.traceparent, tracestate: traceContext.tracestate ?? null },
    data: event.data,
    hash: event.hash ?? null,
  };
}

/** A folded state as plain JSON: the deciders keep maps and sets, which JSON does not know. */
export function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => {
      if (item instanceof Map) return Object.fromEntries([...item.entries()].map(([k, v]) => [String(k), v as unknown]));
      if (item instanceof Set) return [...(item as Set<unknown>).values()];
      if (typeof item === 'bigint') return item.toString();
      return item;
    }),
  );
}
