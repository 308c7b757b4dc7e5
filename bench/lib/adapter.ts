import type { NewEvent } from '../../src/application/ports/eventStore.js';
import type { CatchUpVariant, StoreName } from './protocol.js';

/** One event as a global-log reader saw it. */
export type ReadItem = Readonly<{
  eventId: string;
  /** The store's sequence number (global_position): used to detect out-of-order commits. */
  sequence: bigint;
}>;

/** Pages through the global log from the start, the way a projection would. */
export interface GlobalReader {
  /** The next page after the last one returned; empty when nothing more is visible yet. */
  next(): Promise<readonly ReadItem[]>;
}

/**
 * Stream revisions are ours: 0-based revision of the stream's last event.
 * The Emmett adapter translates to and from its 1-based stream versions.
 */
export interface StreamWriter {
  /** Appends to a stream that must not exist; returns the revision of the last event appended. */
  appendNew(streamId: string, events: readonly NewEvent[]): Promise<number>;
  /** Appends if the stream's last revision is exactly `expectedRevision`. */
  appendExact(streamId: string, events: readonly NewEvent[], expectedRevision: number): Promise<number>;
}

export interface DelayedWriter extends StreamWriter {
  close(): Promise<void>;
}

export interface StoreAdapter extends StreamWriter {
  readonly name: StoreName;
  /** Largest number of connections the store's pool opens. */
  readonly poolSize: number;
  /** What the adapter had to choose to make the comparison fair; printed with the results. */
  readonly notes: readonly string[];
  /** Creates the store's schema in the scratch database. */
  setup(): Promise<void>;
  /** Events in the store's table (plain SQL count, for sanity checks). */
  countEvents(): Promise<number>;
  reader(batchSize: number): GlobalReader;
  /**
   * Reads every event from the start with the store's own subscription or
   * consumer machinery, each variant ending when caught up or after `budgetSeconds`.
   */
  catchUp(batchSize: number, budgetSeconds: number): Promise<CatchUpVariant[]>;
  /**
   * A writer whose appends run in an explicit transaction and wait `delayMs()`
   * between the insert and the commit, so commits land out of order.
   */
  delayedWriter(delayMs: () => number, maxConnections: number): Promise<DelayedWriter>;
  close(): Promise<void>;
}
