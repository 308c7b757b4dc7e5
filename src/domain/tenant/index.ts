import type { Decider } from '../shared/decider.js';
import type { TenantCommand } from './commands.js';
import { decide } from './decide.js';
import type { TenantEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialTenantState, type TenantState } from './state.js';

/** The Tenant aggregate: lifecycle, settings, tax rates, branches and devices of one shop business. */
export const tenantDecider: Decider<TenantCommand, TenantState, TenantEvent> = {
  decide,
  evolve,
  initialState: initialTenantState,
};


export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export type { TenantError, TenantErrorCode } from './errors.js';
export { TENANT_EVENT_VERSIONS } from './events.js';
export { initialTenantState } from './state.js';
export { activeDevice, activeTaxRate, isAcceptingCommands, openBranch } from './queries.js';
