import type { Clock } from '../../application/ports/clock.js';
import type { Claim, IdempotencyStore } from './idempotencyStore.js';

/** Where a heartbeat reports trouble (a Fastify or pino logger fits). */
export type HeartbeatLog = Readonly<{ warn: (details: object, message: string) => void }>;

/**
 * Beyond this a claim is not renewed any more, whatever happens: a request that never ends must
 * not hold its key for good (its lease then lapses and a retry takes it over).
 */
export const MAX_HELD_MS = 10 * 60 * 1000;

/**
 * Keeps a claim's lease alive while its holder runs: renews it every third of the lease, so two
 * missed beats still leave it held. When the process dies the beats stop and the key is free
 * one lease later. Returns the function that stops it; the beats stop on their own when the
 * claim was lost or after MAX_HELD_MS. Never keeps the process alive.
 */
export function keepAlive(store: IdempotencyStore, claim: Claim, clock: Clock, log: HeartbeatLog): () => void {
  const started = Date.now();
  let stopped = false;
  let beating = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    // A slow renewal is not run over by the next one.
    if (stopped || beating) return;
    if (Date.now() - started > MAX_HELD_MS) {
      log.warn({ idempotencyKey: claim.scope.key }, 'claim held too long; no longer renewed');
      stop();
      return;
    }
    beating = true;
    store
      .renew(claim, clock.now())
      .then((held) => {
        if (!held) stop();
      })
      .catch((error: unknown) => {
        // The next beat tries again; if none gets through, the lease lapses, which is safe.
        log.warn({ err: error, idempotencyKey: claim.scope.key }, 'could not renew an idempotency claim');
      })
      .finally(() => {
        beating = false;
      });
  }, Math.max(50, Math.floor(store.leaseMs / 3)));
  timer.unref();
  return stop;
}
