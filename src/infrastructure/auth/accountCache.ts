import type { PostgresAccounts } from './postgresAccounts.js';
import type { SessionFacts } from './accountDirectory.js';

/** How long a login's facts are trusted without reading them again, unless a write drops them first. */
export const DEFAULT_SESSION_CACHE_MS = 1_000;

/** Logins (per till) held at most; a few MB. */
const MAX_ENTRIES = 20_000;

type Entry = Readonly<{ facts: SessionFacts; readAt: number }>;

/**
 * The accounts, with what every authenticated request checks (the account, its till's
 * deactivation) held in this process (ADR 0019). Every write through these accounts drops what it
 * may change, before and after it runs, so in this process a suspension, termination, erasure,
 * role, branch or device change, or a deactivated till, takes effect on the holder's next
 * request, exactly as without a cache. That includes what another process decided: this
 * process's account-sync reactor applies each such event of the log through these same
 * accounts. Whatever else changed the tables (another process, before this one's reactor has
 * reached the event) is seen at the latest `maxAgeMs` after it was read. `maxAgeMs` 0: no cache.
 */
export function withSessionCache(accounts: PostgresAccounts, options: Readonly<{ maxAgeMs?: number; now?: () => number }> = {}): PostgresAccounts {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SESSION_CACHE_MS;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  /**
   * Bumped by every write: a read that started before a write ended is not kept (it may hold
   * the row as it was), whichever of the two finished first.
   */
  let generation = 0;
  const keyOf = (userId: string, deviceId: string | null): string => `${userId}\u0000${deviceId ?? ''}`;

  const dropUser = (userId: string): void => {
    generation++;
    for (const key of entries.keys()) if (key.startsWith(`${userId}\u0000`)) entries.delete(key);
  };
  const dropAll = (): void => {
    generation++;
    entries.clear();
  };
  /** Drops before and after: a read overlapping the write can neither be kept nor survive it. */
  const writing = async <T>(drop: () => void, write: () => Promise<T>): Promise<T> => {
    drop();
    try {
      return await write();
    } finally {
      drop();
    }
  };

  const user = (userId: string) => (): void => {
    dropUser(userId);
  };

  return {
    ...accounts,
    async sessionOf(userId, deviceId) {
      if (maxAgeMs === 0) return accounts.sessionOf(userId, deviceId);
      const key = keyOf(userId, deviceId);
      const held = entries.get(key);
      if (held && now() - held.readAt < maxAgeMs) return held.facts;
      const started = generation;
      const readAt = now();
      const facts = await accounts.sessionOf(userId, deviceId);
      // No account is not kept: the login may be created the next moment.
      entries.delete(key);
      if (facts && generation === started) {
        entries.set(key, { facts, readAt });
        // Oldest first in a Map: the logins not seen for longest go when there are too many.
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value ?? key);
      }
      return facts;
    },
    create: (account) => writing(user(account.userId), () => accounts.create(account)),
    reserve: (login) => writing(user(login.userId), () => accounts.reserve(login)),
    release: (userId, reservedBefore) => writing(user(userId), () => accounts.release(userId, reservedBefore)),
    update: (userId, change) => writing(user(userId), () => accounts.update(userId, change)),
    setCredentials: (userId, credentials) => writing(user(userId), () => accounts.setCredentials(userId, credentials)),
    forget: (userId) => writing(user(userId), () => accounts.forget(userId)),
    // Rare, and it concerns every login bound to the till: drop everything.
    deactivateDevice: (tenantId, deviceId) => writing(dropAll, () => accounts.deactivateDevice(tenantId, deviceId)),
  };
}
