import type { Clock } from '../../application/ports/clock.js';
import { keepAlive, type HeartbeatLog } from './heartbeat.js';
import type { IdempotencyStore } from './idempotencyStore.js';

/**
 * The lock of one till's sync batches, a lease in the idempotency table under a key no client can
 * use (client keys have no "#"). In PostgreSQL, so every process of the API sees it; a lease, so
 * a batch whose process died frees the till one lease later; renewed by a heartbeat while the
 * batch runs.
 */
export const BATCH_LOCK_KEY = '#sync';
const BATCH_LOCK_HASH = 'sync-batch';

export type BatchLockScope = Readonly<{ tenantId: string; deviceId: string }>;

export type HeldBatchLock = Readonly<{ release: () => Promise<void> }>;

export type BatchLockOutcome =
  | Readonly<{ kind: 'held'; lock: HeldBatchLock }>
  /** Another batch of the till still runs after `maxWaitMs`; it frees the till by `lockedUntil` at the latest if its holder died. */
  | Readonly<{ kind: 'busy'; lockedUntil: Date }>
  /** The caller gave up waiting (its client went away). */
  | Readonly<{ kind: 'abandoned' }>;

export type BatchLock = Readonly<{
  /** Waits up to `maxWaitMs` for the till's batch lock; `gone` is asked between tries. */
  acquire(scope: BatchLockScope, wait: Readonly<{ maxWaitMs: number; gone: () => boolean; log: HeartbeatLog }>): Promise<BatchLockOutcome>;
}>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createBatchLock(store: IdempotencyStore, clock: Clock): BatchLock {
  return {
    async acquire(scope, { maxWaitMs, gone, log }) {
      const lockScope = { ...scope, key: BATCH_LOCK_KEY };
      const deadline = Date.now() + maxWaitMs;
      let pause = 20;
      for (;;) {
        if (gone()) return { kind: 'abandoned' };
        const outcome = await store.claim(lockScope, BATCH_LOCK_HASH, clock.now());
        if (outcome.kind === 'claimed') {
          if (outcome.takenOver) log.warn({ deviceId: scope.deviceId }, 'sync batch lock taken over after its lease lapsed');
          const stop = keepAlive(store, outcome.claim, clock, log);
          return {
            kind: 'held',
            lock: {
              release: async () => {
                stop();
                await store.release(outcome.claim);
              },
            },
          };
        }
        // Neither a replay nor a mismatch can happen under this key; only a holder can.
        const lockedUntil = outcome.kind === 'in_flight' ? outcome.lockedUntil : clock.now();
        if (Date.now() + pause > deadline) return { kind: 'busy', lockedUntil };
        await sleep(pause);
        pause = Math.min(pause * 2, 200);
      }
    },
  };
}
