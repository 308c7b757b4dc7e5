import type { EventStore } from '../../application/ports/eventStore.js';
import { protectPersonalData } from '../../application/personalData/protectedEventStore.js';
import { assertAuditUpgraded } from '../audit/upgrade.js';
import type { Config } from '../config/config.js';
import { assertMasterKeysKnown, createPersonalDataKeyring, type PersonalDataKeyring } from '../personalData/keyring.js';
import { configuredMasterKeys } from '../personalData/masterKeys.js';
import { connectPostgres, type Postgres } from '../postgres/connect.js';
import { migrateToLatest } from '../postgres/migrate.js';
import { createPostgresEventStore } from './postgres/postgresEventStore.js';
import { assertTransactionIdsInPast } from './postgres/transactionIds.js';

export type Storage = Readonly<{
  postgres: Postgres;
  /** Personal data encrypted on append and decrypted on read (ADR 0025), with `personalData`. */
  eventStore: EventStore;
  /** The process's one keyring: the API's forget destroys keys through it, so its cache never disagrees. */
  personalData: PersonalDataKeyring;
}>;

/**
 * Opens the PostgreSQL database (server or embedded) that holds read models, logins and
 * idempotency keys, migrates it, and the event store the configuration names, with personal data
 * encrypted by the configured master key.
 */
export async function openStorage(
  config: Config,
  /** `audit upgrade` opens a database that still needs it; everything else refuses one (ADR 0023). */
  options: Readonly<{ upgrading?: boolean }> = {},
): Promise<Storage> {
  if (config.eventStore === 'kurrentdb') {
    throw new Error('EVENT_STORE=kurrentdb: the KurrentDB adapter is not part of this version yet; use postgres');
  }
  const postgres = await connectPostgres(
    config.database.kind === 'server'
      ? { kind: 'server', connectionString: config.database.connectionString, maxConnections: config.database.poolSize, timeouts: config.database.timeouts }
      : { kind: 'embedded', dataDir: config.database.dataDir },
  );
  const personalData = createPersonalDataKeyring(postgres.db, configuredMasterKeys(config.personalData));
  try {
    await migrateToLatest(postgres.db);
    await assertTransactionIdsInPast(postgres.db);
    await assertMasterKeysKnown(postgres.db, personalData.masterKeys);
    if (options.upgrading !== true) await assertAuditUpgraded(postgres.db);
  } catch (error) {
    await postgres.db.destroy();
    throw error;
  }
  return { postgres, eventStore: protectPersonalData(createPostgresEventStore(postgres), personalData), personalData };
}

