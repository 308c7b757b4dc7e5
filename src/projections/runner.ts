import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ApplicationError } from '../application/errors.js';
import type { Clock } from '../application/ports/clock.js';
import { comparePositions, type EventStore, type GlobalPosition, type RecordedEvent } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';
import type { Reactor } from '../application/reactors/reactor.js';
import { advanceCheckpoint, ensureCheckpoints, listCheckpoints, readCheckpoint, writeCheckpoint } from './checkpoints.js';
import type { Projection, ReadModelProjection } from './projection.js';

export type ProjectionRunnerDeps = Readonly<{
  db: Kysely<Database>;
  eventStore: EventStore;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  projections: readonly Projection[];
  /** Most events applied in one transaction. */
  batchSize?: number;
  /** How long `catchUp` waits for the log's head before answering 503. */
  catchUpTimeoutMs?: number;
  /** Pause before following again after a failure; it doubles while failures go on. */
  retryDelayMs?: number;
  /** Longest pause between retries, so a follower resumes this soon after the database returns. */
  maxRetryDelayMs?: number;
}>;

export type ProjectionStatus = Readonly<{ name: string; position: GlobalPosition | null; updatedAt: Date }>;

export interface ProjectionRunner {
  /** Creates missing checkpoints and follows the log in the background until `stop`. */
  start(): Promise<void>;
  /**
   * Read-your-writes: returns once the projection has applied every event committed before the
   * call, applying them itself if the background follower has not yet.
   * @throws ApplicationError `unavailable` when the log's head cannot be reached in time.
   */
  catchUp(name: string): Promise<void>;
  /**
   * Empties the projection's tables and replays the whole log into them, in one pass to the head
   * as of the call; returns the events replayed. `onProgress` hears the running count per batch.
   */
  rebuild(name: string, onProgress?: (replayed: number) => void): Promise<number>;
  status(): Promise<readonly ProjectionStatus[]>;
  stop(): Promise<void>;
}

/**
 * Runs projections in this process. Several processes may run them over one database: every
 * batch locks the projection's checkpoint row and applies only if the checkpoint is still where
 * the batch starts, so each event is applied once; a runner that lost the race reads on from the
 * new checkpoint. The subscription (poll plus in-process wake-up) keeps the models fresh;
 * `catchUp` closes the remaining gap for commands that decide on a read model.
 */
