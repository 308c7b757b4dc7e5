import { expect } from 'vitest';
import { DomainError, type ErrorKind } from '../../src/domain/shared/errors.js';
import type { Decider } from '../../src/domain/shared/decider.js';

/**
 * Given/when/then for deciders:
 *
 *   spec(orderDecider).given([opened]).when(addLine).then([lineAdded]);
 *   spec(orderDecider).given([opened, completed]).when(addLine).thenFails('ORDER_NOT_OPEN');
 *
 * `then` also checks that the new events fold without error and that folding history
 * plus the new events equals evolving the decided-from state, the property every decider keeps.
 */
export function spec<Command, State, Event>(decider: Decider<Command, State, Event>) {
  return {
    given(history: readonly Event[]) {
      const state = history.reduce(decider.evolve, decider.initialState);
      return {
        state,
        when(command: Command) {
          const run = (): readonly Event[] => decider.decide(command, state);
          return {
            then(expected: readonly Event[]): State {
              const events = run();
              expect(events).toEqual(expected);
              return events.reduce(decider.evolve, state);
            },
            thenFails(code: string, kind?: ErrorKind): DomainError {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught, `expected ${code}`).toBeInstanceOf(DomainError);
              const error = caught as DomainError;
              expect(error.code).toBe(code);
              if (kind) expect(error.kind).toBe(kind);
              return error;
            },
          };
        },
      };
    },
  };
}
