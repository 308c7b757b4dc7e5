import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ApplicationError } from '../application/errors.js';
import type { Clock } from '../application/ports/clock.js';
import { comparePositions, formatPosition, type EventStore, type GlobalPosition } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';
import { ensureReactorCheckpoints, loadSlots, lockCheckpoint, slotKey, writeCheckpoint, type Halt, type Slot } from './checkpoints.js';
import { createFeeder, decodeBatch, OutageError, type Consumer } from './feed.js';
import { dropRetired, ensureGenerations, startGeneration } from './generations.js';
import { Progress } from './progress.js';
import type { Projection, RunnableReadModel } from './projection.js';


export type ProjectionRunnerDeps = Readonly<{
  db: Kysely<Database>;
  eventStore: EventStore;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  projections: readonly Projection[];
  /**
   * Most events read from the log at once and fanned out to every projection. Large, so a
   * rebuild or a follower far behind writes each touched row once per thousands of events (an
   * order's events mostly fall in one batch); a follower at the head reads what just came anyway.
   */
  batchSize?: number;
  /** How long `catchUp` waits for the log's head before answering 503. */
  catchUpTimeoutMs?: number;
  /** Pause before following again after an outage, and before a poison event's first retry; it doubles. */
  retryDelayMs?: number;
  /** Longest pause between retries, so a follower resumes this soon after the database returns. */
  maxRetryDelayMs?: number;
  /** Attempts at one event before its projection halts (a poison event). */
  poisonAttempts?: number;
  /** After a short batch, the follower waits this long so a burst of appends is read in one go. */
  coalesceMs?: number;
  /** How long a retired generation stays for the queries still on it before its schema is dropped. */
  retiredGraceMs?: number;
}>;

export type ProjectionStatus = Readonly<{
  name: string;
  kind: 'read_model' | 'reactor';
  generation: number;
  version: number | null;
  schema: string | null;
  state: 'building' | 'live' | 'retired';
  position: GlobalPosition | null;
  updatedAt: Date;
  /** Events committed after its checkpoint, and the age of the oldest of them (0 when caught up). */
  lagEvents: number;
  lagSeconds: number;
  /** Present while it is halted on a poison event. */
  halt: Halt | null;
}>;

export type RebuildProgress = Readonly<{ read: number; handed: number }>;

