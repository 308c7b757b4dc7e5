import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/infrastructure/auth/loginThrottle.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { createScratchDatabase, postgresServerUrl } from '../support/services.js';

function clock() {
  let now = 1_700_000_000_000;
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

type Target = Readonly<{ db: Kysely<Database>; dispose: () => Promise<void> }>;

const serverUrl = postgresServerUrl();
const targets: [string, () => Promise<Target>][] = [
  [
    'PGlite',
    async () => {
      const { db } = await connectPostgres({ kind: 'embedded', dataDir: undefined });
      await migrateToLatest(db);
      return { db, dispose: () => db.destroy() };
    },
  ],
];
if (serverUrl) {
  targets.push([
    'PostgreSQL server',
    async () => {
      const scratch = await createScratchDatabase(serverUrl);
      const { db } = await connectPostgres({ kind: 'server', connectionString: scratch.url });
      await migrateToLatest(db);
      return {
        db,
        async dispose() {
          await db.destroy();
          await scratch.drop();
        },
      };
    },
  ]);
}

describe.each(targets)('login throttle on %s', (_name, open) => {
  const rules = {
    perPair: { maxFailures: 3, windowSeconds: 60 },
    perAddress: { maxFailures: 5, windowSeconds: 120 },
    perAccount: { maxFailures: 8, windowSeconds: 300, paceSeconds: 10 },
    knownAddressSeconds: 3600,
  };
  let target: Target;
  let run = 0;
  // Each test its own account and address names: the table is shared by the file.
  const keysOf = (account: string, address: string) => ({ account: `${account}-${run}`, address: `${address}-${run}` });
  beforeAll(async () => {
    target = await open();
  });
  afterAll(async () => {
    await target.dispose();
  });

  it('failures from address A do not stop the account from address B', async () => {
    run += 1;
    const throttle = createLoginThrottle(target.db, clock(), rules);
    for (let i = 0; i < 3; i++) expect(await throttle.begin(keysOf('email:owner@b.c', '1.1.1.1'))).toBe(0);
    expect(await throttle.begin(keysOf('email:owner@b.c', '1.1.1.1'))).toBe(60);
    expect(await throttle.begin(keysOf('email:owner@b.c', '2.2.2.2'))).toBe(0);
  });

  it('a distributed attack past the account cap is paced, not locked; an address the account signed in from skips the pace', async () => {
    run += 1;
    const time = clock();
    const throttle = createLoginThrottle(target.db, time, rules);
    const owner = keysOf('email:target@b.c', '7.7.7.7');
    expect(await throttle.begin(owner)).toBe(0);
    await throttle.succeeded(owner);
    // 8 addresses, one guess each: up to the cap, nothing is refused.
    for (let i = 0; i < 8; i++) expect(await throttle.begin(keysOf('email:target@b.c', `6.6.6.${i}`))).toBe(0);
    // Past it, one attempt per pace window from unknown addresses.
    time.advance(10);
    expect(await throttle.begin(keysOf('email:target@b.c', '6.6.7.1'))).toBe(0);
    expect(await throttle.begin(keysOf('email:target@b.c', '6.6.7.2'))).toBe(10);
    time.advance(10);
    expect(await throttle.begin(keysOf('email:target@b.c', '6.6.7.3'))).toBe(0);
    // The owner's own address is known: never paced.
    expect(await throttle.begin(owner)).toBe(0);
    expect(await throttle.begin(owner)).toBe(0);
  });

  it('an abandoned attempt (never checked) does not count', async () => {
    run += 1;
    const throttle = createLoginThrottle(target.db, clock(), rules);
    const keys = keysOf('email:busy@b.c', '4.4.4.4');
    for (let i = 0; i < 10; i++) {
      expect(await throttle.begin(keys)).toBe(0);
      await throttle.abandoned(keys);
    }
  });

  it('refuses an account from one address after its failures until the window ends', async () => {
    run += 1;
    const time = clock();
    const throttle = createLoginThrottle(target.db, time, rules);
    const keys = keysOf('email:a@b.c', '1.1.1.1');
    for (let i = 0; i < 3; i++) expect(await throttle.begin(keys)).toBe(0);
    expect(await throttle.begin(keys)).toBe(60);
    time.advance(45);
    expect(await throttle.begin(keys)).toBe(15);
    time.advance(15);
    expect(await throttle.begin({ ...keys, address: `2.2.2.2-${run}` })).toBe(0);
  });

  it('refuses an address across accounts; a success takes its attempt back', async () => {
    run += 1;
    const throttle = createLoginThrottle(target.db, clock(), rules);
    for (let i = 0; i < 4; i++) expect(await throttle.begin(keysOf(`email:${i}@b.c`, '1.1.1.1'))).toBe(0);
    // Many successful sign-ins from one office address never add up.
    for (let i = 0; i < 10; i++) {
      const keys = keysOf(`email:ok-${i}@b.c`, '1.1.1.1');
      expect(await throttle.begin(keys)).toBe(0);
      await throttle.succeeded(keys);
    }
    expect(await throttle.begin(keysOf('email:4@b.c', '1.1.1.1'))).toBe(0);
    expect(await throttle.begin(keysOf('email:new@b.c', '1.1.1.1'))).toBe(120);
    expect(await throttle.begin(keysOf('email:new@b.c', '3.3.3.3'))).toBe(0);
  });

  it('a success clears the pair count', async () => {
    run += 1;
    const throttle = createLoginThrottle(target.db, clock(), rules);
    const keys = keysOf('employee:e1', '1.1.1.1');
    await throttle.begin(keys);
    await throttle.begin(keys);
    await throttle.succeeded(keys);
    for (let i = 0; i < 3; i++) expect(await throttle.begin(keys)).toBe(0);
    expect(await throttle.begin(keys)).toBeGreaterThan(0);
  });

  it('a burst of parallel attempts lets exactly the limit through, whatever process counts them', async () => {
    run += 1;
    const time = clock();
    // Two throttles over one database: two API processes.
    const processes = [createLoginThrottle(target.db, time, rules), createLoginThrottle(target.db, time, rules)];
    const keys = keysOf('email:target@b.c', '9.9.9.9');
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => processes[i % 2]!.begin(keys)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
  });

  it('forgets ended windows when purged', async () => {
    run += 1;
    const time = clock();
    const throttle = createLoginThrottle(target.db, time, rules);
    await throttle.begin(keysOf('email:old@b.c', '5.5.5.5'));
    time.advance(301);
    expect(await throttle.purgeExpired()).toBeGreaterThanOrEqual(2);
    const left = await target.db.selectFrom('login_throttle').select('key').where('key', 'like', `%-${run}`).execute();
    expect(left).toEqual([]);
  });
});
