import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { DrawerCash } from './application/ports/drawerCash.js';
import { formatPosition, type EventStore } from './application/ports/eventStore.js';
import type { TenantSales } from './application/ports/tenantSales.js';
import type { PersonalDataVault } from './application/ports/personalData.js';
import { personalDataVaultOf, protectPersonalData } from './application/personalData/protectedEventStore.js';
import { createPersonalDataKeyring } from './infrastructure/personalData/keyring.js';
import { configuredMasterKeys } from './infrastructure/personalData/masterKeys.js';
import { createAuthService } from './infrastructure/auth/authService.js';
import { withSessionCache } from './infrastructure/auth/accountCache.js';
import { createAuthenticator } from './infrastructure/auth/authenticator.js';
import { createLoginThrottle, type LoginThrottle } from './infrastructure/auth/loginThrottle.js';
import { configureHashing } from './infrastructure/auth/secretHash.js';
import { createPostgresAccounts, type PostgresAccounts } from './infrastructure/auth/postgresAccounts.js';
import { createPostgresRefreshTokens } from './infrastructure/auth/refreshTokens.js';
import { loadSigningKeys, type SigningKeys } from './infrastructure/auth/signingKeys.js';
import type { Config } from './infrastructure/config/config.js';
import { buildApp } from './infrastructure/http/app.js';
import { registerAuthRoutes } from './infrastructure/http/routes/auth.js';
import { registerDirectoryRoutes } from './infrastructure/http/routes/directory.js';
import { registerDrawerRoutes } from './infrastructure/http/routes/drawers.js';
import { registerEmployeeRoutes } from './infrastructure/http/routes/employees.js';
import { registerOrderRoutes } from './infrastructure/http/routes/orders.js';
import { registerOrderQueryRoutes } from './infrastructure/http/routes/orderQueries.js';
import { registerSalesReportRoutes } from './infrastructure/http/routes/salesReports.js';
import { registerSupportRoutes } from './infrastructure/http/routes/support.js';
import { registerAuditRoutes } from './infrastructure/http/routes/audit.js';
import { recordSupportRead } from './application/commands/supportReads.js';
import { createPostgresAuditLog } from './infrastructure/audit/postgresAuditLog.js';
import { loadSealingKeys } from './infrastructure/audit/sealingKeys.js';
import { registerOperationsRoutes } from './infrastructure/http/routes/operations.js';
import { registerSyncRoutes } from './infrastructure/http/routes/sync.js';
import { registerTenantRoutes } from './infrastructure/http/routes/tenants.js';
import { registerTillRoutes } from './infrastructure/http/routes/tills.js';
import { createBatchLock } from './infrastructure/idempotency/batchLock.js';
import type { IdempotencyStore } from './infrastructure/idempotency/idempotencyStore.js';
import { registerIdempotency } from './infrastructure/idempotency/registerIdempotency.js';
import type { Postgres } from './infrastructure/postgres/connect.js';
import type { ProjectionRunner } from './projections/runner.js';
import { createReadModels } from './projections/readModels.js';
import { randomIds, systemClock } from './infrastructure/system.js';

export type Api = Readonly<{
  app: FastifyInstance;
  accounts: PostgresAccounts;
  keys: SigningKeys;
  idempotency: IdempotencyStore;
  /** Sign-in attempt windows; `main.ts` purges the ended ones. */
  throttle: LoginThrottle;
  /** Keeps the read models; `main.ts` starts it after listening and stops it before closing the store. */
  projections: ProjectionRunner;
  deps: Readonly<{
    /** The store with personal data encrypted and decrypted (ADR 0025): what every route and read model uses. */
    eventStore: EventStore;
    clock: typeof systemClock;
    ids: typeof randomIds;
    accounts: PostgresAccounts;
    drawerCash: DrawerCash;
    tenantSales: TenantSales;
    personalData: PersonalDataVault;
  }>;
}>;

/**
 * Wires the HTTP API over opened storage: accounts, signing keys, authentication, idempotency and
 * every route. `main.ts` listens on it; the end-to-end tests drive the very same wiring.
 * `beforeRoutes` runs on the app just before the /v1 routes are registered (tests collect them).
 * The event store is used with personal data encrypted (ADR 0025) whatever it is handed, so no
 * wiring can skip it: by `personalData`, else by the vault a store from `openStorage` is already
 * protected with, else by a keyring of the configured master key over `postgres`.
 */
