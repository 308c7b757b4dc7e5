import { accessDecider } from '../../domain/access/index.js';
import type { SupportSessionId } from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import { streams } from '../events/streams.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/eventStore.js';
import type { IdGenerator } from '../ports/idGenerator.js';
import type { Principal } from '../principal.js';

export type SupportRead = Readonly<{ method: string; route: string; params: Readonly<Record<string, string>>; correlationId: string }>;

/**
 * Records that support is about to read a resource of the tenant (ADR 0026), before the route
 * answers: a read that cannot be recorded is not served. Appended whatever the stream holds:
 * reads are facts in arrival order, there is no rule to check against earlier ones.
 */
export async function recordSupportRead(deps: Readonly<{ eventStore: Pick<EventStore, 'appendToStream'>; clock: Clock; ids: IdGenerator }>, principal: Principal, read: SupportRead): Promise<void> {
  if (!principal.support || principal.tenantId === null) return;
  const now = deps.clock.now();
  const [event] = accessDecider.decide(
    {
      type: 'RecordSupportRead',
      data: { sessionId: principal.support.sessionId as SupportSessionId, ownerId: principal.userId, method: read.method, route: read.route, params: read.params },
      meta: { actor: { userId: principal.userId, role: principal.role }, at: now.toISOString() as Instant },
    },
    accessDecider.initialState,
  );
  if (!event) return;
  await deps.eventStore.appendToStream(
    streams.access(principal.tenantId, principal.support.sessionId),
    [{
      eventId: deps.ids.uuid(), type: event.type, schemaVersion: 1, tenantId: principal.tenantId, occurredAt: now, data: event.data,
      metadata: { actor: { userId: principal.userId, role: principal.role }, correlationId: read.correlationId, causationId: null, idempotencyKey: null, traceContext: null },
    }],
    { expectedRevision: 'any' },
  );
}
