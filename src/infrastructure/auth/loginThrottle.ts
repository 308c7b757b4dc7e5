import type { Clock } from '../../application/ports/clock.js';

export type ThrottleRule = Readonly<{ maxFailures: number; windowSeconds: number }>;

export type ThrottleKeys = Readonly<{ account: string; address: string }>;

/**
 * Counts failed sign-ins per account (email or employee) and per client address, in a fixed
 * window opened by the first failure. Kept in process memory: each instance counts on its own,
 * so N instances allow up to N times the limit; acceptable for slowing guessing, and it costs no
 * database write on the hot path. A success clears the account's count, not the address's.
 */
export interface LoginThrottle {
  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfter(keys: ThrottleKeys): number;
  recordFailure(keys: ThrottleKeys): void;
  recordSuccess(keys: ThrottleKeys): void;
}

export const DEFAULT_THROTTLE = {
  perAccount: { maxFailures: 5, windowSeconds: 15 * 60 },
  perAddress: { maxFailures: 20, windowSeconds: 15 * 60 },
} as const satisfies Readonly<Record<string, ThrottleRule>>;

/** Bounds memory under a spray of distinct keys; the oldest windows go first. */
const MAX_ENTRIES = 100_000;

type Window = { failures: number; endsAt: number };

export function createLoginThrottle(
  clock: Clock,
  rules: Readonly<{ perAccount: ThrottleRule; perAddress: ThrottleRule }> = DEFAULT_THROTTLE,
): LoginThrottle {
  const windows = new Map<string, Window>();
  const keysOf = (keys: ThrottleKeys): readonly (readonly [string, ThrottleRule])[] => [
    [`account:${keys.account}`, rules.perAccount],
    [`address:${keys.address}`, rules.perAddress],
  ];
  const live = (key: string, now: number): Window | undefined => {
    const window = windows.get(key);
    if (window && window.endsAt <= now) windows.delete(key);
    return window && window.endsAt > now ? window : undefined;
  };

  return {
    retryAfter(keys) {
      const now = clock.now().getTime();
      let wait = 0;
      for (const [key, rule] of keysOf(keys)) {
        const window = live(key, now);
        if (window && window.failures >= rule.maxFailures) wait = Math.max(wait, Math.ceil((window.endsAt - now) / 1000));
      }
      return wait;
    },
    recordFailure(keys) {
      const now = clock.now().getTime();
      for (const [key, rule] of keysOf(keys)) {
        const window = live(key, now);
        if (window) window.failures += 1;
        else windows.set(key, { failures: 1, endsAt: now + rule.windowSeconds * 1000 });
      }
      while (windows.size > MAX_ENTRIES) {
        const oldest = windows.keys().next();
        if (oldest.done) break;
        windows.delete(oldest.value);
      }
    },
    recordSuccess(keys) {
      windows.delete(`account:${keys.account}`);
    },
  };
}
