import type { ClockIn, ClockOut } from './commands.js';
import { employeeError } from './errors.js';
import type { EmployeeClockedIn, EmployeeClockedOut } from './events.js';
import { requireActive } from './guards.js';
import type { EmployeeState } from './state.js';

/*
 * Shifts are clocked by the employee (or a manager for them); whether the actor is that
 * employee is the application's check, as only it knows which user is which employee.
 */

export function clockIn({ data, meta }: ClockIn, state: EmployeeState): [EmployeeClockedIn] {
  const employee = requireActive(state);
  if (employee.shift) {
    throw employeeError('SHIFT_ALREADY_OPEN', 'The employee is already clocked in', { shiftId: employee.shift.shiftId });
  }
  if (!employee.branchIds.includes(data.branchId)) {
    throw employeeError('BRANCH_NOT_ASSIGNED', 'The employee is not assigned to this branch', { branchId: data.branchId });
  }
  const deviceId = data.deviceId ?? null;
  // A cashier works on *their* devices; clocking in at a time clock (no device) is fine.
  if (employee.role === 'cashier' && deviceId !== null && !employee.deviceIds.includes(deviceId)) {
    throw employeeError('DEVICE_NOT_BOUND', 'The cashier is not bound to this device', { deviceId });
  }
  return [{ type: 'EmployeeClockedIn', data: { shiftId: data.shiftId, branchId: data.branchId, deviceId, at: meta.at } }];
}

export function clockOut({ data, meta }: ClockOut, state: EmployeeState): [EmployeeClockedOut] {
  const employee = requireActive(state);
  const shift = employee.shift;
  if (shift?.shiftId !== data.shiftId) {
    throw employeeError('SHIFT_NOT_OPEN', 'This shift is not open', { shiftId: data.shiftId });
  }
  if (shift.drawer) {
    throw employeeError('DRAWER_STILL_OPEN', 'The cash drawer must be closed before clocking out', { drawerId: shift.drawer.drawerId });
  }
  if (meta.at < shift.clockedInAt) {
    throw employeeError('CLOCK_OUT_BEFORE_CLOCK_IN', 'A shift cannot end before it started', { clockedInAt: shift.clockedInAt, at: meta.at });
  }
  return [{ type: 'EmployeeClockedOut', data: { shiftId: data.shiftId, at: meta.at } }];
}
