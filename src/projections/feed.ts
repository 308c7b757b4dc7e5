import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { decodeEvent, type DecodedEvent } from '../application/events/decodeEvent.js';
import { comparePositions, formatPosition, type GlobalPosition, type RecordedEvent } from '../application/ports/eventStore.js';
import type { Reactor } from '../application/reactors/reactor.js';
import type { Database } from '../infrastructure/postgres/database.js';
import { advanceCheckpoints, lockCheckpoint, readCheckpoint, slotKey, writeCheckpoint, type Move, type Slot } from './checkpoints.js';
import { analyzeGeneration, switchGeneration } from './generations.js';
import type { Progress } from './progress.js';
import type { RunnableReadModel } from './projection.js';

/** One thing the runner feeds in this process: a reactor, or one generation of a read model. */
export type Consumer =
  | Readonly<{ kind: 'reactor'; reactor: Reactor; slot: Slot }>
  | Readonly<{ kind: 'read_model'; model: RunnableReadModel; slot: Slot }>;

/** A batch of the log as every consumer sees it: read once, decoded once. */
export type DecodedBatch = Readonly<{
  /** The reader's position before the batch: a consumer behind it has a gap to read first. */
  from: GlobalPosition | null;
  recorded: readonly RecordedEvent[];
  /** Aligned with `recorded`: undefined for what no reader knows, the error for what fails to decode. */
  decoded: readonly (DecodedEvent | Error | undefined)[];
  /** The batch reached the log's readable end: a first build may go live. */
  atEnd: boolean;
}>;

