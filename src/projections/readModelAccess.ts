import type { Kysely } from 'kysely';
import { ApplicationError } from '../application/errors.js';
import { QueryRefusal } from '../application/queries/errors.js';
import { comparePositions, type GlobalPosition } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';
import { decode } from './checkpoints.js';
import type { Progress } from './progress.js';
import type { ReadModelAccess, Tables } from './readModel.js';

type Live = Readonly<{ schema: string; position: GlobalPosition | null; readAt: number }>;

export type ReadModelAccessDeps = Readonly<{
  db: Kysely<Database>;
  /** Names of the read models it serves; another name is a programming error. */
  names: ReadonlySet<string>;
  /** Rings when this process moved a checkpoint: a waiting query looks again at once. */
  progress: Progress;
  /** Longest wait for `after` (read-your-writes) before READ_MODEL_BEHIND. */
  waitMs?: number;
  /**
   * The log's head: an `after` past it names no event the server ever acknowledged (a position is
   * only handed out once committed), so it is refused at once rather than waited for in vain.
   */
  headPosition?: () => Promise<GlobalPosition | null>;
  /** How long the live generation's schema is taken from memory (a retired one stays longer than this). */
  cacheMs?: number;
}>;

/**
 * Queries reach a read model's live generation here (ADR 0016): its schema is remembered for a
 * second (a switch drops the retired one only after a grace well beyond that), and `after` waits
 * until the live generation has applied the log that far.
 */
export function createReadModelAccess(deps: ReadModelAccessDeps): ReadModelAccess {
  const waitMs = deps.waitMs ?? 2_000;
  const cacheMs = deps.cacheMs ?? 1_000;
  const cache = new Map<string, Live>();

  async function readLive(name: string): Promise<Live | undefined> {
    const row = await deps.db
      .selectFrom('projection_checkpoints')
      .select(['schema_name', 'position'])
      .where('name', '=', name)
      .where('state', '=', 'live')
      .where('generation', '>', 0)
      .executeTakeFirst();
    if (!row?.schema_name) {
      cache.delete(name);
      return undefined;
    }
    const live = { schema: row.schema_name, position: decode(row.position), readAt: performance.now() };
    cache.set(name, live);
    return live;
  }

  const reached = (live: Live, after: GlobalPosition): boolean => live.position !== null && comparePositions(live.position, after) >= 0;

  return {
    async tables<T extends Tables>(name: string, options: Readonly<{ after?: GlobalPosition }> = {}): Promise<Kysely<Database & T>> {
      if (!deps.names.has(name)) throw new RangeError(`no read model named ${name}`);
      const cached = cache.get(name);
      let live = cached && performance.now() - cached.readAt < cacheMs ? cached : await readLive(name);
      if (!live) {
        throw new ApplicationError('unavailable', 'READ_MODEL_BUILDING', 'This report is being built from the event log for the first time; retry shortly', { readModel: name });
      }
      const { after } = options;
      if (after && !reached(live, after)) {
        const head = deps.headPosition ? await deps.headPosition() : undefined;
        if (head !== undefined && (head === null || comparePositions(after, head) > 0)) {
          throw new QueryRefusal('POSITION_NOT_IN_LOG', 'No event has been recorded at that position: pass one a command answered');
        }
        const deadline = performance.now() + waitMs;
        for (;;) {
          const seen = deps.progress.current;
          live = (await readLive(name)) ?? live;
          if (reached(live, after)) break;
          const left = deadline - performance.now();
          if (left <= 0) {
            throw new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'The report has not caught up with that position yet; retry shortly', { readModel: name });
          }
          // Another process may be the one applying: look again within 25 ms even without a ring.
          await deps.progress.wait(seen, Math.min(25, left));
        }
      }
      return deps.db.withSchema(live.schema).withTables<T>();
    },
  };
}
