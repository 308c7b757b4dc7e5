import type { Decider } from '../shared/decider.js';
import type { EmployeeCommand } from './commands.js';
import { decide } from './decide.js';
import type { EmployeeEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialEmployeeState, type EmployeeState } from './state.js';

/** The Employee aggregate: hiring, role and assignments, lifecycle, shifts, cash drawer, erasure. */
export const employeeDecider: Decider<EmployeeCommand, EmployeeState, EmployeeEvent> = {
  decide,
  evolve,
  initialState: initialEmployeeState,
};


export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export type { EmployeeErrorCode } from './errors.js';
export type { EmployeeRole } from './roles.js';
export type { PersonalData, PersonalDataInput } from './personalData.js';
export type { MovementId } from './cash.js';
export { EMPLOYEE_EVENT_VERSIONS } from './events.js';
export { EMPLOYEE_ERROR_KINDS } from './errors.js';
export { EMPLOYEE_ROLES } from './roles.js';
export { COUNTED_MAX, FLOAT_MAX, MOVEMENT_MAX } from './cash.js';
export { initialEmployeeState } from './state.js';
