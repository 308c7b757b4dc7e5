import type { AccessEvent } from './events.js';
import type { AccessState } from './state.js';

export function evolve(state: AccessState, _event: AccessEvent): AccessState {
  return { reads: state.reads + 1 };
}
