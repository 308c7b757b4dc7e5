import type { Kysely, Transaction } from 'kysely';
import { formatPosition, parsePosition, type GlobalPosition } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';

/** Creates the checkpoint row of each projection, at the start of the log, unless it exists. */
export async function ensureCheckpoints(db: Kysely<Database>, names: readonly string[], now: Date): Promise<void> {
  if (names.length === 0) return;
  await db
    .insertInto('projection_checkpoints')
    .values(names.map((name) => ({ name, position: null, updated_at: now })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** The position of the last event the projection applied; null before the first. */
export async function readCheckpoint(db: Kysely<Database> | Transaction<Database>, name: string, lock = false): Promise<GlobalPosition | null> {
  let query = db.selectFrom('projection_checkpoints').select('position').where('name', '=', name);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new Error(`projection ${name} has no checkpoint row`);
  return decode(row.position);
}

export async function writeCheckpoint(trx: Transaction<Database>, name: string, position: GlobalPosition | null, now: Date): Promise<void> {
  await trx
    .updateTable('projection_checkpoints')
    .set({ position: position === null ? null : formatPosition(position), updated_at: now })
    .where('name', '=', name)
    .execute();
}

export async function listCheckpoints(db: Kysely<Database>): Promise<readonly Readonly<{ name: string; position: GlobalPosition | null; updatedAt: Date }>[]> {
  const rows = await db.selectFrom('projection_checkpoints').selectAll().orderBy('name').execute();
  return rows.map((row) => ({ name: row.name, position: decode(row.position), updatedAt: row.updated_at }));
}

function decode(text: string | null): GlobalPosition | null {
  if (text === null) return null;
  const position = parsePosition(text);
  if (!position) throw new Error(`malformed checkpoint ${text}`);
  return position;
}

/** Moves the checkpoint from `from` to `to` unless another runner moved it first; true when it moved. */
export async function advanceCheckpoint(db: Kysely<Database>, name: string, from: GlobalPosition | null, to: GlobalPosition, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('projection_checkpoints')
    .set({ position: formatPosition(to), updated_at: now })
    .where('name', '=', name)
    .where((eb) => (from === null ? eb('position', 'is', null) : eb('position', '=', formatPosition(from))))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
