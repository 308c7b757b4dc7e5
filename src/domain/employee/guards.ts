import type { CommandMeta } from '../shared/command.js';
import { atLeast, type Role } from '../shared/roles.js';
import { employeeError } from './errors.js';
import type { ActiveEmployee, EmployeeState, HiredEmployee } from './state.js';

/**
 * Cash-drawer closing is a manager's job: the one who counts is not the one accountable.
 * Who may send which command at all is the application's permission table (ADR 0006);
 * only roles that are part of a business rule are checked here.
 */
export function requireManager(meta: CommandMeta): void {
  const required: Role = 'branch_manager';
  if (!atLeast(meta.actor.role, required)) {
    throw employeeError('MANAGER_REQUIRED', `Only a ${required} or higher may do this`, { role: meta.actor.role, required });
  }
}

export function requireHired(state: EmployeeState): HiredEmployee {
  if (state.status === 'none') throw employeeError('EMPLOYEE_NOT_HIRED', 'No such employee has been hired');
  return state;
}

/** Only an active employee takes commands beyond the lifecycle ones. */
export function requireActive(state: EmployeeState): ActiveEmployee {
  const hired = requireHired(state);
  if (hired.status === 'terminated') throw employeeError('EMPLOYEE_TERMINATED', 'The employee has been terminated');
  if (hired.status === 'suspended') throw employeeError('EMPLOYEE_NOT_ACTIVE', 'The employee is suspended');
  return hired;
}

export const REASON_MAX_LENGTH = 500;

/** Reasons are read by auditors: say something, briefly, and say nothing personal (it is not encrypted). */
export function requireReason(raw: string): string {
  const reason = raw.trim();
  if (reason.length < 1 || reason.length > REASON_MAX_LENGTH) {
    throw employeeError('REASON_INVALID', `A reason of 1 to ${REASON_MAX_LENGTH} characters is required`);
  }
  return reason;
}

/** Keeps the first of each value, in order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
