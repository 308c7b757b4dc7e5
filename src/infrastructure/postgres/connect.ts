import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createAvailability } from './availability.js';
import type { Database } from './database.js';
import { lockDataDir } from './dataDirLock.js';
import { withPreparedStatements } from './preparedStatements.js';
import { createPGliteDialect } from './pgliteDialect.js';

/** How long the server path waits before it gives up (ADR 0012); each is in milliseconds. */
export type DatabaseTimeouts = Readonly<{
  /** A new connection must be made (or a pooled one handed over) within this. */
  connectMs: number;
  /** The server cancels a statement running longer (`statement_timeout`, SQLSTATE 57014). */
  statementMs: number;
  /** The server ends a session idle inside a transaction for longer (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number;
}>;

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 2_000, statementMs: 5_000, idleInTransactionMs: 10_000 };

/**
 * The client stops waiting for an answer this long after the server would have cancelled the
 * statement: the server's own timeout normally answers first; when it cannot answer (a black
 * hole), the client's still ends the wait.
 */
export const CLIENT_READ_MARGIN_MS = 500;

export type PostgresTarget =
  | Readonly<{ kind: 'server'; connectionString: string; maxConnections?: number; timeouts?: DatabaseTimeouts }>
  /** `dataDir` undefined: in memory, gone when the process ends (tests). */
  | Readonly<{ kind: 'embedded'; dataDir: string | undefined }>;

/**
 * A fixed, parameterized statement run beside kysely, for the few hot paths where its query
 * building shows in the profile (ADR 0002). `name` makes it a prepared statement on a server.
 */
export type RawQuery = <Row>(statement: Readonly<{ name: string; text: string; values: readonly unknown[]; /** Rows as arrays in select order (columns must have distinct names). */ rowMode?: 'array' }>) => Promise<Row[]>;

export type Postgres = Readonly<{
  db: Kysely<Database>;
  query: RawQuery;
  /** Whether the server answers (the embedded database always does until it is closed). */
  availability: Readonly<{
    isReachable(): boolean;
    /** Hears the circuit open (`false`, with the error that opened it) and close again (`true`). */
    onChange(listener: (reachable: boolean, error?: unknown) => void): void;
  }>;
}>;

/** Opens the database Tillstream keeps its events and read models in; `db.destroy()` closes it. */
export async function connectPostgres(target: PostgresTarget): Promise<Postgres> {
  if (target.kind === 'server') return connectServer(target);
  const embedded = async (pglite: PGlite, onDestroy?: () => Promise<void>): Promise<Postgres> => {
    const db = await opened(new Kysely<Database>({ dialect: createPGliteDialect(pglite, onDestroy) }));
    // Through kysely, so the statement waits its turn for PGlite's one session.
    const query: RawQuery = async <Row>({ text, values, rowMode }: { text: string; values: readonly unknown[]; rowMode?: 'array' }) => {
      const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(text, [...values]));
      // Row objects keep the select's column order.
      return rowMode === 'array' ? rows.map((row) => Object.values(row as object) as Row) : rows;
    };
    return { db, query, availability: { isReachable: () => !pglite.closed, onChange: () => undefined } };
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
 * A pool whose every wait is bounded (connect, statement, idle in a transaction, and the client's
 * read), whose clients' socket errors never go unheard, and with a circuit breaker in front:
 * a dependency's fault is a 503 for the request at hand, never a crash of the process.
 */
async function connectServer(target: Extract<PostgresTarget, { kind: 'server' }>): Promise<Postgres> {
  const timeouts = target.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const settings: pg.PoolConfig = {
    connectionString: target.connectionString,
    application_name: 'tillstream',
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    query_timeout: timeouts.statementMs + CLIENT_READ_MARGIN_MS,
    // Lets the OS notice a peer that vanished while a connection sits idle.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new pg.Pool({ ...settings, max: target.maxConnections ?? 20 });
  const listeners: ((reachable: boolean, error?: unknown) => void)[] = [];
  const availability = createAvailability({
    probe: () => probeServer(settings),
    onChange: (reachable, error) => {
      for (const listener of listeners) listener(reachable, error);
    },
  });
  // pg-pool listens for an idle client's 'error' and drops the client, but not once it is checked
  // out: then a lost socket would be an unhandled 'error' event, which ends the process. The query
  // running on it fails with the same error, and the client is destroyed on release.
  pool.on('connect', (client) => {
    client.on('error', (error: unknown) => {
      availability.observe(error);
    });
  });
  pool.on('error', (error: unknown) => {
    availability.observe(error);
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool, availability) }) });
  const db = await opened(kysely).catch((error: unknown) => {
    availability.close();
    throw error;
  });
  const query: RawQuery = async <Row>({ name, text, values, rowMode }: { name: string; text: string; values: readonly unknown[]; rowMode?: 'array' }) => {
    availability.assertReachable();
    try {
      // pg-pool releases the client with the error, which destroys it.
      return (await pool.query<Row & pg.QueryResultRow>({ name, text, values: [...values], ...(rowMode && { rowMode }) })).rows;
    } catch (error) {
      availability.observe(error);
      throw error;
    }
  };
  return {
    db,
    query,
    availability: { isReachable: availability.isReachable, onChange: (listener) => void listeners.push(listener) },
  };
}

/** One fresh connection and `SELECT 1`, bounded by the pool's own timeouts. */
async function probeServer(settings: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(settings);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    // Not awaited: ending a connection into a black hole may wait for the link to come back.
    client.end().catch(() => undefined);
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
