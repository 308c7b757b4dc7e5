import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { openStorage } from './infrastructure/eventstore/createEventStore.js';
import { buildApp } from './infrastructure/http/app.js';
import { createAuthService } from './infrastructure/auth/authService.js';
import { createAuthenticator } from './infrastructure/auth/authenticator.js';
import { createLoginThrottle } from './infrastructure/auth/loginThrottle.js';
import { createPostgresAccounts } from './infrastructure/auth/postgresAccounts.js';
import { createPostgresRefreshTokens } from './infrastructure/auth/refreshTokens.js';
import { loadSigningKeys } from './infrastructure/auth/signingKeys.js';
import { registerAuthRoutes } from './infrastructure/http/routes/auth.js';
import { registerEmployeeRoutes } from './infrastructure/http/routes/employees.js';
import { registerTenantRoutes } from './infrastructure/http/routes/tenants.js';
import { registerOrderRoutes } from './infrastructure/http/routes/orders.js';
import { registerSyncRoutes } from './infrastructure/http/routes/sync.js';
import { registerIdempotency } from './infrastructure/idempotency/registerIdempotency.js';
import type { IdempotencyStore } from './infrastructure/idempotency/idempotencyStore.js';
import { createLogger } from './infrastructure/logger.js';
import { randomIds, systemClock } from './infrastructure/system.js';

// Composition root: read config, open adapters, wire the app, listen, and shut down in order.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config);
  logger.info(
    { eventStore: config.eventStore, database: config.database.kind, dataDir: config.database.kind === 'embedded' ? config.database.dataDir : undefined },
    'starting Tillstream',
  );

  const { postgres, eventStore } = await openStorage(config);
  const accounts = createPostgresAccounts(postgres.db, systemClock);
  const deps = { eventStore, clock: systemClock, ids: randomIds, accounts };
  const keys = await loadSigningKeys(config.auth.signingKeys);
  if (keys.development) logger.warn({ kid: keys.signer.kid }, 'signing access tokens with a generated development key');
  const auth = createAuthService({
    accounts,
    keys,
    clock: systemClock,
    ids: randomIds,
    config: config.auth,
    refreshTokens: createPostgresRefreshTokens(postgres.db, systemClock, randomIds, config.auth.refreshTokenTtlDays),
    throttle: createLoginThrottle(systemClock),
  });
  let idempotency: IdempotencyStore | undefined;
  const app = await buildApp({
    logger,
    authenticate: createAuthenticator({ accounts, keys, config: config.auth, clock: systemClock }),
    corsOrigins: config.http.corsOrigins,
    readinessChecks: { eventStore: () => eventStore.ping() },
    routes: (app) => {
      // First: its hooks must run after access control's and reach every command route.
      idempotency = registerIdempotency(app, { db: postgres.db, clock: systemClock });
      registerAuthRoutes(app, { auth, keys });
      registerTenantRoutes(app, deps);
      registerEmployeeRoutes(app, deps);
      registerOrderRoutes(app, deps);
      registerSyncRoutes(app);
    },
  });

  // Keys live 7 days (tills can be offline that long); older ones are swept hourly.
  const purge = setInterval(() => {
    idempotency?.purgeExpired(systemClock.now()).catch((error: unknown) => {
      logger.warn({ err: error }, 'purging expired idempotency keys failed');
    });
  }, 3_600_000);
  purge.unref();

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    try {
      clearInterval(purge);
      await app.close();
      await eventStore.close();
      logger.info('stopped');
      logger.flush();
    } finally {
      clearTimeout(force);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.http.host, port: config.http.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`Tillstream failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
