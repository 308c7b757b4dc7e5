import type { Decider } from '../domain/shared/decider.js';
import type { TenantId } from '../domain/shared/ids.js';
import { aggregateCacheOf, foldEvent, type Held } from './aggregateCache.js';
import { ApplicationError } from './errors.js';
import type { Clock } from './ports/clock.js';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type KeyAnswer,
  type NewEvent,
  type RecordedEvent,
  type TraceContext,
} from './ports/eventStore.js';
import type { IdGenerator } from './ports/idGenerator.js';
import type { Principal } from './principal.js';
import { inStreamTurn } from './streamTurns.js';

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
  /**
   * How the edge will answer, given the stream's revision after the append: kept with the events
   * in the append's transaction (the key's completion, ADR 0019). Only for a request whose
   * command makes one append.
   */
  answer?: ((revision: number) => KeyAnswer) | undefined;
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

/** A stream read whole, with its events (reads and tools; commands use the aggregate cache). */
export type Loaded<State> = Readonly<{ state: State; revision: number | null; tenantId: string | null; events: readonly RecordedEvent[] }>;

/** What a command's `build` sees of its stream: the state it decides on, at a revision. */
export type Current<State> = Pick<Held<State>, 'state' | 'revision' | 'tenantId'>;

export type CommandResult = Readonly<{
  streamId: string;
  /** Revision of the stream after the command; null when the stream still does not exist. */
  revision: number | null;
  /** Position of the last event written; null when the command changed nothing. */
  position: GlobalPosition | null;
  eventCount: number;
  /** The envelope's answer was recorded with the events (the edge must send exactly it). */
  answered?: boolean;
}>;

/** Reads and folds a whole stream, bypassing the cache: for reads that need the events themselves. */
export async function loadAggregate<C, S, E extends AnyEvent>(
  eventStore: Pick<EventStore, 'readStream'>,
  kind: AggregateKind<C, S, E>,
  streamId: string,
): Promise<Loaded<S>> {
  const recorded = await eventStore.readStream(streamId);
  let state = kind.decider.initialState;
  for (const event of recorded) state = foldEvent(kind, state, event);
  const last = recorded.at(-1);
  return { state, revision: last?.streamRevision ?? null, tenantId: last?.tenantId ?? null, events: recorded };
}

type Decision<E> =
  /** Committed earlier under the request's key: a fact, whatever state it was found on. */
  | Readonly<{ kind: 'committed'; result: CommandResult }>
  /** Nothing to change: true of the state decided on, which may be behind. */
  | Readonly<{ kind: 'unchanged'; result: CommandResult }>
  | Readonly<{ kind: 'append'; events: readonly E[] }>;

/**
 * What a command's `build` reads besides its own stream (the tenant a sale is in, the drawer its
 * cash goes to): states as this process holds them, without a read when it holds them. Whatever
 * is read here is appended with: the append is refused if one of them moved meanwhile, and the
 * command decides again on them caught up (ADR 0019).
 */
export type CrossReads = Readonly<{
  state<C, S, E extends AnyEvent>(kind: AggregateKind<C, S, E>, streamId: string): Promise<S>;
}>;

type CrossRead = Readonly<{ kind: AggregateKind<unknown, unknown, AnyEvent>; state: unknown; revision: number | null; fresh: boolean }>;

/**
 * The one command handler: take the stream's state, let the caller check it and build the
 * command (cross-aggregate facts, tenant isolation), decide, append with the revision decided on.
 *
 * The state comes from the aggregate cache as this process last folded it, without reading: a
 * stream it does not hold is taken as new. Another process may have written since, but then the
 * append's expected revision fails, and the handler catches up (reading only the newer events)
 * and decides again. Other streams `build` reads (CrossReads) are held states too, and the
 * append requires them unchanged. Any answer that is not an append (a refusal, nothing to
 * change, an If-Match mismatch) is only given on states just caught up, so no refusal is ever
 * decided on a state that was behind. A concurrent writer makes the append fail; then it starts
 * over, a bounded number of times, unless the client pinned the revision with If-Match, which
 * answers 412.
 */
export function handleCommand<C, S, E extends AnyEvent>(
  deps: HandlerDeps,
  kind: AggregateKind<C, S, E>,
  streamId: string,
  tenantId: TenantId,
  envelope: CommandEnvelope,
  build: (current: Current<S>, reads: CrossReads) => C | Promise<C>,
  options: Readonly<{ ifMatch?: number | undefined; maxAttempts?: number }> = {},
): Promise<CommandResult> {
  // Concurrent commands on one stream in this process take turns (streamTurns.ts): only other
  // processes' writes make an append fail here.
  return inStreamTurn(deps.eventStore, streamId, () => decideAndAppend(deps, kind, streamId, tenantId, envelope, build, options));
}

