import type { Decider } from '../shared/decider.js';
import type { TillCommand } from './commands.js';
import { decide } from './decide.js';
import type { TillEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialTillState, type TillState } from './state.js';

/**
 * A POS till's closures: one stream per device, one TillDayClosed per Z. Optimistic concurrency
 * on that stream keeps Z numbers gapless under concurrent closes: the later append fails, and the
 * handler decides again on the state that holds the earlier Z.
 */
export const tillDecider: Decider<TillCommand, TillState, TillEvent> = { decide, evolve, initialState: initialTillState };

export type * from './commands.js';
export type * from './events.js';
export type * from './figures.js';
export type * from './state.js';
export type { TillErrorCode } from './errors.js';
export { TILL_ERROR_KINDS } from './errors.js';
export { TILL_EVENT_VERSIONS } from './events.js';
export { addFigures, addTaxes, addTenders, addToGrandTotals, EMPTY_FIGURES, EMPTY_GRAND_TOTALS } from './figures.js';
export { initialTillState } from './state.js';
