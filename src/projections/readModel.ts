import type { Kysely, Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../application/events/decodeEvent.js';
import type { GlobalPosition } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';

/** The tables of one read model, as kysely types them: `{ table_name: RowType }`. */
export type Tables = Record<string, Record<string, unknown>>;

/**
 * A read model kept in PostgreSQL from the global log (ADR 0010, ADR 0016).
 *
 * Its tables live in a schema of their own, one per generation, which the runner creates and
 * puts first on the `search_path` of every transaction it hands over: `createTables` and
 * `applyBatch` name tables unqualified, and a blue/green rebuild fills a fresh generation while
 * the live one keeps serving, then switches in one transaction. Nothing outside the projection
 * writes its tables; readers reach them through `ReadModelAccess`.
 */
export interface ReadModel<T extends Tables = Tables> {
  readonly kind: 'read_model';
  /** Stable name: the checkpoint's key, the schema's prefix, the CLI's argument. */
  readonly name: string;
  /**
   * Version of the projection's code and tables. Raising it makes the next start rebuild the
   * model blue/green from the log before switching to it: the only way to change what it holds.
   */
  readonly version: number;
  /** Event types it reads; the runner hands it nothing else (the checkpoint still moves past the rest). */
  readonly handles: ReadonlySet<DecodedEventType>;
  /** Creates its tables and indexes, empty, in the schema first on the search path. */
  createTables(trx: Transaction<Database & T>): Promise<void>;
  /**
   * Applies one batch of events in global order, in the transaction that also moves the
   * checkpoint: exactly once. Set-based: fold the batch in memory, then write each touched row
   * once. Deterministic: no clock, no random, no I/O but `trx`; what it needs of a stream's
   * earlier events it keeps in its own tables. Applying a log in one batch or in many gives the
   * same rows.
   */
  applyBatch(trx: Transaction<Database & T>, events: readonly DecodedEvent[]): Promise<void>;
}

/** How query handlers reach a read model's live tables. */
export interface ReadModelAccess {
  /**
   * The model's live tables (its current generation's schema). With `after`, first waits until
   * the model has applied the log up to that position (read-your-writes).
   * @throws ApplicationError `unavailable` `READ_MODEL_BEHIND` when it has not within the wait (2 s).
   */
  tables<T extends Tables>(name: string, options?: Readonly<{ after?: GlobalPosition }>): Promise<Kysely<Database & T>>;
}
