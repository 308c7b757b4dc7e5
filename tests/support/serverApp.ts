import { loadConfig } from '../../src/infrastructure/config/config.js';
import { openStorage } from '../../src/infrastructure/eventstore/createEventStore.js';
import type { Postgres } from '../../src/infrastructure/postgres/connect.js';
import type { FullApp } from './fullApp.js';
import { startFullAppOn } from './storageTargets.js';

export type ServerApp = FullApp & Readonly<{ postgres: Postgres }>;

/**
 * The real app as `src/main.ts` wires it (openStorage on `DATABASE_URL`, so the pool gets the
 * configured timeouts; composeApi, projections started), on a PostgreSQL server at `databaseUrl`
 * (a scratch database, perhaps behind a proxy). `env` adds to the environment (timeouts, rate
 * limits). Not listening: use `app.inject` or `app.listen`.
 */
export async function startServerApp(databaseUrl: string, env: Readonly<Record<string, string>> = {}): Promise<ServerApp> {
  const withDatabase = { ...env, DATABASE_URL: databaseUrl };
  const { postgres, eventStore, personalData } = await openStorage(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...withDatabase }));
  const full = await startFullAppOn({ postgres, eventStore, personalData, dispose: () => eventStore.close() }, eventStore, withDatabase);
  return { ...full, postgres };
}