export async function composeApi(
  options: Readonly<{
    config: Config;
    logger: FastifyBaseLogger;
    postgres: Postgres;
    eventStore: EventStore;
    /** The process's one vault (openStorage's keyring), so a forget here drops the key every reader of it holds. */
    personalData?: PersonalDataVault;
    beforeRoutes?: (app: FastifyInstance) => void;
  }>,
): Promise<Api> {
  const { config, logger, postgres } = options;
  const personalData =
    options.personalData ?? personalDataVaultOf(options.eventStore) ?? createPersonalDataKeyring(postgres.db, configuredMasterKeys(config.personalData));
  const eventStore = protectPersonalData(options.eventStore, personalData);
  if (config.personalData.development) logger.warn('sealing personal data with the development master key, which is published: set PERSONAL_DATA_MASTER_KEY');
  // The one accounts object of the process: its writes drop what authentication holds (ADR 0019).
  const accounts = withSessionCache(createPostgresAccounts(postgres.db, systemClock), { maxAgeMs: config.auth.sessionCacheMs });
  // Seals (ADR 0024): on demand from the audit routes and at every Z from the seal reactor.
  const auditLog = createPostgresAuditLog(postgres);
  const sealingKeys = loadSealingKeys(config.sealing);
  if (sealingKeys.development) logger.warn({ keyId: sealingKeys.signer.keyId }, 'signing seals with the development sealing key, which is published: set SEALING_KEY');
  const sealing = { eventStore, auditLog, archive: auditLog, signer: sealingKeys.signer, clock: systemClock, ids: randomIds };
  const readModels = createReadModels({ db: postgres.db, eventStore, clock: systemClock, logger, accounts, sealing });
  const deps = {
    eventStore,
    clock: systemClock,
    ids: randomIds,
    accounts,
    drawerCash: readModels.drawerCash,
    tenantSales: readModels.tenantSales,
    readModels: readModels.access,
    personalData,
  };
  const throttle = createLoginThrottle(postgres.db, systemClock);
  configureHashing(config.auth.hashing);
  const keys = await loadSigningKeys(config.auth.signingKeys);
  if (keys.development) logger.warn({ kid: keys.signer.kid }, 'signing access tokens with a generated development key');
  const auth = createAuthService({
    accounts,
    keys,
    clock: systemClock,
    ids: randomIds,
    config: config.auth,
    refreshTokens: createPostgresRefreshTokens(postgres.db, systemClock, randomIds, config.auth.refreshTokenTtlDays),
    throttle,
  });
  let idempotency: IdempotencyStore | undefined;
  const app = await buildApp({
    logger,
    authenticate: createAuthenticator({ accounts, keys, config: config.auth, clock: systemClock, eventStore }),
    recordSupportRead: (principal, read) => recordSupportRead({ eventStore, clock: systemClock, ids: randomIds }, principal, read),
    corsOrigins: config.http.corsOrigins,
    publicUrl: config.http.publicUrl,
    trustProxy: config.http.trustProxy,
    rateLimits: config.http.rateLimits,
    readinessChecks: { eventStore: () => eventStore.ping() },
    readinessDegradations: async () =>
      (await readModels.runner.halts()).map(({ name, generation, halt }) => ({
        component: 'projection',
        name,
        generation,
        reason: 'halted on a poison event',
        position: formatPosition(halt.position),
        eventId: halt.eventId,
      })),
    routes: (instance) => {
      options.beforeRoutes?.(instance);
      // First: its hooks must run after access control's and reach every command route.
      idempotency = registerIdempotency(instance, { db: postgres.db, clock: systemClock });
      registerAuthRoutes(instance, { auth, keys });
      registerTenantRoutes(instance, deps);
      registerEmployeeRoutes(instance, deps);
      registerOrderRoutes(instance, deps);
      registerOrderQueryRoutes(instance, deps);
      registerTillRoutes(instance, { ...deps, tillPeriods: readModels.tillPeriods });
      registerDrawerRoutes(instance, deps);
      registerDirectoryRoutes(instance, deps);
      registerSalesReportRoutes(instance, deps);
      registerSupportRoutes(instance, { ...deps, keys, tokens: config.auth });
      registerOperationsRoutes(instance, { projections: readModels.runner });
      registerAuditRoutes(instance, { ...deps, auditLog, sealing, verifier: sealingKeys.verifier });
      registerSyncRoutes(instance, { batchLock: createBatchLock(idempotency, systemClock) });
    },
  });
  if (!idempotency) throw new Error('the routes were not registered');
  return { app, accounts, keys, idempotency, throttle, projections: readModels.runner, deps };
}
