import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
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
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.dataDir !== undefined) await mkdir(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.dataDir);
  return new Kysely<Database>({ dialect: createPGliteDialect(pglite) });
}
