import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../application/ports/clock.js';
import type { Database } from '../postgres/database.js';

export type ThrottleRule = Readonly<{ maxFailures: number; windowSeconds: number }>;

export type ThrottleKeys = Readonly<{ account: string; address: string }>;

/**
 * Limits sign-in attempts per account (email or employee) and per client address, each in a
 * fixed window opened by its first attempt. An attempt is counted BEFORE its secret is checked,
 * atomically, so a burst of parallel guesses cannot all slip under the limit; a success then takes
 * its attempt back (the account's count is cleared, the address's lowered by one), so only
 * failures add up. The counts live in PostgreSQL (`login_throttle`): every API process counts
 * against the same limit.
 */
export interface LoginThrottle {
  /** Counts the attempt; answers the seconds to wait when it is over a limit (then refuse it), else 0. */
  begin(keys: ThrottleKeys): Promise<number>;
  /** The attempt succeeded: it does not count against anyone. */
  succeeded(keys: ThrottleKeys): Promise<void>;
  /** Forgets windows that have ended (run periodically). */
  purgeExpired(): Promise<number>;
}

export const DEFAULT_THROTTLE = {
  perAccount: { maxFailures: 5, windowSeconds: 15 * 60 },
  perAddress: { maxFailures: 20, windowSeconds: 15 * 60 },
} as const satisfies Readonly<Record<string, ThrottleRule>>;

export function createLoginThrottle(
  db: Kysely<Database>,
  clock: Clock,
  rules: Readonly<{ perAccount: ThrottleRule; perAddress: ThrottleRule }> = DEFAULT_THROTTLE,
): LoginThrottle {
  const accountKey = (keys: ThrottleKeys): string => `account:${keys.account}`;
  const addressKey = (keys: ThrottleKeys): string => `address:${keys.address}`;

  return {
    async begin(keys) {
      const now = clock.now();
      const windows = [
        { key: accountKey(keys), rule: rules.perAccount },
        { key: addressKey(keys), rule: rules.perAddress },
      ];
      const { rows } = await sql<{ key: string; attempts: number; ends_at: Date }>`
        INSERT INTO login_throttle AS t (key, attempts, ends_at)
        VALUES ${sql.join(windows.map(({ key, rule }) => sql`(${key}, 1, ${new Date(now.getTime() + rule.windowSeconds * 1000)}::timestamptz)`))}
        ON CONFLICT (key) DO UPDATE SET
          attempts = CASE WHEN t.ends_at > ${now}::timestamptz THEN t.attempts + 1 ELSE 1 END,
          ends_at  = CASE WHEN t.ends_at > ${now}::timestamptz THEN t.ends_at ELSE excluded.ends_at END
        RETURNING t.key, t.attempts, t.ends_at`.execute(db);
      let wait = 0;
      for (const row of rows) {
        const rule = windows.find((w) => w.key === row.key)?.rule;
        if (rule && row.attempts > rule.maxFailures) wait = Math.max(wait, Math.ceil((new Date(row.ends_at).getTime() - now.getTime()) / 1000));
      }
      return wait;
    },

    async succeeded(keys) {
      await db.deleteFrom('login_throttle').where('key', '=', accountKey(keys)).execute();
      await db
        .updateTable('login_throttle')
        .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
        .where('key', '=', addressKey(keys))
        .execute();
    },

    async purgeExpired() {
      const result = await db.deleteFrom('login_throttle').where('ends_at', '<=', clock.now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
