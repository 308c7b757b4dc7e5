import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { someEvents } from '../support/events.js';
import { cliInDirectory } from '../support/cli.js';

// `tillstream audit export` as an operator runs it, on an embedded database in a directory of its own.
const { cwd, dataDir, cli } = cliInDirectory('tillstream-cli-audit-', ({ dataDir }) => ({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));

describe('cli audit export', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    const postgres = await connectPostgres({ kind: 'embedded', dataDir });
    await migrateToLatest(postgres.db);
    const store = createPostgresEventStore(postgres);
    for (const [tenantId, streamId] of [['shop-a', streams.tenant('shop-a')], ['shop-b', streams.tenant('shop-b')], ['shop-a', streams.order('shop-a', 'o2')]] as const) {
      const events = someEvents(3, { tenantId });
      await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
      if (tenantId === 'shop-a') ids.push(...events.map((e) => e.eventId));
    }
    await store.close();
  }, 60_000);

  it('writes the tenant’s events as NDJSON with its last line, and never overwrites a file', async () => {
    const out = join(cwd, 'shop-a.ndjson');
    const run = await cli(['audit', 'export', '--tenant', 'shop-a', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('exported 6 events of shop-a');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; eventId?: string; tenantId: string; count?: number });
    expect(lines.filter((l) => l.kind === 'event').map((l) => l.eventId)).toEqual(ids);
    expect(lines.at(-1)).toMatchObject({ kind: 'end', tenantId: 'shop-a', count: 6 });
    const again = await cli(['audit', 'export', '--tenant', 'shop-a', '--out', out]);
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('exists already');
  }, 60_000);

  it('refuses an unknown tenant, an unknown type and a bad time', async () => {
    expect((await cli(['audit', 'export', '--tenant', 'nobody', '--out', join(cwd, 'x.ndjson')])).code).toBe(1);
    expect((await cli(['audit', 'export', '--tenant', 'shop-a', '--out', join(cwd, 'y.ndjson'), '--types', 'Nope'])).code).toBe(64);
    expect((await cli(['audit', 'export', '--tenant', 'shop-a', '--out', join(cwd, 'z.ndjson'), '--from', 'yesterday'])).code).toBe(64);
    expect((await cli(['audit', 'export'])).code).toBe(64);
  }, 60_000);
});
