import type { ColumnType, Generated } from 'kysely';

/**
 * Every table Tillstream keeps in PostgreSQL. Table types live only here; other
 * modules take `Kysely<Database>` and use the aliases below.
 */
export interface Database {
  events: EventsTable;
}

/** Bigints arrive as strings from `pg` and as `bigint` from PGlite. */
type Int8 = ColumnType<string | bigint, string | bigint | number, never>;

export interface EventsTable {
  global_position: Generated<Int8>;
  /** xid8 of the writing transaction; the first key of the global order (ADR 0003). */
  transaction_id: ColumnType<string, never, never>;
  event_id: string;
  stream_id: string;
  stream_revision: Int8;
  tenant_id: string;
  type: string;
  schema_version: number;
  data: ColumnType<Record<string, unknown>, string, never>;
  metadata: ColumnType<Record<string, unknown>, string, never>;
  occurred_at: ColumnType<Date, Date | string, never>;
  recorded_at: ColumnType<Date, never, never>;
}
