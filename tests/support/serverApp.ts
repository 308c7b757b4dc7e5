import { randomUUID } from 'node:crypto';
import type { GlobalPosition } from '../../src/application/ports/eventStore.js';
import { composeApi } from '../../src/compose.js';
import { bootstrapPlatformOwner } from '../../src/infrastructure/auth/bootstrap.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { openStorage } from '../../src/infrastructure/eventstore/createEventStore.js';
import type { Postgres } from '../../src/infrastructure/postgres/connect.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import { pino } from 'pino';
import { PASSWORD, type FullApp } from './fullApp.js';

export type ServerApp = FullApp & Readonly<{ postgres: Postgres }>;

/**
 * The real app as `src/main.ts` wires it (openStorage on `DATABASE_URL`, composeApi, projections
 * started), on a PostgreSQL server at `databaseUrl` (a scratch database, perhaps behind a proxy).
 * `env` adds to the environment (timeouts). Not listening: use `app.inject` or `app.listen`.
 */
export async function startServerApp(databaseUrl: string, env: Readonly<Record<string, string>> = {}): Promise<ServerApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...env });
  const { postgres, eventStore } = await openStorage(config);
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
    postgres,
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
    },
  };
}
