import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { formatPosition, parsePosition, type GlobalPosition } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a projection halted: the event its apply kept failing on (migration 0008). */
export type Halt = Readonly<{ position: GlobalPosition; eventId: string; eventType: string; error: string; attempts: number; failedAt: Date }>;

/** One checkpoint row: a reactor (generation 0) or one generation of a read model. */
export type Slot = Readonly<{
  name: string;
  generation: number;
  version: number | null;
  schema: string | null;
  state: 'building' | 'live' | 'retired';
  retiredAt: Date | null;
  position: GlobalPosition | null;
  updatedAt: Date;
  halt: Halt | null;
}>;

export const slotKey = (slot: Readonly<{ name: string; generation: number }>): string => `${slot.name}#${slot.generation}`;

/** Every checkpoint row with the open failure of each, in one query (the runner reads it every batch). */
export async function loadSlots(db: Db): Promise<readonly Slot[]> {
  const rows = await db
    .selectFrom('projection_checkpoints as c')
    .leftJoin('projection_failures as f', (join) =>
      join.onRef('f.name', '=', 'c.name').onRef('f.generation', '=', 'c.generation').on('f.resolution', 'is', null),
    )
    .select([
      'c.name', 'c.generation', 'c.version', 'c.schema_name', 'c.state', 'c.retired_at', 'c.position', 'c.updated_at',
      'f.position as failed_position', 'f.event_id', 'f.event_type', 'f.error', 'f.attempts', 'f.failed_at',
    ])
    .orderBy('c.name')
    .orderBy('c.generation')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    generation: row.generation,
    version: row.version,
    schema: row.schema_name,
    state: row.state,
    retiredAt: row.retired_at,
    position: decode(row.position),
    updatedAt: row.updated_at,
    halt:
      row.failed_position === null || row.event_id === null || row.failed_at === null
        ? null
        : {
            position: decode(row.failed_position) ?? { commit: 0n, prepare: 0n },
            eventId: row.event_id,
            eventType: row.event_type ?? '',
            error: row.error ?? '',
            attempts: row.attempts ?? 0,
            failedAt: row.failed_at,
          },
  }));
}

/** Creates the checkpoint row of each reactor, at the start of the log, unless it exists. */
export async function ensureReactorCheckpoints(db: Db, names: readonly string[], now: Date): Promise<void> {
  if (names.length === 0) return;
  await db
    .insertInto('projection_checkpoints')
    .values(names.map((name) => ({ name, generation: 0, position: null, state: 'live' as const, updated_at: now })))
    .onConflict((oc) => oc.columns(['name', 'generation']).doNothing())
    .execute();
}

/**
 * The settings of a transaction that writes a generation: its schema first on the search path,
 * and asynchronous commit (ADR 0018): a read model's rows and its checkpoint commit together, so
 * a crash can only lose a suffix of both, which the follower applies again; no fsync per batch.
 */
export function schemaSettings(schema: string): RawBuilder<string> {
  return sql<string>`set_config('search_path', ${`"${schema}", public`}, true) || set_config('synchronous_commit', 'off', true)`;
}

/** The slot's position, its row locked for the rest of the transaction (the exactly-once guard). */
export async function lockCheckpoint(
  trx: Transaction<Database>,
  name: string,
  generation: number,
  /** A read model generation's schema, put first on the search path in the same round trip (see `useSchema`). */
  schema?: string,
): Promise<GlobalPosition | null | undefined> {
  let query = trx
    .selectFrom('projection_checkpoints')
    .select(['position', 'state'])
    .where('name', '=', name)
    .where('generation', '=', generation)
    .forUpdate();
  if (schema !== undefined) query = query.select(schemaSettings(schema).as('settings'));
  const row = await query.executeTakeFirst();
  // Gone (a rebuild replaced it) or retired: nothing more is applied to it.
  if (!row || row.state === 'retired') return undefined;
  return decode(row.position);
}

export async function readCheckpoint(db: Db, name: string, generation: number): Promise<GlobalPosition | null | undefined> {
  const row = await db.selectFrom('projection_checkpoints').select('position').where('name', '=', name).where('generation', '=', generation).executeTakeFirst();
  return row ? decode(row.position) : undefined;
}

export async function writeCheckpoint(trx: Transaction<Database>, name: string, generation: number, position: GlobalPosition | null, now: Date): Promise<void> {
  await trx
    .updateTable('projection_checkpoints')
    .set({ position: position === null ? null : formatPosition(position), updated_at: now })
    .where('name', '=', name)
    .where('generation', '=', generation)
    .execute();
}

export type Move = Readonly<{ name: string; generation: number; from: GlobalPosition | null; to: GlobalPosition }>;

/**
 * Moves several checkpoints in one statement, each only if it is still at its `from` (compare
 * and set): the batch held nothing for them, or a reactor's effects are done. Returns the keys moved.
 */
export async function advanceCheckpoints(db: Db, moves: readonly Move[], now: Date): Promise<ReadonlySet<string>> {
  if (moves.length === 0) return new Set();
  const values = sql.join(moves.map((move) => sql`(${move.name}, ${move.generation}::integer, ${move.from === null ? null : formatPosition(move.from)}::text, ${formatPosition(move.to)}::text)`));
  const { rows } = await sql<{ name: string; generation: number }>`
    UPDATE projection_checkpoints AS c SET position = m.target, updated_at = ${now}
      FROM (VALUES ${values}) AS m(name, generation, source, target)
     WHERE c.name = m.name AND c.generation = m.generation AND c.state <> 'retired'
       AND c.position IS NOT DISTINCT FROM m.source
    RETURNING c.name, c.generation`.execute(db);
  return new Set(rows.map((row) => slotKey(row)));
}

export function decode(text: string | null): GlobalPosition | null {
  if (text === null) return null;
  const position = parsePosition(text);
  if (!position) throw new Error(`malformed checkpoint ${text}`);
  return position;
}
