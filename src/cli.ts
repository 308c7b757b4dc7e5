import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BootstrapRefused, bootstrapPlatformOwner } from './infrastructure/auth/bootstrap.js';
import { ConfigError, loadConfig, type Config } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { connectPostgres } from './infrastructure/postgres/connect.js';
import { migrateToLatest } from './infrastructure/postgres/migrate.js';
import { openStorage } from './infrastructure/eventstore/createEventStore.js';
import { systemClock } from './infrastructure/system.js';
import { createReadModels } from './projections/readModels.js';
import { pino } from 'pino';
import { createPostgresAccounts } from './infrastructure/auth/postgresAccounts.js';
import os from 'node:os';
import { formatStatus, parseSkipPosition, rebuildWithProgress } from './projections/operatorCommands.js';
import { sql } from 'kysely';
import type { JWK } from 'jose';
import { KeySetRefused, generateSigningKey, promoteKey, retireKey, withNewKey } from './infrastructure/auth/signingKeySet.js';
import { loadSigningKeys } from './infrastructure/auth/signingKeys.js';
import { parseEventTypes } from './application/audit/export.js';
import { streams } from './application/events/streams.js';
import { exportToFile } from './infrastructure/audit/exportToFile.js';
import { sealCommand, sealingKeyCommand, upgradeCommand, verifyCommand } from './infrastructure/audit/auditCommands.js';
import { configuredMasterKeys, generateMasterKey, masterKeyId } from './infrastructure/personalData/masterKeys.js';
import { rewrapDataKeys } from './infrastructure/personalData/rewrap.js';

const USAGE = `Usage: npm run -s cli -- <command>       (from source)
       node dist/src/cli.js <command>       (after npm run build, and in the Docker image)

Commands:
  migrate     bring the database schema up to date (also done at start)
  bootstrap   create the first platform owner, once:
                bootstrap --email <email> [--password <password>]
              the password may come from BOOTSTRAP_PASSWORD instead (keeps it out of shell history)
  projections status
              each read model generation and reactor: state, position, lag (events, seconds),
              and the poison event it halted on, if any
  projections rebuild <name|all>
              blue/green: build a new generation of the read model(s) from the whole log while the
              live one keeps serving, then switch to it at once; a reactor is replayed (account_sync
              re-applies every employee's state to their login). The API keeps running.
  projections resume <name>
              a projection halted on a poison event tries it again (after a fix is deployed)
  projections skip <name> <position>
              pass over the poison event at <position> (as status shows it); recorded for the auditor
  audit export --tenant <id> --out <file> [--from <ISO time>] [--to <ISO time>] [--types A,B]
              the tenant's events as NDJSON (the lines of GET /v1/audit/export), written to a new
              file with a progress bar; the last line gives the count, the last position read and
              the tenant's latest seal
  audit verify [--tenant <id>] [--seal <file>]
              recompute every event's hash and check each tenant (or one) against its latest seal,
              or the seal in <file> (a seal's JSON, or an export ending with one); prints OK or the
              first broken link (stream, revision, expected and found hash); exit 1 if one is broken
  audit seal --tenant <id>
              seal the tenant's history now and print the seal (keep a copy outside the database)
  audit sealing-key
              print a new Ed25519 seed for SEALING_KEY on standard output, its key id and public
              key on standard error; keep the seed secret. Needs no database.
  audit upgrade
              once, on a database written before tamper evidence (the API refuses to start on it
              until then): encrypt personal data in stored events and chain every event
  keys generate
              print a new signing key set for AUTH_SIGNING_KEYS (one Ed25519 key, alg EdDSA) on
              standard output; keep it secret. Needs no database.
  keys generate --rotate
              rotation, step 1: print AUTH_SIGNING_KEYS (read from the environment) with a new key
              second; it verifies at once and signs once promoted
  keys promote <kid>
              step 2, at least 5 minutes later (JWKS caches): print the set with <kid> first, signing
  keys retire <kid>
              step 3, ACCESS_TOKEN_TTL_SECONDS after the promotion: print the set without <kid>
  keys list   kid, algorithm and role of each key in AUTH_SIGNING_KEYS (never the key material)
  keys master-key
              print a new master key of personal data for PERSONAL_DATA_MASTER_KEY (32 random
              bytes, base64url) on standard output, its id on standard error; keep it secret.
              Needs no database.
  keys rewrap rotation of the master key of personal data, once every API process runs with the
              new PERSONAL_DATA_MASTER_KEY and the old one in PERSONAL_DATA_PREVIOUS_MASTER_KEYS:
              wraps every data key again with the new key (no event is touched); when it reports
              none left, the old key can go
  help        show this text`;

function connect(config: Config): ReturnType<typeof connectPostgres> {
  return connectPostgres(
    config.database.kind === 'server'
      ? { kind: 'server', connectionString: config.database.connectionString, maxConnections: 2 }
      : { kind: 'embedded', dataDir: config.database.dataDir },
  );
}

