/**
 * In-process wake-up for polling subscribers. Appends made by this process ring
 * it after they commit; appends made by other processes are found by polling.
 * The version counter closes the race between "read found nothing" and "start
 * waiting": a ring in between makes the wait return at once.
 */
export class WakeUp {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  ring(): void {
    this.version += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on a ring after `seen`, after `ms`, or when `signal` aborts. */
  wait(seen: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
