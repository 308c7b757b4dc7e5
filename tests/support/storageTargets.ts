import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import { composeApi } from '../../src/compose.js';
import { bootstrapPlatformOwner } from '../../src/infrastructure/auth/bootstrap.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres, type Postgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { createPersonalDataKeyring, type PersonalDataKeyring } from '../../src/infrastructure/personalData/keyring.js';
import { configuredMasterKeys } from '../../src/infrastructure/personalData/masterKeys.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import { PASSWORD, countEvents, type FullApp } from './fullApp.js';
import { createScratchDatabase, postgresServerUrl } from './services.js';

/**
 * Migrated storage: the embedded database in memory, or a scratch database on the test server.
 * `eventStore` is the store as stored; `personalData`, when given, the keyring it was opened with.
 */
export type OpenedStorage = Readonly<{ postgres: Postgres; eventStore: EventStore; personalData?: PersonalDataKeyring; dispose: () => Promise<void> }>;

/** `describe.each` rows: PGlite always, the PostgreSQL server when TEST_DATABASE_URL is set. */
export function storageTargets(): [string, () => Promise<OpenedStorage>][] {
  const targets: [string, () => Promise<OpenedStorage>][] = [['PGlite', () => openTestStorage()]];
  const serverUrl = postgresServerUrl();
  if (serverUrl) targets.push(['PostgreSQL server', () => openTestStorage(serverUrl)]);
  return targets;
}

/** The embedded database in memory, or (given a server URL) a scratch database there, dropped on dispose. */
export async function openTestStorage(serverUrl?: string): Promise<OpenedStorage> {
  if (serverUrl === undefined) return open({ kind: 'embedded', dataDir: undefined });
  const scratch = await createScratchDatabase(serverUrl);
  const opened = await open({ kind: 'server', connectionString: scratch.url });
  return {
    ...opened,
    async dispose() {
      await opened.dispose();
      await scratch.drop();
    },
  };
}

async function open(target: Parameters<typeof connectPostgres>[0]): Promise<OpenedStorage> {
  const postgres = await connectPostgres(target);
  await migrateToLatest(postgres.db);
  const eventStore = createPostgresEventStore(postgres);
  return { postgres, eventStore, dispose: () => eventStore.close() };
}

/**
 * The real app as `startFullApp` wires it (composeApi, read models and reactors running, a
 * bootstrapped platform owner), over the given storage, with the event store it is handed
 * (e.g. one that crashes at a chosen point: tests/support/crash.ts). `env` adds to the
 * configuration the app is composed with (timeouts, rate limits).
 */
export async function startFullAppOn(
  storage: OpenedStorage,
  eventStore: EventStore = storage.eventStore,
  env: Readonly<Record<string, string>> = {},
): Promise<FullApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const { postgres } = storage;
  const personalData = storage.personalData ?? createPersonalDataKeyring(postgres.db, configuredMasterKeys(config.personalData));
  const { app, accounts, keys, deps, projections } = await composeApi({ config, logger: pino({ level: 'silent' }), postgres, eventStore, personalData });
  await app.ready();
  await projections.start();
  const owner = { email: `owner-${randomUUID()}@tillstream.example`, password: PASSWORD };
  await bootstrapPlatformOwner(postgres.db, systemClock, randomIds, owner);
  return {
    app,
    // Personal data opened, past whatever the handed store does.
    eventStore: deps.eventStore,
    storedEvents: storage.eventStore,
    personalData,
    accounts,
    db: postgres.db,
    keys,
    auth: config.auth,
    deps,
    routes: [],
    owner,
    // The log as stored, past any crash the handed event store simulates.
    countEvents: () => countEvents(storage.eventStore),
    projections,
    close: async () => {
      await app.close();
      await projections.stop();
      await storage.dispose();
    },
  };
}