export function decodeBatch(from: GlobalPosition | null, recorded: readonly RecordedEvent[], batchSize: number): DecodedBatch {
  const decoded = recorded.map((event) => {
    try {
      return decodeEvent(event);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  return { from, recorded, decoded, atEnd: recorded.length < batchSize };
}

/** Per consumer, in memory: how its failures stand (a poison event is retried with back-off, then halts it). */
type Retry = { attempts: number; retryAt: number; isolateUntil: GlobalPosition };

export type FeedDeps = Readonly<{
  db: Kysely<Database>;
  clock: Readonly<{ now(): Date }>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  progress: Progress;
  poisonAttempts: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}>;

export type FeedOutcome = Readonly<{
  /** Some consumer is behind the batch's start (a new generation, a retry now due): read again from lower. */
  behind: boolean;
  /** Events of the batch handed to consumers (applied or reacted). */
  handed: number;
}>;

/** The database did not answer: an outage, not a poison event; the caller backs off as a whole. */
export class OutageError extends Error {
  constructor(cause: unknown) {
    super('the database is unreachable', { cause });
    this.name = 'OutageError';
  }
}

const after = (position: GlobalPosition, than: GlobalPosition | null): boolean => than === null || comparePositions(position, than) > 0;
const samePosition = (a: GlobalPosition | null, b: GlobalPosition | null): boolean => (a === null || b === null ? a === b : comparePositions(a, b) === 0);
const handlesType = (handles: ReadonlySet<string>, type: string): boolean => handles.has(type);

type Item = Readonly<{ recorded: RecordedEvent; decoded: DecodedEvent | Error }>;

/**
 * Fans one batch out: each consumer gets the part after its own checkpoint, filtered to the event
 * types it handles; those with nothing to handle move their checkpoints in one statement. A read
 * model's part is applied in one transaction with its checkpoint, its generation's schema first on
 * the search path. A failure stays with its consumer: the others go on.
 */
export function createFeeder(deps: FeedDeps) {
  const retries = new Map<string, Retry>();

  const key = (consumer: Consumer): string => slotKey(consumer.slot);

  function waiting(consumer: Consumer, now: number): boolean {
    const retry = retries.get(key(consumer));
    return retry !== undefined && retry.retryAt > now;
  }

  /** When the next retry is due, for the follower's timer; undefined when none waits. */
  function nextRetryAt(): number | undefined {
    const times = [...retries.values()].map((retry) => retry.retryAt);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Consumers that may be fed now: not halted, not waiting out a back-off. */
  function eligible(consumers: readonly Consumer[]): readonly Consumer[] {
    const now = performance.now();
    return consumers.filter((consumer) => consumer.slot.halt === null && !waiting(consumer, now));
  }

  async function applyReadModel(model: RunnableReadModel, slot: Slot, items: readonly Item[], last: GlobalPosition): Promise<boolean> {
    const poison = items.find((item) => item.decoded instanceof Error);
    if (poison?.decoded instanceof Error) throw poison.decoded;
    const schema = slot.schema;
    if (schema === null) throw new Error(`read model ${slot.name} generation ${slot.generation} has no schema`);
    return deps.db.transaction().execute(async (trx) => {
      const at = await lockCheckpoint(trx, slot.name, slot.generation, schema);
      // Gone or retired, or another process applied this far already.
      if (at === undefined || (at !== null && comparePositions(at, last) >= 0)) return false;
      // Behind what this process last saw: never so (checkpoints only move on); read again.
      if (!samePosition(at, slot.position) && (at === null || !after(at, slot.position))) return false;
      const events = items.flatMap((item) => (item.decoded instanceof Error || !after(item.recorded.position, at) ? [] : [item.decoded]));
      if (events.length > 0) await model.applyBatch(trx, events);
      await writeCheckpoint(trx, slot.name, slot.generation, last, deps.clock.now());
      return true;
    });
  }

  async function react(reactor: Reactor, slot: Slot, items: readonly Item[], last: GlobalPosition): Promise<boolean> {
    const poison = items.find((item) => item.decoded instanceof Error);
    if (poison?.decoded instanceof Error) throw poison.decoded;
    const at = await readCheckpoint(deps.db, slot.name, slot.generation);
    if (at === undefined || (at !== null && comparePositions(at, last) >= 0)) return false;
    const events = items.flatMap((item) => (item.decoded instanceof Error || !after(item.recorded.position, at) ? [] : [item.decoded]));
    if (events.length > 0) await reactor.react(events);
    // At least once: if another process moved it meanwhile, it reacted too, and that is allowed.
    return (await advanceCheckpoints(deps.db, [{ name: slot.name, generation: slot.generation, from: at, to: last }], deps.clock.now())).size > 0;
  }

  async function reachable(): Promise<boolean> {
    try {
      await sql`SELECT 1`.execute(deps.db);
      return true;
    } catch {
      return false;
    }
  }

  async function failed(consumer: Consumer, items: readonly Item[], last: GlobalPosition, error: unknown): Promise<void> {
    if (!(await reachable())) throw new OutageError(error);
    const id = key(consumer);
    const retry = retries.get(id);
    const only = items.length === 1 ? items[0] : undefined;
    if (!only) {
      // Several events: find the one that fails by applying them one at a time until past this batch.
      retries.set(id, { attempts: retry?.attempts ?? 0, retryAt: performance.now(), isolateUntil: last });
      deps.logger.warn({ err: error, projection: consumer.slot.name, generation: consumer.slot.generation }, 'projection batch failed; applying it event by event');
      return;
    }
    const attempts = (retry?.attempts ?? 0) + 1;
    const { name, generation } = consumer.slot;
    const event = { position: formatPosition(only.recorded.position), eventId: only.recorded.eventId, eventType: only.recorded.type };
    if (attempts < deps.poisonAttempts) {
      const delayMs = Math.min(deps.retryDelayMs * 2 ** (attempts - 1), deps.maxRetryDelayMs);
      retries.set(id, { attempts, retryAt: performance.now() + delayMs, isolateUntil: retry?.isolateUntil ?? last });
      deps.logger.warn({ err: error, projection: name, generation, ...event, attempts, retryInMs: delayMs }, 'projection failed on an event; it retries');
      return;
    }
    retries.delete(id);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await deps.db
      .insertInto('projection_failures')
      .values({ name, generation, position: event.position, event_id: event.eventId, event_type: event.eventType, error: message.slice(0, 4_000), attempts, failed_at: deps.clock.now() })
      .onConflict((oc) => oc.columns(['name', 'generation']).where('resolution', 'is', null).doNothing())
      .execute();
    deps.logger.error(
      { err: error, projection: name, generation, ...event, attempts },
      `projection halted on a poison event; the others go on. After a fix: projections resume ${name}; to pass over it: projections skip ${name} ${event.position}`,
    );
  }

  function succeeded(consumer: Consumer, last: GlobalPosition): void {
    const id = key(consumer);
    const retry = retries.get(id);
    if (!retry) return;
    if (comparePositions(last, retry.isolateUntil) >= 0) retries.delete(id);
    else retries.set(id, { ...retry, attempts: 0 });
  }

  /** Forgets in-memory back-offs of a projection (an operator resumed it). */
  function forget(name: string): void {
    for (const id of [...retries.keys()]) if (id.startsWith(`${name}#`)) retries.delete(id);
  }

  async function feed(consumers: readonly Consumer[], batch: DecodedBatch, all: readonly Slot[]): Promise<FeedOutcome> {
    const lastOfBatch = batch.recorded.at(-1);
    if (!lastOfBatch) {
      // Nothing more to read: a build standing at the end may go live (a first build over an empty log, too).
      if (batch.atEnd) {
        for (const consumer of eligible(consumers)) {
          if (samePosition(consumer.slot.position, batch.from)) await afterMove(consumer, consumer.slot.position, true, all);
        }
      }
      return { behind: false, handed: 0 };
    }
    let behind = false;
    let handed = 0;
    const moves: { move: Move; consumer: Consumer }[] = [];
    const work: Promise<void>[] = [];
    for (const consumer of eligible(consumers)) {
      const { slot } = consumer;
      if (batch.from !== null && after(batch.from, slot.position)) {
        behind = true;
        continue;
      }
      const start = batch.recorded.findIndex((event) => after(event.position, slot.position));
      if (start < 0) continue;
      const handles = consumer.kind === 'reactor' ? consumer.reactor.handles : consumer.model.handles;
      const isolating = retries.has(key(consumer));
      let end = batch.recorded.length;
      const items: Item[] = [];
      for (let index = start; index < end; index += 1) {
        const decoded = batch.decoded[index];
        const recorded = batch.recorded[index];
        if (recorded === undefined || decoded === undefined || !handlesType(handles, recorded.type)) continue;
        items.push({ recorded, decoded });
        // Finding a poison event: this one handled event, and what comes before it.
        if (isolating) end = index + 1;
      }
      const last = (batch.recorded[end - 1] ?? lastOfBatch).position;
      if (items.length === 0) {
        moves.push({ move: { name: slot.name, generation: slot.generation, from: slot.position, to: last }, consumer });
        continue;
      }
      work.push(
        (async () => {
          try {
            const done = consumer.kind === 'reactor' ? await react(consumer.reactor, slot, items, last) : await applyReadModel(consumer.model, slot, items, last);
            succeeded(consumer, last);
            if (done) {
              handed += items.length;
              await afterMove(consumer, last, batch.atEnd && end === batch.recorded.length, all);
            }
          } catch (error) {
            // Its retry reads this part of the log again, from its own checkpoint.
            behind = true;
            await failed(consumer, items, last, error);
          }
        })(),
      );
    }
    if (moves.length > 0) {
      work.push(
        (async () => {
          const moved = await advanceCheckpoints(deps.db, moves.map(({ move }) => move), deps.clock.now());
          for (const { move, consumer } of moves) {
            if (moved.has(slotKey(move))) await afterMove(consumer, move.to, batch.atEnd && samePosition(move.to, lastOfBatch.position), all);
          }
        })(),
      );
    }
    const results = await Promise.allSettled(work);
    deps.progress.ring();
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    return { behind, handed };
  }

  /** A building generation goes live once it has caught up with the live one (or reached the log's end, for a first build). */
  async function afterMove(consumer: Consumer, at: GlobalPosition | null, atEnd: boolean, all: readonly Slot[]): Promise<void> {
    const { slot } = consumer;
    if (consumer.kind !== 'read_model' || slot.state !== 'building') return;
    const live = all.find((other) => other.name === slot.name && other.state === 'live');
    // The switch itself checks again, under its lock, that the build has passed the live one.
    const caughtUp = atEnd || (live !== undefined && (live.position === null || (at !== null && comparePositions(at, live.position) >= 0)));
    if (!caughtUp) return;
    if (slot.schema !== null) await analyzeGeneration(deps.db, slot.schema);
    if (await switchGeneration(deps.db, slot.name, slot.generation, deps.clock.now())) {
      deps.logger.info({ projection: slot.name, generation: slot.generation, version: slot.version, position: at && formatPosition(at) }, 'read model generation is live');
    }
  }

  return { feed, eligible, nextRetryAt, forget };
}

export type Feeder = ReturnType<typeof createFeeder>;
