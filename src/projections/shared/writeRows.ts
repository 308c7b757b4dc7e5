import { sql, type Transaction } from 'kysely';

/** Rows a statement carries: a few megabytes of JSON, well under what one parameter may hold. */
const ROWS_PER_STATEMENT = 5_000;

type Row = Readonly<Record<string, unknown>>;

/** JSON of the rows; a bigint (a sum PGlite read back) goes as its digits, which PostgreSQL reads exactly. */
function rowsJson(rows: readonly Row[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * Writes every touched row of a batch in as few statements as fit: one JSON parameter turned into
 * rows of the table's own type (`json_populate_recordset`), inserted, and replacing the whole row
 * on a key conflict. One small statement instead of a `VALUES` list of thousands of parameters:
 * PostgreSQL parses and plans a few lines, the client serializes one string. A jsonb column takes
 * the row's value as is (an object or an array, not a JSON string). A read model folds its rows in
 * memory first, so what it writes is each row's final state, once.
 */
export async function upsertRows<DB>(trx: Transaction<DB>, table: string, key: readonly string[], rows: readonly Row[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const updated = columns.filter((column) => !key.includes(column));
  const names = sql.join(columns.map((column) => sql.id(column)));
  const set =
    updated.length === 0
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET ${sql.join(updated.map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`))}`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await sql`INSERT INTO ${sql.table(table)} (${names})
      SELECT ${names} FROM json_populate_recordset(NULL::${sql.table(table)}, ${rowsJson(chunk)}::json)
      ON CONFLICT (${sql.join(key.map((column) => sql.id(column)))}) ${set}`.execute(trx);
  }
}
