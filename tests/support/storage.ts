import type { EventStore } from '../../src/application/ports/eventStore.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres, type Postgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';

/** A fresh in-memory PGlite with the whole schema, and the event store over it. */
export async function openEmbeddedStorage(): Promise<Readonly<{ postgres: Postgres; eventStore: EventStore }>> {
  const postgres = await connectPostgres({ kind: 'embedded', dataDir: undefined });
  await migrateToLatest(postgres.db);
  return { postgres, eventStore: createPostgresEventStore(postgres) };
}
