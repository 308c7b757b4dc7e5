import type { Decider } from '../shared/decider.js';
import type { SealCommand } from './commands.js';
import { decide } from './decide.js';
import type { SealEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialSealState, type SealState } from './state.js';

/** A tenant's seals over its history: one stream per tenant (`seal-<tenant>`), one HistorySealed per seal. */
export const sealDecider: Decider<SealCommand, SealState, SealEvent> = { decide, evolve, initialState: initialSealState };

export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export type { SealErrorCode } from './errors.js';
export { SEAL_ERROR_KINDS } from './errors.js';
export { SEAL_EVENT_VERSIONS } from './events.js';
export { initialSealState } from './state.js';
