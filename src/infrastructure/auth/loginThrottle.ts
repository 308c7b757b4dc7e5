import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../application/ports/clock.js';
import type { Database } from '../postgres/database.js';

export type ThrottleRule = Readonly<{ maxFailures: number; windowSeconds: number }>;

export type ThrottleKeys = Readonly<{ account: string; address: string }>;

export type ThrottleRules = Readonly<{
  /** One account from one address: stops brute force without locking the owner out elsewhere. */
  perPair: ThrottleRule;
  /** One address across accounts: stops spraying. */
  perAddress: ThrottleRule;
  /**
   * One account from everywhere, far above `perPair`: past it a distributed attack is slowed, not
   * stopped: the account takes one attempt per `paceSeconds` from addresses it has not signed in from.
   */
  perAccount: ThrottleRule & Readonly<{ paceSeconds: number }>;
  /** How long an address stays known to an account after a sign-in from it (it then skips the pace). */
  knownAddressSeconds: number;
}>;

/**
 * Limits sign-in attempts (ADR 0011), each count a fixed window opened by its first attempt. An
 * attempt is counted BEFORE its secret is checked, atomically (one upsert of every count), so a
 * burst of parallel guesses cannot all slip under a limit; a success then takes its attempt back
 * (the pair's count is cleared, the address's and account's lowered by one) and marks the address
 * known to the account. The counts live in PostgreSQL (`login_throttle`): every API process
 * counts against the same limits.
 */
export interface LoginThrottle {
  /** Counts the attempt; answers the seconds to wait when it is over a limit (then refuse it), else 0. */
  begin(keys: ThrottleKeys): Promise<number>;
  /** The attempt succeeded: it does not count against anyone. */
  succeeded(keys: ThrottleKeys): Promise<void>;
  /** The attempt was counted but its secret never checked (the server was busy): take it back. */
  abandoned(keys: ThrottleKeys): Promise<void>;
  /** Forgets windows that have ended (run periodically). */
  purgeExpired(): Promise<number>;
}

export const DEFAULT_THROTTLE: ThrottleRules = {
  perPair: { maxFailures: 5, windowSeconds: 15 * 60 },
  perAddress: { maxFailures: 20, windowSeconds: 15 * 60 },
  perAccount: { maxFailures: 100, windowSeconds: 15 * 60, paceSeconds: 10 },
  knownAddressSeconds: 30 * 24 * 3600,
};

/**
 * The throttle's name for an email's account: a digest, never the email, so that `login_throttle`
 * (whose "known address" rows live 30 days) holds no personal data, and forgetting a person can
 * find their rows without their email being stored anywhere (ADR 0025).
 */
export function emailAccountKey(normalizedEmail: string): string {
  return `email:${createHash('sha256').update(normalizedEmail, 'utf8').digest('hex')}`;
}

const pairKey = (keys: ThrottleKeys): string => `pair:${keys.account}|${keys.address}`;
const addressKey = (keys: ThrottleKeys): string => `address:${keys.address}`;
const accountKey = (keys: ThrottleKeys): string => `account:${keys.account}`;
const paceKey = (keys: ThrottleKeys): string => `pace:${keys.account}`;
const knownKey = (keys: ThrottleKeys): string => `known:${keys.account}|${keys.address}`;

/**
 * Drops every window of one account (its counts and the addresses known to it): a forgotten
 * person leaves no trace here. `account` is a throttle account key (`emailAccountKey`, `employee:<id>`).
 */
export async function forgetThrottledAccount(db: Kysely<Database>, account: string): Promise<void> {
  // Account keys are digests or ids: no LIKE wildcard in them.
  await db
    .deleteFrom('login_throttle')
    .where((eb) =>
      eb.or([
        eb('key', 'in', [accountKey({ account, address: '' }), paceKey({ account, address: '' })]),
        eb('key', 'like', `pair:${account}|%`),
        eb('key', 'like', `known:${account}|%`),
      ]),
    )
    .execute();
}

export function createLoginThrottle(db: Kysely<Database>, clock: Clock, rules: ThrottleRules = DEFAULT_THROTTLE): LoginThrottle {
  const lower = (keys: readonly string[]) =>
    db
      .updateTable('login_throttle')
      .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
      .where('key', 'in', keys)
      .execute();

  return {
    async begin(keys) {
      const now = clock.now();
      const pace = { maxFailures: 1, windowSeconds: rules.perAccount.paceSeconds };
      const windows = [
        { key: pairKey(keys), rule: rules.perPair },
        { key: addressKey(keys), rule: rules.perAddress },
        { key: accountKey(keys), rule: rules.perAccount },
        { key: paceKey(keys), rule: pace },
      ];
      const known = knownKey(keys);
      // One statement: the counts and whether the address is known are read together.
      const { rows } = await sql<{ key: string; attempts: number; ends_at: Date }>`
        WITH counted AS (
          INSERT INTO login_throttle AS t (key, attempts, ends_at)
          VALUES ${sql.join(windows.map(({ key, rule }) => sql`(${key}, 1, ${new Date(now.getTime() + rule.windowSeconds * 1000)}::timestamptz)`))}
          ON CONFLICT (key) DO UPDATE SET
            attempts = CASE WHEN t.ends_at > ${now}::timestamptz THEN t.attempts + 1 ELSE 1 END,
            ends_at  = CASE WHEN t.ends_at > ${now}::timestamptz THEN t.ends_at ELSE excluded.ends_at END
          RETURNING t.key, t.attempts, t.ends_at)
        SELECT key, attempts, ends_at FROM counted
        UNION ALL
        SELECT key, attempts, ends_at FROM login_throttle WHERE key = ${known} AND ends_at > ${now}::timestamptz`.execute(db);
      const row = (key: string) => rows.find((r) => r.key === key);
      const waitOf = (key: string, rule: ThrottleRule): number => {
        const found = row(key);
        return found && found.attempts > rule.maxFailures ? Math.max(1, Math.ceil((new Date(found.ends_at).getTime() - now.getTime()) / 1000)) : 0;
      };
      let wait = Math.max(waitOf(pairKey(keys), rules.perPair), waitOf(addressKey(keys), rules.perAddress));
      const accountOver = waitOf(accountKey(keys), rules.perAccount) > 0;
      if (accountOver && row(known) === undefined) wait = Math.max(wait, waitOf(paceKey(keys), pace));
      return wait;
    },

    async succeeded(keys) {
      await db.deleteFrom('login_throttle').where('key', '=', pairKey(keys)).execute();
      await lower([addressKey(keys), accountKey(keys)]);
      const endsAt = new Date(clock.now().getTime() + rules.knownAddressSeconds * 1000);
      await db
        .insertInto('login_throttle')
        .values({ key: knownKey(keys), attempts: 0, ends_at: endsAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ ends_at: endsAt }))
        .execute();
    },

    async abandoned(keys) {
      await lower([pairKey(keys), addressKey(keys), accountKey(keys), paceKey(keys)]);
    },

    async purgeExpired() {
      const result = await db.deleteFrom('login_throttle').where('ends_at', '<=', clock.now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
