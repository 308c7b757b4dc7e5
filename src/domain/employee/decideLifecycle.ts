import type { ForgetPersonalData, ReinstateEmployee, SuspendEmployee, TerminateEmployee } from './commands.js';
import { employeeError } from './errors.js';
import type { EmployeeReinstated, EmployeeSuspended, EmployeeTerminated, PersonalDataForgotten } from './events.js';
import { requireActive, requireHired, requireReason } from './guards.js';
import type { ActiveEmployee, EmployeeState } from './state.js';

/*
 * active -> suspended -> active; active | suspended -> terminated, which is final.
 * The application revokes the employee's sessions and refresh tokens on EmployeeSuspended and
 * EmployeeTerminated; the decider only records the fact.
 */

export function suspend({ data }: SuspendEmployee, state: EmployeeState): [EmployeeSuspended] {
  const employee = requireActive(state);
  const reason = requireReason(data.reason);
  requireNothingOpen(employee);
  return [{ type: 'EmployeeSuspended', data: { reason } }];
}

export function reinstate(_command: ReinstateEmployee, state: EmployeeState): [EmployeeReinstated] {
  const employee = requireHired(state);
  if (employee.status === 'terminated') throw employeeError('EMPLOYEE_TERMINATED', 'The employee has been terminated');
  if (employee.status === 'active') throw employeeError('EMPLOYEE_NOT_SUSPENDED', 'The employee is not suspended');
  return [{ type: 'EmployeeReinstated', data: {} }];
}

export function terminate({ data }: TerminateEmployee, state: EmployeeState): [EmployeeTerminated] {
  const employee = requireHired(state);
  if (employee.status === 'terminated') throw employeeError('EMPLOYEE_TERMINATED', 'The employee has already been terminated');
  const reason = requireReason(data.reason);
  if (employee.status === 'active') requireNothingOpen(employee);
  return [{ type: 'EmployeeTerminated', data: { reason } }];
}

/**
 * Suspension and termination are refused while the employee holds a drawer or a shift, rather
 * than closing them implicitly: closing a drawer needs a manager's count of the cash, which no
 * one can make up on the decider's behalf. A manager closes the drawer (and the shift) first,
 * so the cash is accounted for before the employee loses access. The drawer is named first
 * because it must close before the shift can.
 */
function requireNothingOpen(employee: ActiveEmployee): void {
  const shift = employee.shift;
  if (shift?.drawer) {
    throw employeeError('DRAWER_STILL_OPEN', 'A manager must close the employee\u2019s cash drawer first', { drawerId: shift.drawer.drawerId });
  }
  if (shift) throw employeeError('SHIFT_STILL_OPEN', 'The employee must clock out first', { shiftId: shift.shiftId });
}

/**
 * Right to erasure, in any status once hired (a terminated employee's data may be kept only
 * as long as the law wants it). Forgetting twice changes nothing.
 */
export function forgetPersonalData(_command: ForgetPersonalData, state: EmployeeState): PersonalDataForgotten[] {
  const employee = requireHired(state);
  if (employee.personalData === null) return [];
  return [{ type: 'PersonalDataForgotten', data: {} }];
}
