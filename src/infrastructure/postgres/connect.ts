import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { lockDataDir } from './dataDirLock.js';
import { createPGliteDialect } from './pgliteDialect.js';

export type PostgresTarget =
  | Readonly<{ kind: 'server'; connectionString: string; maxConnections?: number }>
  /** `dataDir` undefined: in memory, gone when the process ends (tests). */
  | Readonly<{ kind: 'embedded'; dataDir: string | undefined }>;

/** Opens the database Tillstream keeps its events and read models in. */
export async function connectPostgres(target: PostgresTarget): Promise<Kysely<Database>> {
  if (target.kind === 'server') {
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: target.maxConnections ?? 20,
      application_name: 'tillstream',
    });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    return opened(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
  }
  if (target.dataDir === undefined) {
    return opened(new Kysely<Database>({ dialect: createPGliteDialect(await PGlite.create()) }));
  }
  await mkdir(target.dataDir, { recursive: true });
  const unlock = await lockDataDir(target.dataDir);
  try {
    const pglite = await PGlite.create(target.dataDir);
    return await opened(new Kysely<Database>({ dialect: createPGliteDialect(pglite, unlock) }));
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
