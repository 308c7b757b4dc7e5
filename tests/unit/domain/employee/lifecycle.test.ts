import { describe, expect, it } from 'vitest';
import {
  as,
  badReasons,
  cashierHired,
  clockedIn,
  command,
  drawerOpened,
  employee,
  event,
  reinstated,
  suspended,
  shift1,
  t1,
  t2,
  terminated,
} from './fixtures.js';

const suspend = (reason = 'Till shortages under review', meta = as('tenant_admin')) => command('SuspendEmployee', { reason }, meta);
const reinstate = (meta = as('tenant_admin')) => command('ReinstateEmployee', {}, meta);
const terminate = (reason = 'Resigned', meta = as('tenant_admin')) => command('TerminateEmployee', { reason }, meta);

describe('SuspendEmployee', () => {
  it('suspends an active employee, with the reason trimmed', () => {
    const state = employee.given([cashierHired]).when(suspend('  Till shortages under review ')).then([
      event('EmployeeSuspended', { reason: 'Till shortages under review' }),
    ]);
    expect(state).toMatchObject({ status: 'suspended', reason: 'Till shortages under review', role: 'cashier' });
  });

  it('suspends again after a reinstatement', () => {
    employee.given([cashierHired, suspended, reinstated]).when(suspend()).then([event('EmployeeSuspended', { reason: 'Till shortages under review' })]);
  });

  describe('refuses', () => {
    it('an employee not hired', () => {
      employee.given([]).when(suspend()).thenFails('EMPLOYEE_NOT_HIRED', 'conflict');
    });
    it('an employee already suspended', () => {
      employee.given([cashierHired, suspended]).when(suspend()).thenFails('EMPLOYEE_NOT_ACTIVE', 'conflict');
    });
    it('a terminated employee', () => {
      employee.given([cashierHired, terminated]).when(suspend()).thenFails('EMPLOYEE_TERMINATED', 'conflict');
    });
    it.each(badReasons)('%s', (_, reason) => {
      employee.given([cashierHired]).when(suspend(reason)).thenFails('REASON_INVALID', 'invalid');
    });
    it('while the employee has a cash drawer open, which a manager must close first', () => {
      employee.given([cashierHired, clockedIn(), drawerOpened()]).when(suspend()).thenFails('DRAWER_STILL_OPEN', 'conflict');
    });
    it('while the employee is clocked in', () => {
      employee.given([cashierHired, clockedIn()]).when(suspend()).thenFails('SHIFT_STILL_OPEN', 'conflict');
    });
  });
});

describe('ReinstateEmployee', () => {
  it('reinstates a suspended employee, with their role and assignments, off shift', () => {
    const state = employee.given([cashierHired, suspended]).when(reinstate()).then([event('EmployeeReinstated', {})]);
    expect(state).toMatchObject({ status: 'active', role: 'cashier', shift: null, deviceIds: cashierHired.data.deviceIds });
  });

  describe('refuses', () => {
    it('an employee not hired', () => {
      employee.given([]).when(reinstate()).thenFails('EMPLOYEE_NOT_HIRED', 'conflict');
    });
    it('an active employee', () => {
      employee.given([cashierHired]).when(reinstate()).thenFails('EMPLOYEE_NOT_SUSPENDED', 'conflict');
    });
    it('a terminated employee, as termination is final', () => {
      employee.given([cashierHired, suspended, terminated]).when(reinstate()).thenFails('EMPLOYEE_TERMINATED', 'conflict');
    });
  });
});

describe('TerminateEmployee', () => {
  it('terminates an active employee', () => {
    const state = employee.given([cashierHired]).when(terminate()).then([event('EmployeeTerminated', { reason: 'Resigned' })]);
    expect(state).toMatchObject({ status: 'terminated', reason: 'Resigned', role: 'cashier' });
  });

  it('terminates a suspended employee', () => {
    employee.given([cashierHired, suspended]).when(terminate('Dismissed')).then([event('EmployeeTerminated', { reason: 'Dismissed' })]);
  });

  it('terminates once the shift is over', () => {
    employee
      .given([cashierHired, clockedIn(t1), event('EmployeeClockedOut', { shiftId: shift1, at: t2 })])
      .when(terminate())
      .then([event('EmployeeTerminated', { reason: 'Resigned' })]);
  });

  describe('refuses', () => {
    it('an employee not hired', () => {
      employee.given([]).when(terminate()).thenFails('EMPLOYEE_NOT_HIRED', 'conflict');
    });
    it('an employee already terminated', () => {
      employee.given([cashierHired, terminated]).when(terminate()).thenFails('EMPLOYEE_TERMINATED', 'conflict');
    });
    it.each(badReasons)('%s', (_, reason) => {
      employee.given([cashierHired]).when(terminate(reason)).thenFails('REASON_INVALID', 'invalid');
    });
    it('while the employee has a cash drawer open, which a manager must close first', () => {
      employee.given([cashierHired, clockedIn(), drawerOpened()]).when(terminate()).thenFails('DRAWER_STILL_OPEN', 'conflict');
    });
    it('while the employee is clocked in', () => {
      employee.given([cashierHired, clockedIn()]).when(terminate()).thenFails('SHIFT_STILL_OPEN', 'conflict');
    });
  });
});
