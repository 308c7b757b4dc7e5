import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { lockDataDir } from './dataDirLock.js';
import { withPreparedStatements } from './preparedStatements.js';
import { createPGliteDialect } from './pgliteDialect.js';

export type PostgresTarget =
  | Readonly<{ kind: 'server'; connectionString: string; maxConnections?: number }>
  /** `dataDir` undefined: in memory, gone when the process ends (tests). */
  | Readonly<{ kind: 'embedded'; dataDir: string | undefined }>;

/**
 * A fixed, parameterized statement run beside kysely, for the few hot paths where its query
 * building shows in the profile (ADR 0002). `name` makes it a prepared statement on a server.
 */
export type RawQuery = <Row>(statement: Readonly<{ name: string; text: string; values: readonly unknown[] }>) => Promise<Row[]>;

export type Postgres = Readonly<{
  db: Kysely<Database>;
  query: RawQuery;
}>;

/** Opens the database Tillstream keeps its events and read models in; `db.destroy()` closes it. */
export async function connectPostgres(target: PostgresTarget): Promise<Postgres> {
  if (target.kind === 'server') {
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: target.maxConnections ?? 20,
      application_name: 'tillstream',
    });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const db = await opened(new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) }));
    const query: RawQuery = async <Row>({ name, text, values }: { name: string; text: string; values: readonly unknown[] }) =>
      (await pool.query<Row & pg.QueryResultRow>({ name, text, values: [...values] })).rows;
    return { db, query };
  }
  const embedded = async (pglite: PGlite, onDestroy?: () => Promise<void>): Promise<Postgres> => {
    const db = await opened(new Kysely<Database>({ dialect: createPGliteDialect(pglite, onDestroy) }));
    // Through kysely, so the statement waits its turn for PGlite's one session.
    const query: RawQuery = async <Row>({ text, values }: { text: string; values: readonly unknown[] }) =>
      (await db.executeQuery<Row>(CompiledQuery.raw(text, [...values]))).rows;
    return { db, query };
  };
  if (target.dataDir === undefined) return embedded(await PGlite.create());
  await mkdir(target.dataDir, { recursive: true });
  const unlock = await lockDataDir(target.dataDir);
  try {
    return await embedded(await PGlite.create(target.dataDir), unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

/**
 * Kysely connects lazily; a first query makes a bad URL fail here, at start, and makes
 * `destroy()` close what was opened even if nothing else ran.
 */
async function opened(db: Kysely<Database>): Promise<Kysely<Database>> {
  try {
    await sql`SELECT 1`.execute(db);
    return db;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