async function decideAndAppend<C, S, E extends AnyEvent>(
  deps: HandlerDeps,
  kind: AggregateKind<C, S, E>,
  streamId: string,
  tenantId: TenantId,
  envelope: CommandEnvelope,
  build: (current: Current<S>, reads: CrossReads) => C | Promise<C>,
  options: Readonly<{ ifMatch?: number | undefined; maxAttempts?: number }>,
): Promise<CommandResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  const cache = aggregateCacheOf(deps.eventStore);
  const held = cache.held(kind, streamId);
  // Not held: taken as a new stream. Only an append can come of that (with 'no_stream'), and it
  // fails if the stream exists; every other answer waits for the catch-up.
  let current = false;
  let loaded: Held<S> = held ?? newStream(kind);
  /** Other streams caught up during this command: what they answer is current. */
  const caughtUp = new Set<string>();
  let crossReads = new Map<string, CrossRead>();

  const catchUpCross = async (id: string, read: CrossRead): Promise<void> => {
    await cache.catchUp(deps.eventStore, read.kind, id);
    caughtUp.add(id);
  };
  /** Before a refusal: everything it was decided on, caught up; false when it already was. */
  const catchUpAll = async (): Promise<boolean> => {
    const behind = [...crossReads].filter(([, read]) => !read.fresh);
    if (current && behind.length === 0) return false;
    if (!current) {
      loaded = await cache.catchUp(deps.eventStore, kind, streamId);
      current = true;
    }
    for (const [id, read] of behind) await catchUpCross(id, read);
    return true;
  };

  const reads: CrossReads = {
    async state<C2, S2, E2 extends AnyEvent>(other: AggregateKind<C2, S2, E2>, id: string): Promise<S2> {
      const seen = crossReads.get(id);
      if (seen) return seen.state as S2;
      let at = cache.held(other, id);
      let fresh = caughtUp.has(id);
      if (!at) {
        // Never folded here: read it now (a tenant's or an employee's first command in this process).
        at = await cache.catchUp(deps.eventStore, other, id);
        caughtUp.add(id);
        fresh = true;
      }
      crossReads.set(id, { kind: other as unknown as CrossRead['kind'], state: at.state, revision: at.revision, fresh });
      return at.state;
    },
  };

  const decideOn = async (on: Held<S>): Promise<Decision<E>> => {
    // A retry of a command that committed before its answer was recorded: answer what it did.
    // Checked before If-Match, since the stream has moved on by exactly that command.
    if (envelope.idempotencyKey !== null) {
      const done = on.committed(envelope.idempotencyKey, { tenantId, deviceId: envelope.principal.deviceId });
      if (done) return { kind: 'committed', result: { streamId, revision: done.revision, position: done.position, eventCount: 0 } };
    }
    if (options.ifMatch !== undefined && on.revision !== options.ifMatch) {
      throw new ApplicationError('precondition_failed', 'REVISION_MISMATCH', 'The resource changed since you read it', {
        expected: options.ifMatch,
        actual: on.revision,
      });
    }
    const command = await build(on, reads);
    const events = kind.decider.decide(command, on.state);
    if (events.length === 0) return { kind: 'unchanged', result: { streamId, revision: on.revision, position: null, eventCount: 0 } };
    return { kind: 'append', events };
  };

  for (let attempt = 1; ; ) {
    crossReads = new Map();
    let decision: Decision<E>;
    try {
      decision = await decideOn(loaded);
    } catch (error) {
      if (await catchUpAll()) continue;
      throw error;
    }
    if (decision.kind === 'committed') return decision.result;
    if (decision.kind === 'unchanged') {
      if (await catchUpAll()) continue;
      return decision.result;
    }
    const stored = decision.events.map((event) => ({ decided: event, stored: toNewEvent(deps, kind, tenantId, envelope, event) }));
    try {
      const from = loaded;
      const answer = envelope.answer?.((from.revision ?? -1) + stored.length);
      const result = await deps.eventStore.appendToStream(
        streamId,
        stored.map((e) => e.stored),
        {
          expectedRevision: from.revision ?? 'no_stream',
          ...(crossReads.size > 0 && { unchanged: [...crossReads].map(([id, read]) => ({ streamId: id, revision: read.revision })) }),
          ...(answer && { answer }),
        },
      );
      cache.appended(kind, streamId, from, stored, result);
      return { streamId, revision: result.nextExpectedRevision, position: result.position, eventCount: stored.length, answered: result.answered === true };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const moved = error.streamId === streamId ? undefined : crossReads.get(error.streamId);
      // Behind this process's own knowledge only: catch up and decide again, not a conflict.
      const raced = moved ? moved.fresh : current;
      if (raced) {
        if (options.ifMatch !== undefined && !moved) {
          throw new ApplicationError('precondition_failed', 'REVISION_MISMATCH', 'The resource changed since you read it');
        }
        if (attempt >= maxAttempts) {
          throw new ApplicationError('conflict', 'CONCURRENT_MODIFICATION', 'The resource is being changed by others; try again');
        }
        attempt++;
      }
      if (moved) {
        await catchUpCross(error.streamId, moved);
      } else {
        loaded = await cache.catchUp(deps.eventStore, kind, streamId);
        current = true;
      }
    }
  }
}

/** A stream this process has not folded, taken as new until the store says otherwise. */
function newStream<C, S, E extends AnyEvent>(kind: AggregateKind<C, S, E>): Held<S> {
  return { state: kind.decider.initialState, revision: null, tenantId: null, committed: () => null };
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
