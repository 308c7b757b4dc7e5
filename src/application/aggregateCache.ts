import { committedInIndex, keyedWriteOf, type CommittedCommand, type CommittedKeyScope, type KeyedWrite } from './committedByKey.js';
import { upcastData } from './events/decodeEvent.js';
import type { AggregateKind } from './handleCommand.js';
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from './ports/eventStore.js';

type AnyEvent = Readonly<{ type: string; data: object }>;

/** A stream's folded state at a revision, and what its keyed events committed. */
export type Held<State> = Readonly<{
  state: State;
  /** Revision of the last event folded in; null when the stream had none. */
  revision: number | null;
  /** Tenant of the last event folded in. */
  tenantId: string | null;
  /** committedByKey over the stream's events: never forgets a commit, may know of later ones. */
  committed: (key: string, scope?: CommittedKeyScope) => CommittedCommand | null;
}>;

/**
 * States of recently used streams, so a command reads only the events after what this process
 * already folded instead of the whole stream (a sync batch of 500 lines to one order read and
 * folded the order 500 times over: quadratic). Streams are append-only and revisions never move,
 * so catching up from the held revision is always correct, whoever wrote meanwhile.
 */
export type AggregateCache = Readonly<{
  /** What this process holds, without reading; it may be behind other processes' writes. */
  held<C, S, E extends AnyEvent>(kind: AggregateKind<C, S, E>, streamId: string): Held<S> | null;
  /** Reads the events after what is held (all, when nothing is), folds them in, answers the current state. */
  catchUp<C, S, E extends AnyEvent>(eventStore: Pick<EventStore, 'readStream'>, kind: AggregateKind<C, S, E>, streamId: string): Promise<Held<S>>;
  /** This process appended `events` after `from`: fold them in, so the next command needs no read. */
  appended<C, S, E extends AnyEvent>(
    kind: AggregateKind<C, S, E>,
    streamId: string,
    from: Held<S>,
    events: readonly Readonly<{ decided: E; stored: NewEvent }>[],
    result: AppendResult,
  ): void;
  /** How many streams are held (for tests). */
  size(): number;
}>;

/** Order, tenant and employee states are small; this many fit in a few tens of MB at most. */
export const DEFAULT_MAX_STREAMS = 5_000;

type Entry = Readonly<{
  kind: object;
  state: unknown;
  revision: number | null;
  tenantId: string | null;
  /**
   * Keyed writes by key, shared by an entry and the ones that follow it (appended to in revision
   * order, never rewritten): an older snapshot may see a later commit, which is still a commit.
   */
  keys: Map<string, KeyedWrite[]>;
  keysThrough: { revision: number };
}>;

export function foldEvent<C, S, E extends AnyEvent>(
  kind: AggregateKind<C, S, E>,
  state: S,
  event: Readonly<{ type: string; schemaVersion: number; data: Readonly<Record<string, unknown>> }>,
): S {
  const data = upcastData(kind, event.type, event.schemaVersion, event.data);
  // The store only holds events this aggregate wrote; evolve ignores types it does not know.
  return kind.decider.evolve(state, { type: event.type, data } as unknown as E);
}

function emptyEntry<C, S, E extends AnyEvent>(kind: AggregateKind<C, S, E>): Entry {
  return { kind, state: kind.decider.initialState, revision: null, tenantId: null, keys: new Map(), keysThrough: { revision: -1 } };
}

