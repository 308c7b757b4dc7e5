import { DatabaseUnavailableError, isConnectionLost } from './unavailable.js';

export type Availability = Readonly<{
  /** Throws DatabaseUnavailableError at once while the database is known to be unreachable. */
  assertReachable(): void;
  /** Hears every failed statement or connection; a lost connection opens the circuit. */
  observe(error: unknown): void;
  isReachable(): boolean;
  /** Stops probing (the pool is closing). */
  close(): void;
}>;

export type AvailabilityOptions = Readonly<{
  /** Resolves when a fresh connection to the server answers, rejects otherwise; it must be bounded. */
  probe: () => Promise<void>;
  /** Pause between failed probes. */
  probeIntervalMs?: number;
  onChange?: (reachable: boolean, error?: unknown) => void;
}>;

/**
 * A circuit breaker in front of the pool. Once a connection is lost (the server stopped, the
 * network dropped or black-holed it), every new statement fails at once with a 503 instead of
 * waiting out the connect or read timeout, and a probe on a fresh connection runs every
 * `probeIntervalMs` until the server answers again; then the circuit closes and traffic flows.
 * Statements already running are not touched: they end by their own timeouts.
 */
export function createAvailability(options: AvailabilityOptions): Availability {
  const probeIntervalMs = options.probeIntervalMs ?? 250;
  let reachable = true;
  let closed = false;
  let probing: Promise<void> | undefined;
  let lastError: unknown;
  // A function, so the check after an await reads the flag anew.
  const isClosed = (): boolean => closed;

  const probeUntilReachable = async (): Promise<void> => {
    while (!isClosed() && !reachable) {
      try {
        await options.probe();
        if (isClosed()) return;
        reachable = true;
        options.onChange?.(true);
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, probeIntervalMs).unref());
      }
    }
  };

  return {
    assertReachable() {
      if (!reachable) throw new DatabaseUnavailableError('the database is unreachable; retrying in the background', { cause: lastError });
    },
    observe(error) {
      // Our own fast refusal (below) says nothing new, and may arrive after the circuit closed.
      if (closed || !reachable || error instanceof DatabaseUnavailableError || !isConnectionLost(error)) return;
      reachable = false;
      lastError = error;
      options.onChange?.(false, error);
      probing ??= probeUntilReachable().finally(() => (probing = undefined));
    },
    isReachable: () => reachable,
    close() {
      closed = true;
    },
  };
}
