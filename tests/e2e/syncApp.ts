import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { GlobalPosition } from '../../src/application/ports/eventStore.js';
import { composeApi } from '../../src/compose.js';
import { bootstrapPlatformOwner } from '../../src/infrastructure/auth/bootstrap.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { assertTransactionIdsInPast } from '../../src/infrastructure/eventstore/postgres/transactionIds.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import { PASSWORD, type FullApp } from '../support/fullApp.js';
import { createScratchDatabase } from '../support/services.js';

/**
 * The real app as startFullApp wires it, over the embedded database or a scratch database on a
 * PostgreSQL server, so the sync tests run on both.
 */
export async function startSyncApp(serverUrl?: string): Promise<FullApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const scratch = serverUrl === undefined ? undefined : await createScratchDatabase(serverUrl);
  const postgres = await connectPostgres(scratch ? { kind: 'server', connectionString: scratch.url } : { kind: 'embedded', dataDir: undefined });
  await migrateToLatest(postgres.db);
  await assertTransactionIdsInPast(postgres.db);
  const eventStore = createPostgresEventStore(postgres);
  const { app, accounts, keys, deps, projections } = await composeApi({ config, logger: pino({ level: 'silent' }), postgres, eventStore });
  await app.ready();
  await projections.start();
  const owner = { email: `owner-${randomUUID()}@tillstream.example`, password: PASSWORD };
  await bootstrapPlatformOwner(postgres.db, systemClock, randomIds, owner);
  return {
    app,
    eventStore,
    accounts,
    db: postgres.db,
    keys,
    auth: config.auth,
    deps,
    routes: [],
    owner,
    projections,
    countEvents: async () => {
      let count = 0;
      let after: GlobalPosition | undefined;
      for (;;) {
        const page = await eventStore.readAll(after === undefined ? {} : { after });
        count += page.length;
        const last = page.at(-1);
        if (!last) return count;
        after = last.position;
      }
    },
    close: async () => {
      await app.close();
      await projections.stop();
      await eventStore.close();
      await scratch?.drop();
    },
  };
}