async function migrate(): Promise<void> {
  const config = loadConfig(readEnvironment());
  const { db } = await connect(config);
  try {
    const { results = [] } = await migrateToLatest(db);
    if (results.length === 0) process.stdout.write('Schema already up to date.\n');
    for (const result of results) process.stdout.write(`${result.status}: ${result.migrationName}\n`);
  } finally {
    await db.destroy();
  }
}

async function bootstrap(options: Readonly<{ email?: string; password?: string }>): Promise<number> {
  const password = options.password ?? process.env.BOOTSTRAP_PASSWORD;
  if (!options.email || !password) {
    process.stderr.write(`bootstrap needs --email and a password (--password or BOOTSTRAP_PASSWORD)\n\n${USAGE}\n`);
    return 64; // EX_USAGE
  }
  const config = loadConfig(readEnvironment());
  const { db } = await connect(config);
  try {
    await migrateToLatest(db);
    const userId = await bootstrapPlatformOwner(db, { now: () => new Date() }, { uuid: randomUUID }, { email: options.email, password });
    process.stdout.write(`Platform owner ${options.email} created (user ${userId}).\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof BootstrapRefused)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

async function projections(action: string | undefined, name: string | undefined, position: string | undefined): Promise<number> {
  const actions = ['status', 'rebuild', 'resume', 'skip'];
  if (action === undefined || !actions.includes(action) || (action !== 'status' && name === undefined)) {
    process.stderr.write(`projections needs status, rebuild <name|all>, resume <name> or skip <name> <position>\n\n${USAGE}\n`);
    return 64; // EX_USAGE
  }
  const config = loadConfig(readEnvironment());
  const { postgres, eventStore } = await openStorage(config);
  const accounts = createPostgresAccounts(postgres.db, systemClock);
  const { runner } = createReadModels({ db: postgres.db, eventStore, clock: systemClock, logger: pino({ level: 'silent' }), accounts });
  try {
    const known = runner.names;
    if (name !== undefined && name !== 'all' && !known.includes(name)) {
      process.stderr.write(`no projection named ${name}; known: ${known.join(', ')}\n`);
      return 64; // EX_USAGE
    }
    // Who resolved a halt, for the auditor (the operator's login on this machine).
    const by = `${os.userInfo().username}@${os.hostname()}`;
    switch (action) {
      case 'status':
        process.stdout.write(formatStatus(await runner.status()));
        return 0;
      case 'resume':
        if (!(await runner.resume(name ?? '', by))) {
          process.stderr.write(`${name} is not halted\n`);
          return 1;
        }
        process.stdout.write(`${name}: resumed; running processes retry its event within seconds\n`);
        return 0;
      case 'skip': {
        const at = parseSkipPosition(position);
        if (!at) {
          process.stderr.write(`skip needs the position projections status shows (<commit>.<prepare>)\n`);
          return 64; // EX_USAGE
        }
        try {
          await runner.skip(name ?? '', at, by);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          process.stderr.write(`${error.message}\n`);
          return 1;
        }
        process.stdout.write(`${name}: event at ${position} skipped (recorded in projection_failures, by ${by})\n`);
        return 0;
      }
      default: {
        const { rows } = await sql<{ count: string | number }>`SELECT count(*) AS count FROM events`.execute(postgres.db);
        const names = name === 'all' ? known : [name ?? ''];
        await rebuildWithProgress(runner, names, Number(rows[0]?.count ?? 0), process.stdout);
        return 0;
      }
    }
  } finally {
    await runner.stop();
    await eventStore.close();
  }
}

/** The key set AUTH_SIGNING_KEYS holds now (environment or .env), validated as the API would. */
function configuredKeys(): readonly JWK[] {
  const keys = loadConfig(readEnvironment()).auth.signingKeys;
  if (keys === null) throw new KeySetRefused('AUTH_SIGNING_KEYS is not set: there is no key set to change; make one with keys generate');
  return keys;
}

/**
 * The set goes alone on standard output, one line, so `$(...)` or `>>` can take it; what it holds goes
 * to standard error. It is imported the way the API will before it is printed.
 */
async function printKeySet(keys: readonly JWK[]): Promise<void> {
  await loadSigningKeys(keys);
  process.stdout.write(`${JSON.stringify(keys)}\n`);
  process.stderr.write(`${describeKeys(keys)}Put the line above in AUTH_SIGNING_KEYS (it is secret: never in git, logs or tickets).\n`);
}

function describeKeys(keys: readonly JWK[]): string {
  return keys.map((key, index) => `${String(key.kid)}\t${String(key.alg)}\t${index === 0 ? 'signs and verifies' : 'verifies'}\n`).join('');
}

/** Master key rotation, step 2 (ADR 0025): every data key wrapped again with PERSONAL_DATA_MASTER_KEY. */
async function rewrap(): Promise<number> {
  const config = loadConfig(readEnvironment());
  const masterKeys = configuredMasterKeys(config.personalData);
  const { db } = await connect(config);
  try {
    await migrateToLatest(db);
    const { rewrapped, unknown } = await rewrapDataKeys(db, masterKeys);
    process.stdout.write(`${rewrapped} data keys rewrapped with master key ${masterKeys.currentId}.\n`);
    if (unknown.size > 0) {
      for (const [id, count] of unknown) process.stderr.write(`${count} data keys are wrapped by master key ${id}, which is not configured: add it to PERSONAL_DATA_PREVIOUS_MASTER_KEYS and run keys rewrap again\n`);
      return 1;
    }
    process.stdout.write('No data key is wrapped by another master key: PERSONAL_DATA_PREVIOUS_MASTER_KEYS may be emptied once every API process runs with this PERSONAL_DATA_MASTER_KEY.\n');
    return 0;
  } finally {
    await db.destroy();
  }
}

async function keys(action: string | undefined, kid: string | undefined, options: Readonly<{ rotate?: boolean }>): Promise<number> {
  try {
    switch (action) {
      case 'master-key': {
        // Alone on standard output, so `$(...)` takes it; its id (what data keys record) to standard error.
        const key = generateMasterKey();
        process.stdout.write(`${key}\n`);
        process.stderr.write(`master key ${masterKeyId(Buffer.from(key, 'base64url'))}: put the line above in PERSONAL_DATA_MASTER_KEY (it is secret: never in git, logs or tickets; losing it loses every person's data).\n`);
        return 0;
      }
      case 'rewrap':
        return await rewrap();
      case 'generate': {
        const key = await generateSigningKey(new Date());
        await printKeySet(options.rotate ? withNewKey(configuredKeys(), key) : [key]);
        return 0;
      }
      case 'list':
        process.stdout.write(describeKeys(configuredKeys()));
        return 0;
      case 'promote':
      case 'retire':
        if (kid === undefined) break;
        await printKeySet(action === 'promote' ? promoteKey(configuredKeys(), kid) : retireKey(configuredKeys(), kid));
        return 0;
      default:
        break;
    }
  } catch (error) {
    if (!(error instanceof KeySetRefused)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  process.stderr.write(`keys needs generate [--rotate], promote <kid>, retire <kid>, list, master-key or rewrap\n\n${USAGE}\n`);
  return 64; // EX_USAGE
}

async function audit(action: string | undefined, options: Readonly<{ tenant?: string; out?: string; from?: string; to?: string; types?: string; seal?: string }>): Promise<number> {
  const io = { out: process.stdout, err: process.stderr };
  if (action === 'sealing-key') return sealingKeyCommand(io);
  if (action === 'verify' || action === 'upgrade' || (action === 'seal' && options.tenant)) {
    const config = loadConfig(readEnvironment());
    const storage = await openStorage(config, { upgrading: action === 'upgrade' });
    try {
      if (action === 'upgrade') return await upgradeCommand(storage.postgres, storage.personalData, io);
      if (action === 'seal') return await sealCommand(storage, config.sealing, options.tenant ?? '', `cli:${os.userInfo().username}@${os.hostname()}`, io);
      return await verifyCommand(storage, config.sealing, options, io);
    } finally {
      await storage.postgres.db.destroy();
    }
  }
  if (action !== 'export' || !options.tenant || !options.out) {
    process.stderr.write(`audit needs export --tenant <id> --out <file>, verify [--tenant <id>] [--seal <file>], seal --tenant <id>, upgrade or sealing-key\n\n${USAGE}\n`);
    return 64; // EX_USAGE
  }
  const time = (name: string, value: string | undefined): Date | undefined | null => {
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      process.stderr.write(`--${name} must be an ISO 8601 time, got ${value}\n`);
      return null;
    }
    return date;
  };
  const from = time('from', options.from);
  const to = time('to', options.to);
  const parsed = options.types === undefined ? undefined : parseEventTypes(options.types);
  const types = parsed && new Set(parsed.types);
  const unknown = parsed?.unknown ?? [];
  if (from === null || to === null || unknown.length > 0) {
    if (unknown.length > 0) process.stderr.write(`unknown event types: ${unknown.join(', ')}\n`);
    return 64; // EX_USAGE
  }
  const config = loadConfig(readEnvironment());
  const { postgres, eventStore } = await openStorage(config);
  try {
    if ((await eventStore.readStream(streams.tenant(options.tenant), { maxCount: 1 })).length === 0) {
      process.stderr.write(`no tenant ${options.tenant}\n`);
      return 1;
    }
    await exportToFile(eventStore, options.tenant, { from, to, types }, options.out, process.stdout);
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    process.stderr.write(`${options.out} exists already: an export never overwrites a file\n`);
    return 73; // EX_CANTCREAT
  } finally {
    await postgres.db.destroy();
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      rotate: { type: 'boolean' },
      tenant: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      types: { type: 'string' },
      seal: { type: 'string' },
    },
  });
  switch (positionals[0]) {
    case 'migrate':
      await migrate();
      return 0;
    case 'bootstrap':
      return bootstrap(values);
    case 'projections':
      return projections(positionals[1], positionals[2], positionals[3]);
    case 'keys':
      return keys(positionals[1], positionals[2], values);
    case 'audit':
      return audit(positionals[1], values);
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
