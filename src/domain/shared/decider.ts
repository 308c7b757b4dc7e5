/**
 * An aggregate as a Decider: `decide` turns a command and the current state into
 * new events (or throws a DomainError); `evolve` folds one event into the state.
 * Both are pure: time, ids and facts from other aggregates arrive inside the command.
 */
export type Decider<Command, State, Event> = Readonly<{
  decide: (command: Command, state: State) => readonly Event[];
  evolve: (state: State, event: Event) => State;
  initialState: State;
}>;

/** Rebuilds state from history. */
export function fold<State, Event>(decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/** Exhaustiveness check for switches over a union's `type`. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
