import { sql, type Transaction } from 'kysely';

/** PostgreSQL takes at most 65,535 parameters a statement; a chunk stays well under it. */
const PARAMETERS_PER_STATEMENT = 30_000;

type Row = Readonly<Record<string, unknown>>;

/**
 * Writes every touched row of a batch in as few statements as fit: a multi-row insert that
 * replaces the whole row on a key conflict. A read model folds its rows in memory first, so what
 * it writes is each row's final state, once.
 */
export async function upsertRows<DB>(trx: Transaction<DB>, table: string, key: readonly string[], rows: readonly Row[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const updated = columns.filter((column) => !key.includes(column));
  const perChunk = Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / columns.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((column) => row[column] ?? null))})`));
    const set =
      updated.length === 0
        ? sql`DO NOTHING`
        : sql`DO UPDATE SET ${sql.join(updated.map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`))}`;
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((column) => sql.id(column)))}) VALUES ${values}
      ON CONFLICT (${sql.join(key.map((column) => sql.id(column)))}) ${set}`.execute(trx);
  }
}
