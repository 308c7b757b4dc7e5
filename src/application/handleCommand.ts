import type { Decider } from '../domain/shared/decider.js';
import type { TenantId } from '../domain/shared/ids.js';
import { committedByKey } from './committedByKey.js';
import { ApplicationError } from './errors.js';
import type { Clock } from './ports/clock.js';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type TraceContext,
} from './ports/eventStore.js';
import type { IdGenerator } from './ports/idGenerator.js';
import type { Principal } from './principal.js';

export type HandlerDeps = Readonly<{ eventStore: EventStore; clock: Clock; ids: IdGenerator }>;

/** What every event of a command carries besides its data (DOMAIN.md "Events"). */
export type CommandEnvelope = Readonly<{
  principal: Principal;
  /** Business time at the till, already bounded by the edge. */
  occurredAt: Date;
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  traceContext: TraceContext | null;
}>;

type AnyEvent = Readonly<{ type: string; data: object }>;

/** How to read and write one kind of aggregate. */
export type AggregateKind<Command, State, Event extends AnyEvent> = Readonly<{
  decider: Decider<Command, State, Event>;
  /** Current schema version per event type. */
  versions: Readonly<Record<string, number>>;
  /** Reads an older schema version as the current one. */
  upcast?: (type: string, version: number, data: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;
}>;

export type Loaded<State> = Readonly<{ state: State; revision: number | null; tenantId: string | null; events: readonly RecordedEvent[] }>;

export type CommandResult = Readonly<{
  streamId: string;
  /** Revision of the stream after the command; null when the stream still does not exist. */
  revision: number | null;
  /** Position of the last event written; null when the command changed nothing. */
  position: GlobalPosition | null;
  eventCount: number;
}>;

export async function loadAggregate<C, S, E extends AnyEvent>(
  eventStore: Pick<EventStore, 'readStream'>,
  kind: AggregateKind<C, S, E>,
  streamId: string,
): Promise<Loaded<S>> {
  const recorded = await eventStore.readStream(streamId);
  let state = kind.decider.initialState;
  for (const event of recorded) {
    const data = kind.upcast ? kind.upcast(event.type, event.schemaVersion, event.data) : event.data;
    // The store only holds events this aggregate wrote; evolve ignores types it does not know.
    state = kind.decider.evolve(state, { type: event.type, data } as unknown as E);
  }
  const last = recorded.at(-1);
  return { state, revision: last?.streamRevision ?? null, tenantId: last?.tenantId ?? null, events: recorded };
}

/**
 * The one command handler: load the stream, let the caller check it and build the command
 * (cross-aggregate facts, tenant isolation), decide, append with the revision read. A concurrent
 * writer makes the append fail; then it starts over, a bounded number of times, unless the
 * client pinned the revision with If-Match, which answers 412.
 */
export async function handleCommand<C, S, E extends AnyEvent>(
  deps: HandlerDeps,
  kind: AggregateKind<C, S, E>,
  streamId: string,
  tenantId: TenantId,
  envelope: CommandEnvelope,
  build: (loaded: Loaded<S>) => C | Promise<C>,
  options: Readonly<{ ifMatch?: number | undefined; maxAttempts?: number }> = {},
): Promise<CommandResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAggregate(deps.eventStore, kind, streamId);
    // A retry of a command that committed before its answer was recorded: answer what it did.
    // Checked before If-Match, since the stream has moved on by exactly that command.
    if (envelope.idempotencyKey !== null) {
      const done = committedByKey(loaded.events, envelope.idempotencyKey, { tenantId, deviceId: envelope.principal.deviceId });
      if (done) return { streamId, revision: done.revision, position: done.position, eventCount: 0 };
    }
    if (options.ifMatch !== undefined && loaded.revision !== options.ifMatch) {
      throw new ApplicationError('precondition_failed', 'REVISION_MISMATCH', 'The resource changed since you read it', {
        expected: options.ifMatch,
        actual: loaded.revision,
      });
    }
    const command = await build(loaded);
    const events = kind.decider.decide(command, loaded.state);
    if (events.length === 0) return { streamId, revision: loaded.revision, position: null, eventCount: 0 };
    try {
      const result = await deps.eventStore.appendToStream(streamId, events.map((e) => toNewEvent(deps, kind, tenantId, envelope, e)), {
        expectedRevision: loaded.revision ?? 'no_stream',
      });
      return { streamId, revision: result.nextExpectedRevision, position: result.position, eventCount: events.length };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (options.ifMatch !== undefined) {
        throw new ApplicationError('precondition_failed', 'REVISION_MISMATCH', 'The resource changed since you read it');
      }
      if (attempt >= maxAttempts) {
        throw new ApplicationError('conflict', 'CONCURRENT_MODIFICATION', 'The resource is being changed by others; try again');
      }
    }
  }
}

function toNewEvent<C, S, E extends AnyEvent>(
  deps: HandlerDeps,
  kind: AggregateKind<C, S, E>,
  tenantId: TenantId,
  envelope: CommandEnvelope,
  event: E,
): NewEvent {
  const { principal } = envelope;
  return {
    eventId: deps.ids.uuid(),
    type: event.type,
    schemaVersion: kind.versions[event.type] ?? 1,
    tenantId,
    occurredAt: envelope.occurredAt,
    data: event.data as Readonly<Record<string, unknown>>,
    metadata: {
      actor: { userId: principal.userId, role: principal.role, deviceId: principal.deviceId ?? undefined },
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      idempotencyKey: envelope.idempotencyKey,
      traceContext: envelope.traceContext,
    },
  };
}
