import type { Decider } from '../shared/decider.js';
import type { SupportCommand } from './commands.js';
import { decide } from './decide.js';
import type { SupportEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialSupportState, type SupportState } from './state.js';

/**
 * Support access: a platform owner reads one tenant's data for a stated reason, for at most an
 * hour. Starting and ending a session are events of the tenant, so the tenant and its auditors
 * see who looked and why (DOMAIN.md "Audit").
 */
export const supportDecider: Decider<SupportCommand, SupportState, SupportEvent> = {
  decide,
  evolve,
  initialState: initialSupportState,
};


export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export type { SupportErrorCode } from './errors.js';
export { SUPPORT_ERROR_KINDS } from './errors.js';
export { SUPPORT_EVENT_VERSIONS } from './events.js';
export { SUPPORT_MINUTES_MAX, SUPPORT_REASON_MAX, SUPPORT_REASON_MIN } from './decide.js';
export { activeSupportSession, supportSessionStatus } from './queries.js';
export { initialSupportState } from './state.js';
