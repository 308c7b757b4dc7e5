import { DomainError, type ErrorKind } from '../shared/errors.js';

/** Every code the Employee decider refuses with. Clients may rely on them: never rename one. */
export type EmployeeErrorCode =
  // invalid: the command breaks a rule of the data
  | 'ROLE_NOT_ASSIGNABLE'
  | 'BRANCH_REQUIRED'
  | 'LAST_BRANCH_REQUIRED'
  | 'ONLY_CASHIERS_BIND_DEVICES'
  | 'NAME_INVALID'
  | 'EMAIL_INVALID'
  | 'PHONE_INVALID'
  | 'REASON_INVALID'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'CLOCK_OUT_BEFORE_CLOCK_IN'
  | 'DRAWER_CLOSE_BEFORE_OPEN'
  // conflict: the employee's state does not allow it
  | 'EMPLOYEE_NOT_HIRED'
  | 'EMPLOYEE_ALREADY_HIRED'
  | 'EMPLOYEE_NOT_ACTIVE'
  | 'EMPLOYEE_NOT_SUSPENDED'
  | 'EMPLOYEE_TERMINATED'
  | 'SHIFT_ALREADY_OPEN'
  | 'SHIFT_NOT_OPEN'
  | 'SHIFT_STILL_OPEN'
  | 'DRAWER_ALREADY_OPEN'
  | 'DRAWER_NOT_OPEN'
  | 'DRAWER_STILL_OPEN'
  | 'MOVEMENT_ALREADY_RECORDED'
  | 'INSUFFICIENT_CASH_IN_DRAWER'
  // not_found: the assignment or binding addressed does not exist
  | 'BRANCH_NOT_ASSIGNED'
  | 'DEVICE_NOT_BOUND'
  // forbidden: the actor's role may not do this
  | 'MANAGER_REQUIRED';

/**
 * One kind per code, whichever command raises it, so the edge answers a code the same way every
 * time. `AMOUNT_OUT_OF_RANGE` is raised by the shared `requireMinor`, with the same kind.
 */
export const EMPLOYEE_ERROR_KINDS: Readonly<Record<EmployeeErrorCode, ErrorKind>> = {
  ROLE_NOT_ASSIGNABLE: 'invalid',
  BRANCH_REQUIRED: 'invalid',
  LAST_BRANCH_REQUIRED: 'invalid',
  ONLY_CASHIERS_BIND_DEVICES: 'invalid',
  NAME_INVALID: 'invalid',
  EMAIL_INVALID: 'invalid',
  PHONE_INVALID: 'invalid',
  REASON_INVALID: 'invalid',
  AMOUNT_OUT_OF_RANGE: 'invalid',
  CLOCK_OUT_BEFORE_CLOCK_IN: 'invalid',
  DRAWER_CLOSE_BEFORE_OPEN: 'invalid',
  EMPLOYEE_NOT_HIRED: 'conflict',
  EMPLOYEE_ALREADY_HIRED: 'conflict',
  EMPLOYEE_NOT_ACTIVE: 'conflict',
  EMPLOYEE_NOT_SUSPENDED: 'conflict',
  EMPLOYEE_TERMINATED: 'conflict',
  SHIFT_ALREADY_OPEN: 'conflict',
  SHIFT_NOT_OPEN: 'conflict',
  SHIFT_STILL_OPEN: 'conflict',
  DRAWER_ALREADY_OPEN: 'conflict',
  DRAWER_NOT_OPEN: 'conflict',
  DRAWER_STILL_OPEN: 'conflict',
  MOVEMENT_ALREADY_RECORDED: 'conflict',
  INSUFFICIENT_CASH_IN_DRAWER: 'conflict',
  BRANCH_NOT_ASSIGNED: 'not_found',
  DEVICE_NOT_BOUND: 'not_found',
  MANAGER_REQUIRED: 'forbidden',
};

/** A refusal of the Employee decider; its kind comes from the code. */
export function employeeError(
  code: EmployeeErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): DomainError<EmployeeErrorCode> {
  return new DomainError(EMPLOYEE_ERROR_KINDS[code], code, message, details);
}
