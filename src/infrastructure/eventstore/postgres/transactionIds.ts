import { sql, type Kysely } from 'kysely';
import type { Database } from '../../postgres/database.js';

export class TransactionIdsFromTheFutureError extends Error {
  readonly code = 'TRANSACTION_IDS_FROM_THE_FUTURE';
  constructor() {
    super(
      'Stored events carry transaction ids this PostgreSQL cluster has not reached yet. The database was ' +
        'probably restored from a logical dump (pg_dump) into a new cluster; readers would skip events. ' +
        'Restore from a physical backup instead (see ADR 0003).',
    );
    this.name = 'TransactionIdsFromTheFutureError';
  }
}

/**
 * The global order relies on transaction ids only growing (ADR 0003). Refuse to run on a database
 * whose events claim ids at or beyond the cluster's next one, instead of losing events silently.
 */
export async function assertTransactionIdsInPast(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ future: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM events WHERE transaction_id >= pg_snapshot_xmax(pg_current_snapshot())
    ) AS future`.execute(db);
  if (rows[0]?.future) throw new TransactionIdsFromTheFutureError();
}
