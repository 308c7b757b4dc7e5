/**
 * Rings whenever this process moved a checkpoint, so a query waiting for read-your-writes looks
 * again at once instead of at its next poll. The version counter closes the race between "not
 * there yet" and "start waiting": a ring in between makes the wait return at once.
 */
export class Progress {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  ring(): void {
    this.version += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on a ring after `seen`, or after `ms`. */
  wait(seen: number, ms: number): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
