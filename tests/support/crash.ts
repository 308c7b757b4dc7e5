import type { Accounts } from '../../src/application/ports/accounts.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';

/**
 * A simulated process death for tests of what two stores hold after a crash between their
 * writes. Armed at a point (just before, or just after, an append of an event type, or at an
 * Accounts method), the wrapped stores throw there, and from then on EVERY call of either store
 * throws, as nothing more happens in a dead process: no compensation, no later write. `revive()`
 * is the restart; what the log and the logins hold then is what recovery has to work with.
 */
export class Crash {
  dead = false;
  private point: CrashPoint | null = null;

  arm(point: CrashPoint): void {
    this.point = point;
  }

  revive(): void {
    this.dead = false;
    this.point = null;
  }

  /** Throws if the process is dead. */
  check(): void {
    if (this.dead) throw new SimulatedCrash();
  }

  /** Dies here if armed at this point. */
  at(point: CrashPoint): void {
    this.check();
    const armed = this.point;
    if (armed?.when === point.when && armed.what === point.what) {
      this.dead = true;
      throw new SimulatedCrash();
    }
  }
}

export type CrashPoint = Readonly<{ when: 'before' | 'after'; what: string }>;

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash: the process is gone');
    this.name = 'SimulatedCrash';
  }
}

/** The event store, dying before or after an append that holds an event of the armed type. */
export function crashableEventStore(store: EventStore, crash: Crash): EventStore {
  return {
    async appendToStream(streamId, events, options) {
      const types = events.map((e) => e.type);
      for (const type of types) crash.at({ when: 'before', what: type });
      crash.check();
      const result = await store.appendToStream(streamId, events, options);
      for (const type of types) crash.at({ when: 'after', what: type });
      return result;
    },
    readStream: async (...args) => {
      crash.check();
      return store.readStream(...args);
    },
    readAll: async (...args) => {
      crash.check();
      return store.readAll(...args);
    },
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    headPosition: async () => {
      crash.check();
      return store.headPosition();
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/** Accounts dying before or after the armed method (e.g. `{ when: 'after', what: 'reserve' }`). */
export function crashableAccounts<A extends Accounts>(accounts: A, crash: Crash): A {
  return new Proxy(accounts, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        crash.at({ when: 'before', what: property });
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        crash.at({ when: 'after', what: property });
        return result;
      };
    },
  });
}
