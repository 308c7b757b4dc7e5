import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { DatabaseUnavailableError } from './unavailable.js';

/**
 * Kysely over PGlite, the embedded default. PGlite is one session, so the driver
 * hands its single connection to one caller at a time: a transaction holds it
 * from BEGIN to COMMIT and everyone else queues, as they would for a pool of one.
 */
/** `onDestroy` runs after PGlite is closed (releases the data directory's lock). */
export function createPGliteDialect(pglite: PGlite, onDestroy: () => Promise<void> = () => Promise.resolve()): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pglite, onDestroy),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    let result;
    try {
      result = await this.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    } catch (error) {
      throw engineFailure(this.pglite, error) ?? error;
    }
    return result.affectedRows === undefined
      ? { rows: result.rows }
      : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(
    private readonly pglite: PGlite,
    private readonly onDestroy: () => Promise<void>,
  ) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.pglite.closed) throw new DatabaseUnavailableError('the embedded database is closed');
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '';
    await connection.executeQuery(CompiledQuery.raw(`BEGIN${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    await this.onDestroy();
  }
}

/**
 * PGlite refusing a statement (a SQLSTATE on the error) is the statement's fault; PGlite closed,
 * closing, or its WebAssembly engine aborted is the database's: that request answers 503.
 */
function engineFailure(pglite: PGlite, error: unknown): DatabaseUnavailableError | undefined {
  // A WebAssembly.RuntimeError (named so) is the engine aborting.
  const failed =
    pglite.closed ||
    (error instanceof Error && (error.name === 'RuntimeError' || /^PGlite (is closed|is closing|failed to initialize)/.test(error.message)));
  return failed ? new DatabaseUnavailableError('the embedded database failed', { cause: error }) : undefined;
}
