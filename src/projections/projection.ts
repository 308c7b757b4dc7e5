import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../application/ports/eventStore.js';
import type { Reactor } from '../application/reactors/reactor.js';
import type { Database } from '../infrastructure/postgres/database.js';

/**
 * A read model kept in PostgreSQL from the global log. The runner hands it events in global
 * order, in batches, each batch in one transaction together with the checkpoint: an event is
 * applied exactly once, and a rebuild from history replays the very same calls.
 */
export interface ReadModelProjection {
  readonly kind: 'read_model';
  /** Stable name; the checkpoint's key. */
  readonly name: string;
  /** Tables it alone writes; a rebuild empties them and replays the log. */
  readonly tables: readonly (keyof Database)[];
  /** Applies one event; events it has no use for are ignored. Deterministic: no clock, no I/O but `trx`. */
  apply(trx: Transaction<Database>, event: RecordedEvent): Promise<void>;
}

/** What the runner feeds: read models (exactly once, in the batch's transaction) and reactors (at least once). */
export type Projection = ReadModelProjection | Reactor;