export function createAggregateCache(options: Readonly<{ maxStreams?: number }> = {}): AggregateCache {
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();

  function remember(streamId: string, entry: Entry): void {
    const current = entries.get(streamId);
    // Concurrent catch-ups of one stream: the furthest one stays.
    if (current?.kind === entry.kind && (current.revision ?? -1) > (entry.revision ?? -1)) return;
    entries.delete(streamId);
    entries.set(streamId, entry);
    while (entries.size > maxStreams) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
  }

  function lookup(kind: object, streamId: string): Entry | undefined {
    const entry = entries.get(streamId);
    // One stream is one kind; a different kind object (a test's) starts afresh.
    if (!entry) return undefined;
    if (entry.kind !== kind) return undefined;
    entries.delete(streamId);
    entries.set(streamId, entry);
    return entry;
  }

  function index(entry: Pick<Entry, 'keys' | 'keysThrough'>, key: string | null, write: KeyedWrite): void {
    if (write.revision <= entry.keysThrough.revision) return;
    entry.keysThrough.revision = write.revision;
    if (key === null) return;
    const writes = entry.keys.get(key);
    if (writes) writes.push(write);
    else entry.keys.set(key, [write]);
  }

  function heldOf<S>(entry: Entry): Held<S> {
    return {
      state: entry.state as S,
      revision: entry.revision,
      tenantId: entry.tenantId,
      committed: (key, scope) => committedInIndex(entry.keys, key, scope),
    };
  }

  return {
    held(kind, streamId) {
      const entry = lookup(kind, streamId);
      return entry ? heldOf(entry) : null;
    },

    async catchUp<C, S, E extends AnyEvent>(eventStore: Pick<EventStore, 'readStream'>, kind: AggregateKind<C, S, E>, streamId: string) {
      const start = lookup(kind, streamId);
      const from = start?.revision ?? null;
      const recorded: RecordedEvent[] = await eventStore.readStream(streamId, from === null ? {} : { fromRevision: from + 1 });
      if (start && recorded.length === 0) return heldOf<S>(start);
      const base = start ?? emptyEntry(kind);
      let state = base.state as S;
      for (const event of recorded) {
        state = foldEvent(kind, state, event);
        index(base, event.metadata.idempotencyKey, keyedWriteOf(event));
      }
      const last = recorded.at(-1);
      const entry: Entry = {
        kind,
        state,
        revision: last?.streamRevision ?? base.revision,
        tenantId: last?.tenantId ?? base.tenantId,
        keys: base.keys,
        keysThrough: base.keysThrough,
      };
      remember(streamId, entry);
      return heldOf<S>(entry);
    },

    appended<C, S, E extends AnyEvent>(
      kind: AggregateKind<C, S, E>,
      streamId: string,
      from: Held<S>,
      events: readonly Readonly<{ decided: E; stored: NewEvent }>[],
      result: AppendResult,
    ) {
      // A new stream decided on without a read (handleCommand takes a stream it does not hold as
      // new): the append's 'no_stream' proved it was.
      const start = lookup(kind, streamId) ?? (from.revision === null ? emptyEntry(kind) : undefined);
      // Only on top of exactly what was decided on; anything else is caught up by the next read.
      if (!start) return;
      if (start.revision !== from.revision || result.replayed || events.length === 0) {
        if (start.revision === from.revision) entries.delete(streamId);
        return;
      }
      const first = result.nextExpectedRevision - events.length + 1;
      let state = start.state as S;
      for (const [offset, { decided, stored }] of events.entries()) {
        state = kind.decider.evolve(state, decided);
        const deviceId = stored.metadata.actor.deviceId ?? null;
        // Only the newest write of a key answers for it, and that is the append's last event.
        index(start, stored.metadata.idempotencyKey, { tenantId: stored.tenantId, deviceId, revision: first + offset, position: result.position });
      }
      const last = events.at(-1);
      remember(streamId, {
        kind,
        state,
        revision: result.nextExpectedRevision,
        tenantId: last?.stored.tenantId ?? start.tenantId,
        keys: start.keys,
        keysThrough: start.keysThrough,
      });
    },

    size: () => entries.size,
  };
}

// One cache per event store: a stream id means one stream of one store. A WeakMap, so a test's
// store and its cache go together.
const caches = new WeakMap<object, AggregateCache>();

export function aggregateCacheOf(eventStore: object): AggregateCache {
  let cache = caches.get(eventStore);
  if (!cache) {
    cache = createAggregateCache();
    caches.set(eventStore, cache);
  }
  return cache;
}

/**
 * A stream's current state for a cross-aggregate check (the tenant of an order, the employee who
 * takes cash), reading only what this process has not folded yet.
 */
export function loadCurrent<C, S, E extends AnyEvent>(eventStore: Pick<EventStore, 'readStream'>, kind: AggregateKind<C, S, E>, streamId: string): Promise<Held<S>> {
  return aggregateCacheOf(eventStore).catchUp(eventStore, kind, streamId);
}
