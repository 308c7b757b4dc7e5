import type { GlobalPosition, RecordedEvent } from './ports/eventStore.js';

/** What a command already wrote under its idempotency key. */
export type CommittedCommand = Readonly<{ revision: number; position: GlobalPosition; eventCount: number }>;

/** Keys are per tenant and device (the till), not global. */
export type CommittedKeyScope = Readonly<{ tenantId?: string; deviceId?: string | null }>;

/**
 * The events of a stream that a command with this key already committed, or null. The
 * idempotency record and the events commit separately, so after a crash between the two the
 * retry finds its own events here and answers the original result instead of deciding again.
 */
export function committedByKey(events: readonly RecordedEvent[], key: string, scope: CommittedKeyScope = {}): CommittedCommand | null {
  const written = events.filter(
    (event) =>
      event.metadata.idempotencyKey === key &&
      (scope.tenantId === undefined || event.tenantId === scope.tenantId) &&
      (scope.deviceId === undefined || (event.metadata.actor.deviceId ?? null) === scope.deviceId),
  );
  const newest = written.reduce<RecordedEvent | undefined>((a, e) => (!a || e.streamRevision > a.streamRevision ? e : a), undefined);
  if (!newest) return null;
  return { revision: newest.streamRevision, position: newest.position, eventCount: written.length };
}
