import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Tests that need a real server run when its URL is set, and fail when it does not answer.
 * Without the URL they are skipped with a notice, unless REQUIRE_SERVICES=1 (CI): then the
 * missing URL fails the run.
 */
export const servicesRequired = process.env.REQUIRE_SERVICES === '1';

export function postgresServerUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && servicesRequired) {
    throw new Error('REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set');
  }
  if (!url) {
    console.info('TEST_DATABASE_URL is not set: tests against a real PostgreSQL server are skipped');
  }
  return url;
}

/** Creates an empty database on the test server; returns its URL and a function that drops it. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ts_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
