import { unreachable } from '../shared/decider.js';
import type { DeviceId } from '../shared/ids.js';
import type {
  AssignBranch,
  BindDevice,
  ChangeEmployeeRole,
  EmployeeCommand,
  HireEmployee,
  UnassignBranch,
  UnbindDevice,
} from './commands.js';
import { closeDrawer, openDrawer, recordCashIn, recordCashOut } from './decideDrawer.js';
import { forgetPersonalData, reinstate, suspend, terminate } from './decideLifecycle.js';
import { clockIn, clockOut } from './decideShift.js';
import { employeeError } from './errors.js';
import type {
  BranchAssigned,
  BranchUnassigned,
  DeviceBound,
  DeviceUnbindReason,
  DeviceUnbound,
  EmployeeEvent,
  EmployeeHired,
  EmployeeRoleChanged,
} from './events.js';
import { distinct, requireActive } from './guards.js';
import { requirePersonalData } from './personalData.js';
import { requireEmployeeRole, worksAtBranches } from './roles.js';
import type { EmployeeState } from './state.js';

/**
 * Checks run in one order everywhere: who asks (forbidden), the employee's status (conflict),
 * the command's own data (invalid), then the rules that weigh data against state.
 */
export function decide(command: EmployeeCommand, state: EmployeeState): readonly EmployeeEvent[] {
  switch (command.type) {
    case 'HireEmployee':
      return hire(command, state);
    case 'ChangeEmployeeRole':
      return changeRole(command, state);
    case 'AssignBranch':
      return assignBranch(command, state);
    case 'UnassignBranch':
      return unassignBranch(command, state);
    case 'BindDevice':
      return bindDevice(command, state);
    case 'UnbindDevice':
      return unbindDevice(command, state);
    case 'SuspendEmployee':
      return suspend(command, state);
    case 'ReinstateEmployee':
      return reinstate(command, state);
    case 'TerminateEmployee':
      return terminate(command, state);
    case 'ClockIn':
      return clockIn(command, state);
    case 'ClockOut':
      return clockOut(command, state);
    case 'OpenDrawer':
      return openDrawer(command, state);
    case 'RecordCashIn':
      return recordCashIn(command, state);
    case 'RecordCashOut':
      return recordCashOut(command, state);
    case 'CloseDrawer':
      return closeDrawer(command, state);
    case 'ForgetPersonalData':
      return forgetPersonalData(command, state);
    default:
      return unreachable(command);
  }
}

function hire({ data }: HireEmployee, state: EmployeeState): [EmployeeHired] {
  // A terminated employee is not re-hired into the same stream: a new hire is a new employee id.
  if (state.status !== 'none') throw employeeError('EMPLOYEE_ALREADY_HIRED', 'This employee has already been hired');
  const role = requireEmployeeRole(data.role);
  const personalData = requirePersonalData(data.personalData);
  const branchIds = distinct(data.branchIds);
  if (worksAtBranches(role) && branchIds.length === 0) {
    throw employeeError('BRANCH_REQUIRED', `A ${role} must be assigned to at least one branch`, { role });
  }
  const deviceIds = distinct(data.deviceIds ?? []);
  if (role !== 'cashier' && deviceIds.length > 0) {
    throw employeeError('ONLY_CASHIERS_BIND_DEVICES', 'Only cashiers are bound to devices', { role });
  }
  return [{ type: 'EmployeeHired', data: { employeeId: data.employeeId, tenantId: data.tenantId, personalData, role, branchIds, deviceIds } }];
}

/**
 * A cashier's device bindings end when the role stops being cashier, as DeviceUnbound events
 * (reason `role_changed`) written before EmployeeRoleChanged. Separate events keep one fact per
 * binding, so a binding's whole story is DeviceBound/DeviceUnbound whatever ended it; writing
 * them first means no revision of the stream shows a manager still bound to a till.
 */
function changeRole({ data }: ChangeEmployeeRole, state: EmployeeState): (DeviceUnbound | EmployeeRoleChanged)[] {
  const employee = requireActive(state);
  const role = requireEmployeeRole(data.role);
  if (role === employee.role) return [];
  if (worksAtBranches(role) && employee.branchIds.length === 0) {
    throw employeeError('BRANCH_REQUIRED', `Assign a branch before making this employee a ${role}`, { role });
  }
  const unbound = role === 'cashier' ? [] : employee.deviceIds.map((deviceId) => deviceUnbound(deviceId, 'role_changed'));
  return [...unbound, { type: 'EmployeeRoleChanged', data: { from: employee.role, to: role } }];
}

function assignBranch({ data }: AssignBranch, state: EmployeeState): BranchAssigned[] {
  const employee = requireActive(state);
  if (employee.branchIds.includes(data.branchId)) return [];
  return [{ type: 'BranchAssigned', data: { branchId: data.branchId } }];
}

/**
 * Leaving a branch ends the bindings to its devices. Which devices stand at which branch is a
 * fact of the Tenant aggregate, so the application passes them in `devicesAtBranch`.
 */
function unassignBranch({ data }: UnassignBranch, state: EmployeeState): (DeviceUnbound | BranchUnassigned)[] {
  const employee = requireActive(state);
  if (!employee.branchIds.includes(data.branchId)) {
    throw employeeError('BRANCH_NOT_ASSIGNED', 'The employee is not assigned to this branch', { branchId: data.branchId });
  }
  if (worksAtBranches(employee.role) && employee.branchIds.length === 1) {
    throw employeeError('LAST_BRANCH_REQUIRED', `A ${employee.role} must keep at least one branch`, { branchId: data.branchId });
  }
  const unbound = employee.deviceIds
    .filter((deviceId) => data.devicesAtBranch.includes(deviceId))
    .map((deviceId) => deviceUnbound(deviceId, 'branch_unassigned'));
  return [...unbound, { type: 'BranchUnassigned', data: { branchId: data.branchId } }];
}

function bindDevice({ data }: BindDevice, state: EmployeeState): DeviceBound[] {
  const employee = requireActive(state);
  if (employee.role !== 'cashier') {
    throw employeeError('ONLY_CASHIERS_BIND_DEVICES', 'Only cashiers are bound to devices', { role: employee.role });
  }
  if (!employee.branchIds.includes(data.branchId)) {
    throw employeeError('BRANCH_NOT_ASSIGNED', "The device's branch is not one of the employee's", { branchId: data.branchId });
  }
  if (employee.deviceIds.includes(data.deviceId)) return [];
  return [{ type: 'DeviceBound', data: { deviceId: data.deviceId, branchId: data.branchId } }];
}

function unbindDevice({ data }: UnbindDevice, state: EmployeeState): DeviceUnbound[] {
  const employee = requireActive(state);
  if (!employee.deviceIds.includes(data.deviceId)) {
    throw employeeError('DEVICE_NOT_BOUND', 'The employee is not bound to this device', { deviceId: data.deviceId });
  }
  return [deviceUnbound(data.deviceId, 'requested')];
}

function deviceUnbound(deviceId: DeviceId, reason: DeviceUnbindReason): DeviceUnbound {
  return { type: 'DeviceUnbound', data: { deviceId, reason } };
}
