import type { HiredEmployee } from '../domain/employee/index.js';
import type { UserId } from '../domain/shared/ids.js';
import type { Accounts } from './ports/accounts.js';

/**
 * The login of an employee as their state has it: the user id (the employee id) and what it may
 * reach. Command handlers write it right after their append; the account-sync reactor writes the
 * same after a crash. Its status also activates a hire's pending login (ADR 0013).
 */
export function loginOf(employee: HiredEmployee): Readonly<{ userId: UserId; change: Parameters<Accounts['update']>[1] }> {
  return {
    userId: employee.employeeId as string as UserId,
    change: { role: employee.role, branchIds: employee.branchIds, deviceIds: employee.deviceIds, status: employee.status },
  };
}
