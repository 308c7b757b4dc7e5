import { describe, expect, it } from 'vitest';
import type { DeviceId } from '../../../../src/domain/shared/ids.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import {
  as,
  branchA,
  branchB,
  branchC,
  cashierHired,
  clockedIn,
  command,
  device1,
  device2,
  drawerOpened,
  employee,
  event,
  managerHired,
  notActive,
  shift1,
  shift2,
  t0,
  t1,
  t2,
} from './fixtures.js';

/** Employees clock themselves in: a cashier's own command is the ordinary case. */
const clockIn = (branchId = branchA, deviceId?: DeviceId, at: Instant = t1, shiftId = shift1) =>
  command('ClockIn', { shiftId, branchId, deviceId }, as('cashier', at));
const clockOut = (shiftId = shift1, at: Instant = t2) => command('ClockOut', { shiftId }, as('cashier', at));

/** drawer1 closed with its float of 100.00 counted back. */
const closedDrawer = {
  drawerId: drawerOpened().data.drawerId,
  deviceId: device1,
  float: 10_000,
  cashIn: 0,
  cashOut: 0,
  cashSales: 0,
  expected: 10_000,
  counted: 10_000,
  variance: 0,
  at: t2,
};

describe('ClockIn', () => {
  it('opens a shift at one of the employee’s branches, at the command’s business time', () => {
    const state = employee
      .given([cashierHired])
      .when(clockIn(branchA, device1))
      .then([event('EmployeeClockedIn', { shiftId: shift1, branchId: branchA, deviceId: device1, at: t1 })]);
    expect(state).toMatchObject({ shift: { shiftId: shift1, branchId: branchA, deviceId: device1, clockedInAt: t1, drawer: null } });
  });

  it('lets a cashier clock in without a device (at a time clock)', () => {
    employee.given([cashierHired]).when(clockIn(branchB)).then([event('EmployeeClockedIn', { shiftId: shift1, branchId: branchB, deviceId: null, at: t1 })]);
  });

  it('lets a manager clock in on any device', () => {
    employee
      .given([managerHired])
      .when(clockIn(branchA, device2))
      .then([event('EmployeeClockedIn', { shiftId: shift1, branchId: branchA, deviceId: device2, at: t1 })]);
  });

  it('opens the next shift once the last one is over', () => {
    employee
      .given([cashierHired, clockedIn(), event('EmployeeClockedOut', { shiftId: shift1, at: t2 })])
      .when(clockIn(branchA, undefined, t2, shift2))
      .then([event('EmployeeClockedIn', { shiftId: shift2, branchId: branchA, deviceId: null, at: t2 })]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(clockIn()).thenFails(code, 'conflict');
    });
    it('a second shift while one is open', () => {
      employee.given([cashierHired, clockedIn()]).when(clockIn(branchA, undefined, t2, shift2)).thenFails('SHIFT_ALREADY_OPEN', 'conflict');
    });
    it('a branch the employee is not assigned to', () => {
      employee.given([cashierHired]).when(clockIn(branchC)).thenFails('BRANCH_NOT_ASSIGNED', 'not_found');
    });
    it('a cashier on a device they are not bound to', () => {
      employee.given([cashierHired]).when(clockIn(branchA, device2)).thenFails('DEVICE_NOT_BOUND', 'not_found');
    });
  });
});

describe('ClockOut', () => {
  it('ends the open shift at the command’s business time', () => {
    const state = employee.given([cashierHired, clockedIn()]).when(clockOut()).then([event('EmployeeClockedOut', { shiftId: shift1, at: t2 })]);
    expect(state).toMatchObject({ status: 'active', shift: null });
  });

  it('accepts a clock-out at the very instant of the clock-in', () => {
    employee.given([cashierHired, clockedIn(t1)]).when(clockOut(shift1, t1)).then([event('EmployeeClockedOut', { shiftId: shift1, at: t1 })]);
  });

  it('ends a shift after the drawer has been closed', () => {
    employee
      .given([cashierHired, clockedIn(), drawerOpened(), event('DrawerClosed', closedDrawer)])
      .when(clockOut())
      .then([event('EmployeeClockedOut', { shiftId: shift1, at: t2 })]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(clockOut()).thenFails(code, 'conflict');
    });
    it('when no shift is open', () => {
      employee.given([cashierHired]).when(clockOut()).thenFails('SHIFT_NOT_OPEN', 'conflict');
    });
    it('a shift other than the open one', () => {
      employee.given([cashierHired, clockedIn()]).when(clockOut(shift2)).thenFails('SHIFT_NOT_OPEN', 'conflict');
    });
    it('while the cash drawer is open', () => {
      employee.given([cashierHired, clockedIn(), drawerOpened()]).when(clockOut()).thenFails('DRAWER_STILL_OPEN', 'conflict');
    });
    it('a clock-out earlier than the clock-in', () => {
      employee.given([cashierHired, clockedIn(t1)]).when(clockOut(shift1, t0)).thenFails('CLOCK_OUT_BEFORE_CLOCK_IN', 'invalid');
    });
  });
});
