import { sql, type Transaction } from 'kysely';

/**
 * How a column takes a batch's row: part of the conflict key, added to the stored value (a
 * delta), or replacing it (a label such as a product's latest name).
 */
export type ColumnRole = 'key' | 'add' | 'replace';
export type Column = Readonly<{ name: string; type: 'text' | 'date' | 'bigint' | 'integer' | 'smallint' | 'timestamptz' | 'jsonb'; role: ColumnRole }>;

/**
 * One multi-row upsert for all of a batch's rows of a table, whatever their number: the rows go
 * as one JSON parameter read by `json_to_recordset` (plain json: parsed once, never built into
 * jsonb first), so neither the parameter limit nor a
 * statement per row applies, and pg and PGlite take it alike.
 */
export async function upsertDeltas<DB>(
  trx: Transaction<DB>,
  table: string,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.join(columns.map((c) => sql.id(c.name)));
  const shape = sql.join(columns.map((c) => sql`${sql.id(c.name)} ${sql.raw(c.type)}`));
  const keys = sql.join(columns.filter((c) => c.role === 'key').map((c) => sql.id(c.name)));
  const updates = columns.flatMap((c) => {
    if (c.role === 'add') return [sql`${sql.id(c.name)} = ${sql.id('t', c.name)} + excluded.${sql.id(c.name)}`];
    if (c.role === 'replace') return [sql`${sql.id(c.name)} = excluded.${sql.id(c.name)}`];
    return [];
  });
  const onConflict = updates.length === 0 ? sql`DO NOTHING` : sql`DO UPDATE SET ${sql.join(updates)}`;
  await sql`
    INSERT INTO ${sql.id(table)} AS t (${names})
    SELECT ${names} FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(${shape})
    ON CONFLICT (${keys}) ${onConflict}`.execute(trx);
}
