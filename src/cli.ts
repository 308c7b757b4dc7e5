import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { connectPostgres } from './infrastructure/postgres/connect.js';
import { migrateToLatest } from './infrastructure/postgres/migrate.js';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  migrate     bring the database schema up to date (also done at start)
  help        show this text`;

async function migrate(): Promise<void> {
  const config = loadConfig(readEnvironment());
  const { db } = await connectPostgres(
    config.database.kind === 'server'
      ? { kind: 'server', connectionString: config.database.connectionString, maxConnections: 2 }
      : { kind: 'embedded', dataDir: config.database.dataDir },
  );
  try {
    const { results = [] } = await migrateToLatest(db);
    if (results.length === 0) process.stdout.write('Schema already up to date.\n');
    for (const result of results) process.stdout.write(`${result.status}: ${result.migrationName}\n`);
  } finally {
    await db.destroy();
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true });
  switch (positionals[0]) {
    case 'migrate':
      await migrate();
      return 0;
    case undefined:
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${positionals[0]}\n\n${USAGE}\n`);
      return 64; // EX_USAGE
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || !(error instanceof Error) ? String(error) : (error.stack ?? error.message)}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
