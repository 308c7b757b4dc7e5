import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../src/infrastructure/postgres/database.js';

export type Dump = Readonly<Record<string, readonly string[]>>;

/** The live generation's schema of each read model (ADR 0016). */
export async function liveSchemas(db: Kysely<Database>): Promise<ReadonlyMap<string, string>> {
  const rows = await db
    .selectFrom('projection_checkpoints')
    .select(['name', 'schema_name'])
    .where('state', '=', 'live')
    .where('generation', '>', 0)
    .execute();
  return new Map(rows.flatMap((row) => (row.schema_name ? [[row.name, row.schema_name] as const] : [])));
}

/**
 * Every row of every table of a schema, each as canonical JSON (to_jsonb: one rendering whatever
 * the driver; keys sorted), sorted: two dumps are equal row for row.
 */
export async function dumpSchema(db: Kysely<Database>, schema: string): Promise<Dump> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const dump: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ j: Record<string, unknown> }>`SELECT to_jsonb(t) AS j FROM ${sql.id(schema, table_name)} t`.execute(db);
    dump[table_name] = rows.rows.map((row) => JSON.stringify(canonical(row.j))).sort();
  }
  return dump;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  return value;
}

/** One table of a live schema as to_jsonb renders its rows (sums as numbers, dates as text). */
export async function rowsOf(db: Kysely<Database>, schema: string, table: string): Promise<Record<string, unknown>[]> {
  const rows = await sql<{ j: Record<string, unknown> }>`SELECT to_jsonb(t) AS j FROM ${sql.id(schema, table)} t`.execute(db);
  return rows.rows.map((row) => row.j);
}