export interface ProjectionRunner {
  /** The projections it runs, by name. */
  readonly names: readonly string[];
  /** Rings when this process moved a checkpoint (read-your-writes waits listen). */
  readonly progress: Progress;
  /** Creates missing checkpoints and generations, and follows the log in the background until `stop`. */
  start(): Promise<void>;
  /**
   * Read-your-writes: returns once the projection has applied every event committed before the
   * call, applying them itself if the background follower has not yet; answers the position reached.
   * @throws ApplicationError `unavailable` `READ_MODEL_BEHIND` when the log's head cannot be reached in time,
   *   `READ_MODEL_HALTED` when the projection is halted on a poison event.
   */
  catchUp(name: string): Promise<GlobalPosition | null>;
  /**
   * Blue/green: builds a fresh generation of each named read model from the whole log (one read
   * feeding them all) while the live ones keep serving, and switches each once it has caught up;
   * a reactor is replayed from the start. Returns the events read.
   */
  rebuild(names: readonly string[], onProgress?: (progress: RebuildProgress) => void): Promise<number>;
  status(): Promise<readonly ProjectionStatus[]>;
  /** The projections halted on a poison event, cheaply (one query): for `/ready` details. */
  halts(): Promise<readonly Readonly<{ name: string; generation: number; halt: Halt }>[]>;
  /** Lets a halted projection try its poison event again (after a fix). False when it was not halted. */
  resume(name: string, by: string): Promise<boolean>;
  /**
   * Passes over the poison event a projection halted on, recorded for the auditor: it must be the
   * position the halt names. @throws RangeError otherwise.
   */
  skip(name: string, position: GlobalPosition, by: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs projections in this process (ADR 0010, ADR 0016). One follower reads the log once per
 * batch from the lowest checkpoint and fans it out, decoded once, to every read model generation
 * and reactor. Several processes may run over one database: every batch locks its checkpoint row
 * and applies only what lies beyond it, so each event is applied once per read model; reactors
 * move theirs by compare-and-set, at least once.
 */
export function createProjectionRunner(deps: ProjectionRunnerDeps): ProjectionRunner {
  const batchSize = deps.batchSize ?? 25_000;
  const catchUpTimeoutMs = deps.catchUpTimeoutMs ?? 5_000;
  const retryDelayMs = deps.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = Math.max(retryDelayMs, deps.maxRetryDelayMs ?? 4_000);
  const coalesceMs = deps.coalesceMs ?? 50;
  const retiredGraceMs = deps.retiredGraceMs ?? 10_000;
  const byName = new Map(deps.projections.map((projection) => [projection.name, projection]));
  const models = deps.projections.filter((projection): projection is RunnableReadModel => projection.kind === 'read_model');
  const reactors = deps.projections.filter((projection) => projection.kind === 'reactor');
  const progress = new Progress();
  const feeder = createFeeder({ db: deps.db, clock: deps.clock, logger: deps.logger, progress, poisonAttempts: deps.poisonAttempts ?? 5, retryDelayMs, maxRetryDelayMs });
  const stopping = new AbortController();
  const background: Promise<void>[] = [];
  let started: Promise<void> | undefined;

  function projectionNamed(name: string): Projection {
    const projection = byName.get(name);
    if (!projection) throw new RangeError(`no projection named ${name}; known: ${[...byName.keys()].join(', ')}`);
    return projection;
  }

  function ready(): Promise<void> {
    // A failure is not kept: the next caller tries again (the database may be back).
    started ??= (async () => {
      await ensureReactorCheckpoints(deps.db, reactors.map((reactor) => reactor.name), deps.clock.now());
      const building = await ensureGenerations(deps.db, models, deps.clock.now());
      if (building.length > 0) deps.logger.info({ projections: building }, 'read models get a new generation, built from the log while the live one serves');
    })().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  }

  /** What this process feeds: reactors, and the live and building generations built by this code's version. */
  function consumersOf(slots: readonly Slot[], only?: ReadonlySet<string>): Consumer[] {
    const consumers: Consumer[] = [];
    for (const slot of slots) {
      if (only && !only.has(slotKey(slot))) continue;
      const projection = byName.get(slot.name);
      if (!projection || slot.state === 'retired') continue;
      if (projection.kind === 'reactor') {
        if (slot.generation === 0) consumers.push({ kind: 'reactor', reactor: projection, slot });
      } else if (slot.generation > 0 && slot.version === projection.version) {
        consumers.push({ kind: 'read_model', model: projection, slot });
      }
    }
    return consumers;
  }

  function lowest(consumers: readonly Consumer[]): GlobalPosition | null {
    let low: GlobalPosition | null | undefined;
    for (const { slot } of consumers) {
      if (slot.position === null) return null;
      if (low === undefined || (low !== null && comparePositions(slot.position, low) < 0)) low = slot.position;
    }
    return low ?? null;
  }

  async function follow(): Promise<void> {
    const { signal: stopped } = stopping;
    const isStopped = (): boolean => stopped.aborted;
    let failures = 0;
    while (!isStopped()) {
      const round = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      try {
        await ready();
        const slots = await loadSlots(deps.db);
        const consumers = feeder.eligible(consumersOf(slots));
        if (failures > 0) deps.logger.info({ failures }, 'projections follow the log again');
        failures = 0;
        // Come back for a retry that falls due, and now and then to see halts resumed elsewhere.
        const retryAt = feeder.nextRetryAt();
        const halted = consumersOf(slots).some((consumer) => consumer.slot.halt !== null);
        const wakeInMs = Math.min(retryAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, retryAt - performance.now()), halted ? 1_000 : Number.POSITIVE_INFINITY);
        if (Number.isFinite(wakeInMs)) timer = setTimeout(() => {
            round.abort();
          }, wakeInMs);
        if (consumers.length === 0) {
          await sleep(Number.isFinite(wakeInMs) ? wakeInMs : 1_000, undefined, { signal: AbortSignal.any([stopped, round.signal]) }).catch(() => undefined);
          continue;
        }
        let from = lowest(consumers);
        const signal = AbortSignal.any([stopped, round.signal]);
        if (consumers.some((consumer) => consumer.slot.state === 'building')) {
          // A build already at the log's end goes live now, not when the next event comes.
          const peek = await deps.eventStore.readAll({ ...(from ? { after: from } : {}), maxCount: 1 });
          if (peek.length === 0) await feeder.feed(consumers, { ...decodeBatch(from, [], batchSize), atEnd: true }, slots);
        }
        for await (const recorded of deps.eventStore.subscribeToAll({ ...(from ? { after: from } : {}), batchSize, signal })) {
          const readAt = performance.now();
          const batch = decodeBatch(from, recorded, batchSize);
          const now = await loadSlots(deps.db);
          const outcome = await feeder.feed(consumersOf(now), batch, now);
          if (outcome.behind) break;
          from = recorded.at(-1)?.position ?? from;
          // A burst of appends (a till's sync) is read in one go rather than one read per append:
          // a round at the log's end lasts at least coalesceMs. Under load applying takes that long
          // already, and the next round starts at once (waiting would only add to the lag).
          const waitMs = coalesceMs - (performance.now() - readAt);
          if (batch.atEnd && waitMs > 1) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
        }
      } catch (error) {
        if (isStopped()) return;
        // A database outage fails every round until it ends: back off, and say so once loudly.
        const delayMs = Math.min(retryDelayMs * 2 ** Math.min(failures, 16), maxRetryDelayMs);
        failures++;
        const log = { err: error instanceof OutageError ? error.cause : error, failures, retryInMs: delayMs };
        if (failures === 1) deps.logger.error(log, 'projections failed; they retry');
        else deps.logger.warn(log, 'projections still failing; they retry');
        await sleep(delayMs, undefined, { signal: stopped }).catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async function housekeeping(): Promise<void> {
    const isStopped = (): boolean => stopping.signal.aborted;
    while (!isStopped()) {
      await sleep(Math.max(1_000, retiredGraceMs / 2), undefined, { signal: stopping.signal }).catch(() => undefined);
      if (isStopped()) return;
      try {
        const dropped = await dropRetired(deps.db, new Date(deps.clock.now().getTime() - retiredGraceMs));
        if (dropped.length > 0) deps.logger.info({ generations: dropped }, 'retired read model generations dropped');
      } catch (error) {
        deps.logger.warn({ err: error }, 'dropping retired read model generations failed; it retries');
      }
    }
  }

  /**
   * Feeds the chosen consumers from the lowest of them to the log's readable end (or `target`),
   * one read per batch; `done` says when to stop.
   */
  async function drive(
    pick: (slots: readonly Slot[]) => readonly Consumer[],
    done: (consumers: readonly Consumer[], slots: readonly Slot[]) => boolean,
    deadline: number,
    onBatch?: (read: number, handed: number) => void,
  ): Promise<number> {
    let read = 0;
    let handed = 0;
    for (;;) {
      const slots = await loadSlots(deps.db);
      const consumers = pick(slots);
      if (done(consumers, slots)) return read;
      if (performance.now() > deadline) return read;
      if (feeder.eligible(consumers).length === 0) {
        // Waiting out a back-off, or for another process (of newer code) to move the model.
        await sleep(5);
        continue;
      }
      const from = lowest(feeder.eligible(consumers));
      const recorded = await deps.eventStore.readAll({ ...(from ? { after: from } : {}), maxCount: batchSize });
      if (recorded.length > 0) {
        const outcome = await feeder.feed(consumers, decodeBatch(from, recorded, batchSize), slots);
        read += recorded.length;
        handed += outcome.handed;
        onBatch?.(read, handed);
      } else {
        // At the readable end: a build waiting for the live one to be passed tries to switch.
        await feeder.feed(consumers, { ...decodeBatch(from, [], batchSize), atEnd: true }, slots);
      }
      if (performance.now() > deadline) return read;
      // Nothing readable yet: an older transaction still running holds the log back (ADR 0003);
      // or a retry waits out its back-off.
      if (recorded.length === 0 || feeder.eligible(consumers).length === 0) await sleep(5);
    }
  }

  const atLeast = (position: GlobalPosition | null, target: GlobalPosition): boolean => position !== null && comparePositions(position, target) >= 0;

  return {
    names: [...byName.keys()],
    progress,
    async start() {
      try {
        await ready();
      } catch (error) {
        // The follower keeps trying (with back-off) until the database answers.
        deps.logger.error({ err: error }, 'projection checkpoints could not be created yet; the follower retries');
      }
      background.push(follow(), housekeeping());
    },
    async catchUp(name) {
      const projection = projectionNamed(name);
      await ready();
      const target = await deps.eventStore.headPosition();
      if (!target) return null;
      /** The live generation of this code, else the one being built (a first build goes live on reaching the head). */
      const primary = (slots: readonly Slot[]): Consumer | undefined => {
        const own = consumersOf(slots).filter((consumer) => consumer.slot.name === projection.name);
        return own.find((consumer) => consumer.slot.state === 'live') ?? own[0];
      };
      const halted = (consumer: Consumer | undefined): boolean => consumer?.slot.halt != null;
      let refusal: ApplicationError | undefined;
      await drive(
        (slots) => {
          const consumer = primary(slots);
          return consumer ? [consumer] : [];
        },
        (consumers, slots) => {
          const live = slots.find((slot) => slot.name === projection.name && slot.state === 'live');
          if (live && atLeast(live.position, target)) return true;
          if (halted(consumers[0])) {
            refusal = new ApplicationError('unavailable', 'READ_MODEL_HALTED', 'A read model this request needs is halted on an event it cannot apply; operators are told', { readModel: name });
            return true;
          }
          return false;
        },
        performance.now() + catchUpTimeoutMs,
      );
      if (refusal) throw refusal;
      const live = (await loadSlots(deps.db)).find((slot) => slot.name === projection.name && slot.state === 'live');
      if (!live || !atLeast(live.position, target)) {
        throw new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'A read model this request needs is catching up; retry shortly', { readModel: name });
      }
      return target;
    },
    async rebuild(names, onProgress) {
      const chosen = names.map((name) => projectionNamed(name));
      await ready();
      const keys = new Set<string>();
      for (const projection of chosen) {
        if (projection.kind === 'reactor') {
          // A reactor has no tables: its rebuild replays its (idempotent) effects over the whole log.
          await deps.db.transaction().execute(async (trx) => {
            await lockCheckpoint(trx, projection.name, 0);
            await writeCheckpoint(trx, projection.name, 0, null, deps.clock.now());
          });
          keys.add(`${projection.name}#0`);
        } else {
          keys.add(`${projection.name}#${await startGeneration(deps.db, projection, deps.clock.now())}`);
        }
      }
      const target = await deps.eventStore.headPosition();
      return drive(
        (slots) => consumersOf(slots, keys),
        (consumers, slots) => {
          for (const key of keys) {
            const slot = slots.find((candidate) => slotKey(candidate) === key);
            if (!slot) throw new Error(`the rebuild of ${key} was replaced by another; it goes on there`);
            if (slot.halt) throw new Error(`${slot.name} halted on event ${slot.halt.eventId} at ${formatPosition(slot.halt.position)}: ${slot.halt.error}`);
            const finished = slot.generation === 0 ? target === null || atLeast(slot.position, target) : slot.state !== 'building';
            if (!finished) return false;
          }
          return true;
        },
        Number.POSITIVE_INFINITY,
        (read, handed) => onProgress?.({ read, handed }),
      );
    },
    async status() {
      await ready();
      const slots = (await loadSlots(deps.db)).filter((slot) => byName.has(slot.name));
      const lags = new Map<string, Readonly<{ events: number; seconds: number }>>();
      for (const slot of slots) {
        const at = slot.position === null ? 'start' : formatPosition(slot.position);
        if (lags.has(at)) continue;
        lags.set(at, await lagAfter(deps, slot.position));
      }
      return slots.map((slot) => {
        const lag = lags.get(slot.position === null ? 'start' : formatPosition(slot.position)) ?? { events: 0, seconds: 0 };
        return {
          name: slot.name,
          kind: byName.get(slot.name)?.kind ?? 'read_model',
          generation: slot.generation,
          version: slot.version,
          schema: slot.schema,
          state: slot.state,
          position: slot.position,
          updatedAt: slot.updatedAt,
          lagEvents: lag.events,
          lagSeconds: lag.seconds,
          halt: slot.halt,
        };
      });
    },
    async halts() {
      return (await loadSlots(deps.db)).flatMap((slot) => (slot.halt && byName.has(slot.name) && slot.state !== 'retired' ? [{ name: slot.name, generation: slot.generation, halt: slot.halt }] : []));
    },
    async resume(name, by) {
      projectionNamed(name);
      const result = await deps.db
        .updateTable('projection_failures')
        .set({ resolution: 'resumed', resolved_at: deps.clock.now(), resolved_by: by })
        .where('name', '=', name)
        .where('resolution', 'is', null)
        .executeTakeFirst();
      feeder.forget(name);
      return result.numUpdatedRows > 0n;
    },
    async skip(name, position, by) {
      projectionNamed(name);
      await deps.db.transaction().execute(async (trx) => {
        const failure = await trx
          .selectFrom('projection_failures')
          .select(['id', 'generation', 'position'])
          .where('name', '=', name)
          .where('resolution', 'is', null)
          .forUpdate()
          .executeTakeFirst();
        if (!failure) throw new RangeError(`${name} is not halted: there is no event to skip`);
        if (failure.position !== formatPosition(position)) throw new RangeError(`${name} halted at ${failure.position}, not at ${formatPosition(position)}`);
        const at = await lockCheckpoint(trx, name, failure.generation);
        if (at === undefined || (at !== null && comparePositions(at, position) >= 0)) throw new RangeError(`${name} is already past ${failure.position}`);
        await writeCheckpoint(trx, name, failure.generation, position, deps.clock.now());
        await trx.updateTable('projection_failures').set({ resolution: 'skipped', resolved_at: deps.clock.now(), resolved_by: by }).where('id', '=', failure.id).execute();
      });
      feeder.forget(name);
    },
    async stop() {
      stopping.abort();
      await Promise.all(background);
    },
  };
}

/** How far behind a checkpoint is: events committed after it, and how long the oldest of them has waited. */
async function lagAfter(deps: Pick<ProjectionRunnerDeps, 'db' | 'eventStore' | 'clock'>, position: GlobalPosition | null): Promise<Readonly<{ events: number; seconds: number }>> {
  const [next] = await deps.eventStore.readAll({ ...(position ? { after: position } : {}), maxCount: 1 });
  if (!next) return { events: 0, seconds: 0 };
  const bound = position ?? { commit: 0n, prepare: 0n };
  // Counted in the store's own table: the port reads events, it does not count them.
  const { rows } = await sql<{ count: string | number | bigint }>`
    SELECT count(*) AS count FROM events
     WHERE (transaction_id, global_position) > (${bound.commit.toString()}::xid8, ${bound.prepare.toString()}::bigint)`.execute(deps.db);
  const seconds = Math.max(0, (deps.clock.now().getTime() - next.recordedAt.getTime()) / 1000);
  return { events: Number(rows[0]?.count ?? 0), seconds };
}
