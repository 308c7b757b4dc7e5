import { availableParallelism } from 'node:os';
import { ApplicationError } from '../../application/errors.js';

export type HashingLimits = Readonly<{
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a place; one more is refused rather than queued. */
  queue: number;
}>;

/** Watches the gate; tests count derivations running at once with it. */
export type HashingObserver = Readonly<{ started?: (running: number) => void; finished?: (running: number) => void }>;

/**
 * Bounds how many scrypt derivations run at once, with a bounded queue behind them. scrypt runs
 * in libuv's thread pool (4 threads), the same pool WebCrypto (token signatures) and fs use; left
 * unbounded, a flood of sign-ins fills every thread and both cores, and every other request waits
 * behind it. Past the queue the work is refused with 503 SIGN_IN_BUSY (Retry-After) instead of
 * waiting without end.
 */
export interface HashingGate {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly limits: HashingLimits;
}

/** One derivation per two cores, at least one: the other half of the machine keeps serving. */
export const DEFAULT_HASHING_LIMITS: HashingLimits = { concurrency: Math.max(1, Math.floor(availableParallelism() / 2)), queue: 16 };

export const hashingBusy = (): ApplicationError =>
  new ApplicationError('unavailable', 'SIGN_IN_BUSY', 'Too many sign-ins are being checked right now; retry in a moment');

export function createHashingGate(limits: HashingLimits = DEFAULT_HASHING_LIMITS, observer: HashingObserver = {}): HashingGate {
  if (!Number.isSafeInteger(limits.concurrency) || limits.concurrency < 1 || !Number.isSafeInteger(limits.queue) || limits.queue < 0) {
    throw new RangeError('hashing concurrency must be at least 1 and the queue at least 0');
  }
  let running = 0;
  const waiting: (() => void)[] = [];

  const leave = (): void => {
    const next = waiting.shift();
    // The place passes straight to the next in line, so no newcomer slips in between.
    if (next) {
      observer.finished?.(running);
      next();
      return;
    }
    running -= 1;
    observer.finished?.(running);
  };

  return {
    limits,
    async run(work) {
      if (running < limits.concurrency) {
        running += 1;
      } else {
        if (waiting.length >= limits.queue) throw hashingBusy();
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      observer.started?.(running);
      try {
        return await work();
      } finally {
        leave();
      }
    },
  };
}