export function createProjectionRunner(deps: ProjectionRunnerDeps): ProjectionRunner {
  const batchSize = deps.batchSize ?? 500;
  const catchUpTimeoutMs = deps.catchUpTimeoutMs ?? 5_000;
  const retryDelayMs = deps.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = Math.max(retryDelayMs, deps.maxRetryDelayMs ?? 4_000);
  const byName = new Map(deps.projections.map((projection) => [projection.name, projection]));
  const stopping = new AbortController();
  const followers: Promise<void>[] = [];
  let started: Promise<void> | undefined;

  function projectionNamed(name: string): Projection {
    const projection = byName.get(name);
    if (!projection) throw new RangeError(`no projection named ${name}; known: ${[...byName.keys()].join(', ')}`);
    return projection;
  }

  function ready(): Promise<void> {
    // A failure is not kept: the next caller tries again (the database may be back).
    started ??= ensureCheckpoints(deps.db, [...byName.keys()], deps.clock.now()).catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  }

  /** Hands the batch on if the checkpoint is still `from`; false when another runner moved it. */
  function handle(projection: Projection, from: GlobalPosition | null, batch: readonly RecordedEvent[]): Promise<boolean> {
    return projection.kind === 'reactor' ? react(projection, from, batch) : applyBatch(projection, from, batch);
  }

  /** A reactor's effects are not in our transaction: react, then move the checkpoint if no one else did. */
  async function react(reactor: Reactor, from: GlobalPosition | null, batch: readonly RecordedEvent[]): Promise<boolean> {
    const last = batch.at(-1);
    if (!last) return true;
    if (!samePosition(await readCheckpoint(deps.db, reactor.name), from)) return false;
    await reactor.react(batch);
    return advanceCheckpoint(deps.db, reactor.name, from, last.position, deps.clock.now());
  }

  async function applyBatch(projection: ReadModelProjection, from: GlobalPosition | null, batch: readonly RecordedEvent[]): Promise<boolean> {
    const last = batch.at(-1);
    if (!last) return true;
    return deps.db.transaction().execute(async (trx) => {
      const at = await readCheckpoint(trx, projection.name, true);
      if (!samePosition(at, from)) return false;
      for (const event of batch) await projection.apply(trx, event);
      await writeCheckpoint(trx, projection.name, last.position, deps.clock.now());
      return true;
    });
  }

  async function follow(projection: Projection): Promise<void> {
    const { signal } = stopping;
    const stopped = (): boolean => signal.aborted;
    let failures = 0;
    while (!stopped()) {
      try {
        await ready();
        let at = await readCheckpoint(deps.db, projection.name);
        if (failures > 0) deps.logger.info({ projection: projection.name, failures }, 'projection follows the log again');
        failures = 0;
        for await (const batch of deps.eventStore.subscribeToAll({ ...(at ? { after: at } : {}), batchSize, signal })) {
          // Moved on by a catch-up, a rebuild or another process: follow on from where it is now.
          if (!(await handle(projection, at, batch))) break;
          at = batch.at(-1)?.position ?? at;
        }
      } catch (error) {
        if (stopped()) return;
        // A database outage fails every round until it ends: back off, and say so once loudly.
        const delayMs = Math.min(retryDelayMs * 2 ** Math.min(failures, 16), maxRetryDelayMs);
        failures++;
        const log = { err: error, projection: projection.name, failures, retryInMs: delayMs };
        if (failures === 1) deps.logger.error(log, 'projection failed; it retries');
        else deps.logger.warn(log, 'projection still failing; it retries');
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  async function catchUpTo(projection: Projection, target: GlobalPosition, deadline: number, onProgress?: (applied: number) => void): Promise<number> {
    let applied = 0;
    for (;;) {
      const at = await readCheckpoint(deps.db, projection.name);
      if (at && comparePositions(at, target) >= 0) return applied;
      const batch = await deps.eventStore.readAll({ ...(at ? { after: at } : {}), maxCount: batchSize });
      if (batch.length > 0 && (await handle(projection, at, batch))) {
        applied += batch.length;
        onProgress?.(applied);
      }
      if (performance.now() > deadline) {
        throw new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'A read model this command needs is catching up; retry shortly', { readModel: projection.name });
      }
      // Nothing readable yet: an older transaction still running holds the log back (ADR 0003).
      if (batch.length === 0) await sleep(5);
    }
  }

  return {
    async start() {
      try {
        await ready();
      } catch (error) {
        // The followers keep trying (with back-off) until the database answers.
        deps.logger.error({ err: error }, 'projection checkpoints could not be created yet; the followers retry');
      }
      for (const projection of byName.values()) followers.push(follow(projection));
    },
    async catchUp(name) {
      const projection = projectionNamed(name);
      await ready();
      const target = await deps.eventStore.headPosition();
      if (target) await catchUpTo(projection, target, performance.now() + catchUpTimeoutMs);
    },
    async rebuild(name, onProgress) {
      const projection = projectionNamed(name);
      await ready();
      await deps.db.transaction().execute(async (trx) => {
        await readCheckpoint(trx, projection.name, true);
        // A reactor has no tables: a rebuild replays its (idempotent) effects over the whole log.
        for (const table of projection.kind === 'read_model' ? projection.tables : []) await trx.deleteFrom(table).execute();
        await writeCheckpoint(trx, projection.name, null, deps.clock.now());
      });
      const target = await deps.eventStore.headPosition();
      return target ? catchUpTo(projection, target, Number.POSITIVE_INFINITY, onProgress) : 0;
    },
    async status() {
      await ready();
      return (await listCheckpoints(deps.db)).filter((row) => byName.has(row.name));
    },
    async stop() {
      stopping.abort();
      await Promise.all(followers);
    },
  };
}

function samePosition(a: GlobalPosition | null, b: GlobalPosition | null): boolean {
  if (a === null || b === null) return a === b;
  return comparePositions(a, b) === 0;
}
