import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { composeApi } from './compose.js';
import { ABANDONED_AFTER_MS, sweepAbandonedLogins } from './application/loginReservations.js';
import { openStorage } from './infrastructure/eventstore/createEventStore.js';
import { systemClock } from './infrastructure/system.js';
import { createLogger } from './infrastructure/logger.js';

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

  const { postgres, eventStore, personalData } = await openStorage(config);
  // While the circuit is open every request answers 503 at once (ADR 0012); say when and why once.
  postgres.availability.onChange((reachable, error) => {
    if (reachable) logger.info('the database answers again; serving');
    else logger.error({ err: error }, 'the database is unreachable; answering 503 until it is back');
  });
  const { app, idempotency, throttle, projections, deps } = await composeApi({ config, logger, postgres, eventStore, personalData });

  // Keys live 7 days (tills can be offline that long); older ones, ended sign-in throttle
  // windows and logins reserved by hires that never reached the log (ADR 0013) are swept hourly.
  const purge = setInterval(() => {
    sweepAbandonedLogins(deps, new Date(systemClock.now().getTime() - ABANDONED_AFTER_MS)).catch((error: unknown) => {
      logger.warn({ err: error }, 'sweeping abandoned login reservations failed');
    });
    idempotency.purgeExpired(systemClock.now()).catch((error: unknown) => {
      logger.warn({ err: error }, 'purging expired idempotency keys failed');
    });
    throttle.purgeExpired().catch((error: unknown) => {
      logger.warn({ err: error }, 'purging ended sign-in throttle windows failed');
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
      await projections.stop();
      await eventStore.close();
      logger.info('stopped');
      logger.flush();
    } finally {
      clearTimeout(force);
    }
  };
  // Background work catches its own failures; a promise someone forgot to catch is a bug to log
  // and fix, not a reason to drop every till's connection (Node's default is to exit).
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.http.host, port: config.http.port });
  // Read models follow the log in the background; commands that decide on one catch it up first.
  await projections.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`Tillstream failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
