import type { GlobalPosition, RecordedEvent } from './ports/eventStore.js';

/** What a command already wrote under its idempotency key. */
export type CommittedCommand = Readonly<{ revision: number; position: GlobalPosition; eventCount: number }>;

/** Keys are per tenant and device (the till), not global. */
export type CommittedKeyScope = Readonly<{ tenantId?: string; deviceId?: string | null }>;

/** What committedByKey needs of one event that carries a key: enough to answer without the event. */
export type KeyedWrite = Readonly<{ tenantId: string; deviceId: string | null; revision: number; position: GlobalPosition }>;

/** The keyed writes of a stream by key, for a cache that keeps states rather than events. */
export type CommittedKeyIndex = ReadonlyMap<string, readonly KeyedWrite[]>;

export function keyedWriteOf(event: RecordedEvent): KeyedWrite {
  return { tenantId: event.tenantId, deviceId: event.metadata.actor.deviceId ?? null, revision: event.streamRevision, position: event.position };
}

/**
 * The events of a stream that a command with this key already committed, or null. The
 * idempotency record and the events commit separately, so after a crash between the two the
 * retry finds its own events here and answers the original result instead of deciding again.
 */
export function committedByKey(events: readonly RecordedEvent[], key: string, scope: CommittedKeyScope = {}): CommittedCommand | null {
  return committedAmong(
    events.filter((event) => event.metadata.idempotencyKey === key).map(keyedWriteOf),
    scope,
  );
}

/** committedByKey over an index of the stream's keyed writes. */
export function committedInIndex(index: CommittedKeyIndex, key: string, scope: CommittedKeyScope = {}): CommittedCommand | null {
  return committedAmong(index.get(key) ?? [], scope);
}

function committedAmong(writes: readonly KeyedWrite[], scope: CommittedKeyScope): CommittedCommand | null {
  const written = writes.filter(
    (write) => (scope.tenantId === undefined || write.tenantId === scope.tenantId) && (scope.deviceId === undefined || write.deviceId === scope.deviceId),
  );
  const newest = written.reduce<KeyedWrite | undefined>((a, w) => (!a || w.revision > a.revision ? w : a), undefined);
  if (!newest) return null;
  return { revision: newest.revision, position: newest.position, eventCount: written.length };
}
