import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as eventStore from './migrations/2026_11_22_0001_event_store.js';
import * as accounts from './migrations/2026_11_22_0002_accounts.js';
import * as idempotency from './migrations/2026_11_22_0003_idempotency.js';
import * as projections from './migrations/2026_11_22_0004_projections.js';
import * as loginThrottle from './migrations/2026_11_22_0005_login_throttle.js';
import * as tenantOrders from './migrations/2026_11_22_0006_tenant_orders.js';
import * as loginsPerTenant from './migrations/2026_12_02_0007_logins_per_tenant.js';
import * as readModelGenerations from './migrations/2026_12_10_0008_read_model_generations.js';
import * as appendIfUnchanged from './migrations/2026_12_14_0009_append_if_unchanged.js';
import * as auditorRole from './migrations/2026_12_15_0010_auditor_role.js';
import * as hashChain from './migrations/2026_12_16_0011_hash_chain.js';
import * as personalDataKeys from './migrations/2026_12_16_0012_personal_data_keys.js';

// Listed by hand rather than read from disk so the same list works from src (tsx) and dist.
const migrations: Record<string, Migration> = {
  '2026_11_22_0001_event_store': eventStore,
  '2026_11_22_0002_accounts': accounts,
  '2026_11_22_0003_idempotency': idempotency,
  '2026_11_22_0004_projections': projections,
  '2026_11_22_0005_login_throttle': loginThrottle,
  '2026_11_22_0006_tenant_orders': tenantOrders,
  '2026_12_02_0007_logins_per_tenant': loginsPerTenant,
  '2026_12_10_0008_read_model_generations': readModelGenerations,
  '2026_12_14_0009_append_if_unchanged': appendIfUnchanged,
  '2026_12_15_0010_auditor_role': auditorRole,
  '2026_12_16_0011_hash_chain': hashChain,
  '2026_12_16_0012_personal_data_keys': personalDataKeys,
};

/** Brings the schema up to date; safe to run from several processes at once (kysely takes a lock). */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    throw result.error instanceof Error ? result.error : new Error('migration failed', { cause: result.error });
  }
  return result;
}

/** The schema as it was after `name` (tests of upgrades: a database written by an earlier version). */
export async function migrateUpTo<DB>(db: Kysely<DB>, name: string): Promise<void> {
  if (!(name in migrations)) throw new RangeError(`no migration ${name}`);
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const result = await migrator.migrateTo(name);
  if (result.error !== undefined) throw result.error instanceof Error ? result.error : new Error('migration failed', { cause: result.error });
}
