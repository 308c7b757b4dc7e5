import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type ServerInfo = Readonly<{
  version: string;
  versionNum: number;
  settings: Readonly<Record<string, string>>;
}>;

export type ScratchDatabase = Readonly<{
  name: string;
  connectionString: string;
  server: ServerInfo;
  drop(): Promise<void>;
}>;

const SETTINGS = ['max_connections', 'shared_buffers', 'fsync', 'synchronous_commit', 'wal_level', 'work_mem'];

async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'ts-bench-admin' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A fresh `ts_bench_<random>` prefix for one run's databases. */
export function scratchRunId(): string {
  return `ts_bench_${randomBytes(4).toString('hex')}`;
}

/** Creates database `name` (letters, digits, underscores) on the server of `adminUrl`; `drop()` removes it. */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`not a plain database name: ${name}`);
  const server = await withClient(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    const version = await client.query<{ version: string; num: string }>(
      "SELECT version() AS version, current_setting('server_version_num') AS num",
    );
    const settings = await client.query<{ name: string; setting: string }>(
      'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)',
      [SETTINGS],
    );
    return {
      version: version.rows[0]?.version ?? 'unknown',
      versionNum: Number(version.rows[0]?.num ?? 0),
      settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
    };
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    connectionString: url.toString(),
    server,
    drop: () =>
      withClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** Runs one statement in the scratch database (VACUUM ANALYZE between phases). */
export function runStatement(connectionString: string, statement: string): Promise<void> {
  return withClient(connectionString, async (client) => {
    await client.query(statement);
  });
}
