import type { EventStore } from '../../application/ports/eventStore.js';
import type { Config } from '../config/config.js';
import { connectPostgres, type Postgres } from '../postgres/connect.js';
import { migrateToLatest } from '../postgres/migrate.js';
import { createPostgresEventStore } from './postgres/postgresEventStore.js';
import { assertTransactionIdsInPast } from './postgres/transactionIds.js';

export type Storage = Readonly<{ postgres: Postgres; eventStore: EventStore }>;

/**
 * Opens the PostgreSQL database (server or embedded) that holds read models, logins and
 * idempotency keys, migrates it, and the event store the configuration names.
 */
export async function openStorage(config: Config): Promise<Storage> {
  if (config.eventStore === 'kurrentdb') {
    throw new Error('EVENT_STORE=kurrentdb: the KurrentDB adapter is not part of this version yet; use postgres');
  }
  const postgres = await connectPostgres(
    config.database.kind === 'server'
      ? { kind: 'server', connectionString: config.database.connectionString, maxConnections: config.database.poolSize, timeouts: config.database.timeouts }
      : { kind: 'embedded', dataDir: config.database.dataDir },
  );
  try {
    await migrateToLatest(postgres.db);
    await assertTransactionIdsInPast(postgres.db);
  } catch (error) {
    await postgres.db.destroy();
    throw error;
  }
  return { postgres, eventStore: createPostgresEventStore(postgres) };
}
