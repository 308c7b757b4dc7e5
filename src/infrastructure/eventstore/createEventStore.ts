import type { EventStore } from '../../application/ports/eventStore.js';
import type { Config } from '../config/config.js';
import { connectPostgres } from '../postgres/connect.js';
import { migrateToLatest } from '../postgres/migrate.js';
import { createPostgresEventStore } from './postgres/postgresEventStore.js';
import { assertTransactionIdsInPast } from './postgres/transactionIds.js';

/** Opens the event store the configuration names, migrating its schema first. */
export async function createEventStore(config: Config): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    throw new Error('EVENT_STORE=kurrentdb: the KurrentDB adapter is not part of this version yet; use postgres');
  }
  const postgres = await connectPostgres(
    config.database.kind === 'server'
      ? { kind: 'server', connectionString: config.database.connectionString, maxConnections: config.database.poolSize }
      : { kind: 'embedded', dataDir: config.database.dataDir },
  );
  try {
    await migrateToLatest(postgres.db);
    await assertTransactionIdsInPast(postgres.db);
  } catch (error) {
    await postgres.db.destroy();
    throw error;
  }
  return createPostgresEventStore(postgres);
}
