import { describe, expect, it } from 'vitest';
import type { BranchId, DeviceId } from '../../../../src/domain/shared/ids.js';
import type { Role } from '../../../../src/domain/shared/roles.js';
import {
  adminHired,
  as,
  branchA,
  branchB,
  branchC,
  cashierHired,
  command,
  device1,
  device2,
  device3,
  employee,
  event,
  eventLike,
  hired,
  managerHired,
  notActive,
} from './fixtures.js';

const changeRole = (role: Role, meta = as('tenant_admin')) => command('ChangeEmployeeRole', { role }, meta);
const assign = (branchId = branchC, meta = as('tenant_admin')) => command('AssignBranch', { branchId }, meta);
/** The application passes the devices standing at the branch: device1 and device2 at A, device3 at B. */
const devicesAt = (branchId: BranchId): DeviceId[] => (branchId === branchA ? [device1, device2] : branchId === branchB ? [device3] : []);
const unassign = (branchId: BranchId, meta = as('tenant_admin')) => command('UnassignBranch', { branchId, devicesAtBranch: devicesAt(branchId) }, meta);
const bind = (deviceId = device2, branchId = branchA, meta = as('tenant_admin')) => command('BindDevice', { deviceId, branchId }, meta);
const unbind = (deviceId = device1, meta = as('tenant_admin')) => command('UnbindDevice', { deviceId }, meta);

describe('ChangeEmployeeRole', () => {
  it('promotes a cashier to manager, unbinding each of their devices first', () => {
    employee
      .given([cashierHired])
      .when(changeRole('branch_manager'))
      .then([
        event('DeviceUnbound', { deviceId: device1, reason: 'role_changed' }),
        event('DeviceUnbound', { deviceId: device3, reason: 'role_changed' }),
        event('EmployeeRoleChanged', { from: 'cashier', to: 'branch_manager' }),
      ]);
  });

  it('leaves the former cashier with no device', () => {
    const state = employee.given([cashierHired]).when(changeRole('tenant_admin')).then([eventLike('DeviceUnbound'), eventLike('DeviceUnbound'), eventLike('EmployeeRoleChanged')]);
    expect(state).toMatchObject({ role: 'tenant_admin', deviceIds: [] });
  });

  it('makes a manager a cashier, with no device until one is bound', () => {
    employee.given([managerHired]).when(changeRole('cashier')).then([event('EmployeeRoleChanged', { from: 'branch_manager', to: 'cashier' })]);
  });

  it('makes a tenant admin with a branch its manager', () => {
    employee
      .given([adminHired, event('BranchAssigned', { branchId: branchA })])
      .when(changeRole('branch_manager'))
      .then([event('EmployeeRoleChanged', { from: 'tenant_admin', to: 'branch_manager' })]);
  });

  it('changes nothing when the role is the same', () => {
    employee.given([cashierHired]).when(changeRole('cashier')).then([]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(changeRole('branch_manager')).thenFails(code, 'conflict');
    });
    it('the platform owner role', () => {
      employee.given([managerHired]).when(changeRole('platform_owner')).thenFails('ROLE_NOT_ASSIGNABLE', 'invalid');
    });
    it.each(['cashier', 'branch_manager'] as const)('to make a tenant admin without a branch a %s', (role) => {
      employee.given([adminHired]).when(changeRole(role)).thenFails('BRANCH_REQUIRED', 'invalid');
    });
  });
});

describe('AssignBranch', () => {
  it('assigns a further branch', () => {
    employee.given([cashierHired]).when(assign(branchC)).then([event('BranchAssigned', { branchId: branchC })]);
  });

  it('changes nothing when the branch is already assigned', () => {
    employee.given([cashierHired]).when(assign(branchA)).then([]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(assign()).thenFails(code, 'conflict');
    });
  });
});

describe('UnassignBranch', () => {
  it('unassigns a branch and unbinds the employee’s devices standing there, first', () => {
    employee
      .given([cashierHired])
      .when(unassign(branchB))
      .then([event('DeviceUnbound', { deviceId: device3, reason: 'branch_unassigned' }), event('BranchUnassigned', { branchId: branchB })]);
  });

  it('keeps the devices of the other branches', () => {
    const state = employee.given([cashierHired]).when(unassign(branchA)).then([eventLike('DeviceUnbound', { deviceId: device1 }), eventLike('BranchUnassigned')]);
    expect(state).toMatchObject({ branchIds: [branchB], deviceIds: [device3] });
  });

  it('lets a tenant admin give up their last branch', () => {
    employee
      .given([adminHired, event('BranchAssigned', { branchId: branchA })])
      .when(unassign(branchA))
      .then([event('BranchUnassigned', { branchId: branchA })]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(unassign(branchA)).thenFails(code, 'conflict');
    });
    it('a branch the employee is not assigned to', () => {
      employee.given([cashierHired]).when(unassign(branchC)).thenFails('BRANCH_NOT_ASSIGNED', 'not_found');
    });
    it.each(['cashier', 'branch_manager'] as const)('to take the last branch of a %s', (role) => {
      employee.given([hired(role, [branchA])]).when(unassign(branchA)).thenFails('LAST_BRANCH_REQUIRED', 'invalid');
    });
  });
});

describe('BindDevice', () => {
  it('binds a cashier to a device at one of their branches', () => {
    employee.given([cashierHired]).when(bind(device2, branchA)).then([event('DeviceBound', { deviceId: device2, branchId: branchA })]);
  });

  it('changes nothing when the device is already bound', () => {
    employee.given([cashierHired]).when(bind(device1, branchA)).then([]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(bind()).thenFails(code, 'conflict');
    });
    it.each([
      ['branch manager', managerHired],
      ['tenant admin', adminHired],
    ] as const)('a %s, as only cashiers are bound to devices', (_, history) => {
      employee.given([history]).when(bind()).thenFails('ONLY_CASHIERS_BIND_DEVICES', 'invalid');
    });
    it('a device at a branch the cashier is not assigned to', () => {
      employee.given([cashierHired]).when(bind(device2, branchC)).thenFails('BRANCH_NOT_ASSIGNED', 'not_found');
    });
  });
});

describe('UnbindDevice', () => {
  it('unbinds a device', () => {
    const state = employee.given([cashierHired]).when(unbind(device1)).then([event('DeviceUnbound', { deviceId: device1, reason: 'requested' })]);
    expect(state).toMatchObject({ deviceIds: [device3] });
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(unbind()).thenFails(code, 'conflict');
    });
    it('a device the employee is not bound to', () => {
      employee.given([cashierHired]).when(unbind(device2)).thenFails('DEVICE_NOT_BOUND', 'not_found');
    });
  });
});
