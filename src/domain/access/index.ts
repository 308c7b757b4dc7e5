import type { Decider } from '../shared/decider.js';
import type { AccessCommand } from './commands.js';
import { decide } from './decide.js';
import type { AccessEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialAccessState, type AccessState } from './state.js';

/** What a support session read: one stream per session (`access-<tenant>/<session>`), one event per read. */
export const accessDecider: Decider<AccessCommand, AccessState, AccessEvent> = { decide, evolve, initialState: initialAccessState };

export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export { ACCESS_EVENT_VERSIONS } from './events.js';
export { initialAccessState } from './state.js';
