/**
 * The event store port: the only way the application writes facts and the way
 * projections and auditors read them back. Adapters live in
 * `src/infrastructure/eventstore/*` and all pass `tests/contract/eventStore.contract.ts`.
 */

/**
 * A place in the global log. Events are ordered by `commit`, then `prepare`.
 *
 * PostgreSQL: `commit` is the id of the writing transaction and `prepare` the
 * event's sequence number (see ADR 0003 for why a single sequence number cannot
 * give a gap-free order). KurrentDB: its own commit and prepare log positions.
 */
export type GlobalPosition = Readonly<{ commit: bigint; prepare: bigint }>;

/** What the writer believes about the stream before appending. */
export type ExpectedRevision =
  /** Append whatever the stream's state. */
  | 'any'
  /** The stream must not exist yet. */
  | 'no_stream'
  /** The stream must hold at least one event. */
  | 'stream_exists'
  /** The stream's last event must have exactly this revision (0-based). */
  | number;

/** Who caused an event: a person (with role and device) or the system itself. */
export type Actor = Readonly<{
  userId: string;
  role: string;
  deviceId?: string | undefined;
}>;

/** W3C trace context of the request that caused the event. */
export type TraceContext = Readonly<{ traceparent: string; tracestate?: string | undefined }>;

export type EventMetadata = Readonly<{
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  traceContext: TraceContext | null;
}>;

export type EventData = Readonly<Record<string, unknown>>;

/** An event the application wants to store. */
export type NewEvent = Readonly<{
  /** A UUID chosen by the writer; appending the same id twice is how retries stay idempotent. */
  eventId: string;
  type: string;
  schemaVersion: number;
  tenantId: string;
  /** Business time: when it happened at the till (bounded by the application). */
  occurredAt: Date;
  data: EventData;
  metadata: EventMetadata;
}>;

/** An event as stored: the full envelope of DOMAIN.md "Events". */
export type RecordedEvent = NewEvent &
  Readonly<{
    streamId: string;
    /** 0-based position of the event within its stream. */
    streamRevision: number;
    position: GlobalPosition;
    /** Server time at which the store accepted the event. */
    recordedAt: Date;
    /**
     * Hex SHA-256 chaining the event to its stream predecessor (ADR 0023), where the store keeps
     * the chain; null for an event stored before it and not upgraded yet.
     */
    hash?: string | null;
  }>;

export type AppendResult = Readonly<{
  /** Revision of the last event appended: the expected revision of the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: GlobalPosition;
  /** True when these event ids were already stored at this place and nothing was written. */
  replayed: boolean;
  /** The options' `answer` was recorded in the append's transaction. */
  answered?: boolean;
}>;

export type ReadStreamOptions = Readonly<{
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the first revision forwards and the last backwards. */
  fromRevision?: number;
  maxCount?: number;
}>;

export type ReadAllOptions = Readonly<{
  /** Exclusive: read what comes after this position. Absent: from the start. */
  after?: GlobalPosition;
  maxCount?: number;
  /**
   * Only this tenant's events, still in global order (an auditor's export). A page may then hold
   * fewer than `maxCount` events with more to come: only an empty page ends the log.
   */
  tenantId?: string;
}>;

export type SubscribeToAllOptions = Readonly<{
  /** Exclusive checkpoint: the position of the last event the subscriber has handled. */
  after?: GlobalPosition;
  /** Most events in one batch. */
  batchSize?: number;
  /** Ends the subscription; the iterator then returns. */
  signal?: AbortSignal;
}>;

/** Another stream an append was decided on, at the revision the decision saw (null: it did not exist). */
export type StreamAt = Readonly<{ streamId: string; revision: number | null }>;

/**
 * The answer to a request's Idempotency-Key, to be kept in the append's own transaction: the key
 * is then completed by the commit that writes the command's events, with no write of its own
 * (ADR 0019). The body is `bodyBefore`, the append's position as `<commit>.<prepare>`, `bodyAfter`.
 */
export type KeyAnswer = Readonly<{
  tenantId: string;
  deviceId: string;
  key: string;
  /** The claim that holds the key; a claim taken over meanwhile records nothing. */
  claimToken: string;
  status: number;
  headers: Readonly<Record<string, string>>;
  bodyBefore: string;
  bodyAfter: string;
}>;

export type AppendOptions = Readonly<{
  expectedRevision: ExpectedRevision;
  /** Recorded with the events if they are written (an adapter that cannot leaves it to the caller). */
  answer?: KeyAnswer;
  /**
   * Other streams the decision read (a sale's tenant, the drawer its cash goes to), each of
   * which must still be at the revision given, checked in the append itself: a command may then
   * decide on states it holds in memory without reading them first (ADR 0019).
   */
  unchanged?: readonly StreamAt[];
}>;

export interface EventStore {
  /**
   * Appends events to one stream atomically if the stream is where the writer expects, and
   * every `unchanged` stream still is where the decision saw it.
   * @throws WrongExpectedRevisionError when one is not (its `streamId` says which); nothing is written.
   * @throws DuplicateEventIdError when an event id is already stored elsewhere.
   */
  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /** Reads one stream in revision order; a stream that does not exist reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /**
   * Reads the global log in order. Never returns an event while an event that
   * will come before it may still commit, so paging by `after` misses nothing.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Catches up from the checkpoint, then follows new events live, in global order,
   * each exactly once. The next batch is read only when the consumer asks for it.
   */
  subscribeToAll(options?: SubscribeToAllOptions): AsyncIterable<readonly RecordedEvent[]>;

  /**
   * The position of the last event committed so far, or null when the store is empty. Every
   * append acknowledged before the call is at or before it, so a reader that has passed it has
   * seen them all (read-your-writes for projections: `src/projections/runner.ts`).
   */
  headPosition(): Promise<GlobalPosition | null>;

  /** Whether the store answers; for readiness checks. */
  ping(): Promise<void>;

  /** Ends live subscriptions and releases connections. */
  close(): Promise<void>;
}

export const START: GlobalPosition = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Text form for HTTP answers and checkpoints: `<commit>.<prepare>`. */
export function formatPosition(position: GlobalPosition): string {
  return `${position.commit}.${position.prepare}`;
}

export function parsePosition(text: string): GlobalPosition | undefined {
  const match = /^(\d{1,20})\.(\d{1,20})$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or null when the stream does not exist. */
    readonly actual: number | null,
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${actual ?? 'no stream'}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly streamId: string) {
    super(`An event id of this append to ${streamId} is already stored at another place`);
    this.name = 'DuplicateEventIdError';
  }
}
