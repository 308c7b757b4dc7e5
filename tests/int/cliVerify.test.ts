import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateUpTo, migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { someEvents } from '../support/events.js';
import { cliInDirectory } from '../support/cli.js';

// `tillstream audit upgrade | seal | verify | sealing-key` as an operator runs them, on an embedded
// database written by the version before tamper evidence (migration 0010), in a directory of its own.
const { cwd, dataDir, cli } = cliInDirectory('tillstream-cli-verify-', ({ dataDir }) => ({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));

describe('cli audit: upgrade a database written before the chain, seal it, verify it', () => {
  const hired = { name: 'Zelda Quux-Legacy', email: 'zelda.legacy@shop.example', phone: '+4930999111' };
  beforeAll(async () => {
    const postgres = await connectPostgres({ kind: 'embedded', dataDir });
    await migrateUpTo(postgres.db, '2026_12_15_0010_auditor_role');
    // Written as the version before issue 11 wrote: no hash, personal data in clear.
    const store = createPostgresEventStore(postgres);
    await store.appendToStream(streams.tenant('shop-a'), someEvents(2, { tenantId: 'shop-a' }), { expectedRevision: 'no_stream' });
    await store.appendToStream(streams.order('shop-a', 'o1'), someEvents(3, { tenantId: 'shop-a' }), { expectedRevision: 'no_stream' });
    const employeeId = randomUUID();
    const [base] = someEvents(1, { tenantId: 'shop-a' });
    if (!base) throw new Error('no event');
    await store.appendToStream(streams.employee('shop-a', employeeId), [{
      ...base,
      type: 'EmployeeHired',
      data: { employeeId, tenantId: 'shop-a', personalData: hired, role: 'cashier', branchIds: [], deviceIds: [] },
    }], { expectedRevision: 'no_stream' });
    await migrateToLatest(postgres.db);
    await postgres.db.destroy();
  }, 60_000);

  it('refuses to verify, seal or serve before the upgrade, naming the command', async () => {
    const run = await cli(['audit', 'verify', '--tenant', 'shop-a']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('audit upgrade');
  }, 60_000);

  it('upgrades once: personal data encrypted, every event chained; then a seal and verify say OK', async () => {
    const upgrade = await cli(['audit', 'upgrade']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toContain('1 events encrypted');
    expect(upgrade.stdout).toContain('6 events in 3 streams chained');
    expect((await cli(['audit', 'upgrade'])).stdout).toContain('nothing to upgrade');

    const postgres = await connectPostgres({ kind: 'embedded', dataDir });
    const { rows } = await sql<{ text: string }>`SELECT events::text AS text FROM events`.execute(postgres.db);
    await postgres.db.destroy();
    expect(rows).toHaveLength(6);
    for (const { text } of rows) for (const value of Object.values(hired)) expect(text).not.toContain(value);

    const chainOnly = await cli(['audit', 'verify']);
    expect(chainOnly.code, chainOnly.stderr).toBe(0);
    expect(chainOnly.stdout).toContain('OK shop-a: 6 events in 3 streams without a seal');

    const seal = await cli(['audit', 'seal', '--tenant', 'shop-a']);
    expect(seal.code, seal.stderr).toBe(0);
    const file = join(cwd, 'seal-1.json');
    writeFileSync(file, seal.stdout);
    expect(JSON.parse(seal.stdout)).toMatchObject({ tenantId: 'shop-a', sealNumber: 1, eventCount: 6, streamCount: 3 });
    const verified = await cli(['audit', 'verify', '--seal', file]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('OK shop-a: 7 events in 4 streams against seal 1 (6 events');
  }, 120_000);

  it('finds a changed event and refuses a seal signed by another key', async () => {
    const key = await cli(['audit', 'sealing-key']);
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.stderr).toMatch(/key id ed25519-[0-9a-f]{16}/);
    const other = await cli(['audit', 'verify', '--seal', join(cwd, 'seal-1.json')], { SEALING_KEY: key.stdout.trim() });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('seal_signature');

    const postgres = await connectPostgres({ kind: 'embedded', dataDir });
    await postgres.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE events DISABLE TRIGGER events_immutable`.execute(trx);
      await sql`UPDATE events SET occurred_at = occurred_at + interval '1 second' WHERE stream_id = ${streams.order('shop-a', 'o1')} AND stream_revision = 1`.execute(trx);
      await sql`ALTER TABLE events ENABLE TRIGGER events_immutable`.execute(trx);
    });
    await postgres.db.destroy();
    const broken = await cli(['audit', 'verify', '--tenant', 'shop-a']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN shop-a');
    expect(broken.stdout).toContain('hash_mismatch');
    expect(broken.stdout).toContain(`stream   ${streams.order('shop-a', 'o1')}`);
    expect(broken.stdout).toContain('revision 1');
  }, 120_000);
});
