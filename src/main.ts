import { ApplicationError } from './application/errors.js';
import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { createEventStore } from './infrastructure/eventstore/createEventStore.js';
import { buildApp } from './infrastructure/http/app.js';
import { registerOrderRoutes } from './infrastructure/http/routes/orders.js';
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

  const eventStore = await createEventStore(config);
  const app = await buildApp({
    logger,
    // Sign-in arrives with the auth module; until then every protected route answers 401.
    authenticate: () => Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'Authentication required')),
    readinessChecks: { eventStore: () => eventStore.ping() },
    routes: (app) => {
      registerOrderRoutes(app, { eventStore, clock: systemClock, ids: randomIds });
    },
  });

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
