import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { createScratchDatabase } from '../support/services.js';
import type { EventStoreFixture } from './eventStore.contract.js';

/** Each store on its own in-memory PGlite. */
export function pgliteFixture(): EventStoreFixture {
  return {
    async open(options = {}) {
      const postgres = await connectPostgres({ kind: 'embedded', dataDir: undefined });
      await migrateToLatest(postgres.db);
      const { delayBeforeCommit } = options;
      const store = createPostgresEventStore(postgres, delayBeforeCommit ? { beforeCommit: delayBeforeCommit } : {});
      return { store, dispose: () => store.close() };
    },
  };
}

/** Each store on its own scratch database of the server at `serverUrl`, dropped on dispose. */
export function serverFixture(serverUrl: string): EventStoreFixture {
  return {
    async open(options = {}) {
      const scratch = await createScratchDatabase(serverUrl);
      const postgres = await connectPostgres({ kind: 'server', connectionString: scratch.url });
      await migrateToLatest(postgres.db);
      const { delayBeforeCommit } = options;
      const store = createPostgresEventStore(postgres, delayBeforeCommit ? { beforeCommit: delayBeforeCommit } : {});
      return {
        store,
        async dispose() {
          await store.close();
          await scratch.drop();
        },
      };
    },
  };
}
