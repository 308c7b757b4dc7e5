import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/shared/errors.js';
import { employeeDecider, type EmployeeCommand, type EmployeeEvent, type EmployeeState } from '../../../../src/domain/employee/index.js';
import {
  asAdmin,
  branchA,
  branchB,
  cashIn,
  cashOut,
  cashierHired,
  clockedIn,
  device1,
  device3,
  drawer1,
  drawerOpened,
  event,
  managerHired,
  reinstated,
  shift1,
  suspended,
  t1,
  t2,
  terminated,
} from './fixtures.js';

const fold = (events: readonly EmployeeEvent[]): EmployeeState => events.reduce(employeeDecider.evolve, employeeDecider.initialState);

describe('evolve', () => {
  it('starts from no employee', () => {
    expect(employeeDecider.initialState).toEqual({ status: 'none' });
  });

  it('folds a working day into the state it describes', () => {
    expect(fold([cashierHired, clockedIn(), drawerOpened(10_000), cashIn(1, 500), cashOut(2, 200)])).toEqual({
      status: 'active',
      employeeId: cashierHired.data.employeeId,
      tenantId: cashierHired.data.tenantId,
      personalData: cashierHired.data.personalData,
      role: 'cashier',
      branchIds: [branchA, branchB],
      deviceIds: [device1, device3],
      shift: {
        shiftId: shift1,
        branchId: branchA,
        deviceId: device1,
        clockedInAt: t1,
        drawer: { drawerId: drawer1, deviceId: device1, openedAt: t1, float: 10_000, cashIn: 500, cashOut: 200, movementIds: ['movement-1', 'movement-2'] },
      },
    });
  });

  it('ignores event types it does not know, written by a newer version', () => {
    const state = fold([cashierHired]);
    const unknown = { type: 'EmployeeRenamedInTheFuture', data: {} } as unknown as EmployeeEvent;
    expect(employeeDecider.evolve(state, unknown)).toBe(state);
  });

  describe('leaves the state alone for facts that cannot apply to it', () => {
    const closed = event('DrawerClosed', {
      drawerId: drawer1, deviceId: device1, float: 0, cashIn: 0, cashOut: 0, cashSales: 0, expected: 0, counted: 0, variance: 0, at: t2,
    });
    it.each([
      ['a second hire', [cashierHired], managerHired],
      ['a role change before any hire', [], event('EmployeeRoleChanged', { from: 'cashier', to: 'branch_manager' })],
      ['a suspension of a suspended employee', [cashierHired, suspended], suspended],
      ['a reinstatement of an active employee', [cashierHired], reinstated],
      ['a termination before any hire', [], terminated],
      ['a clock-in of a suspended employee', [cashierHired, suspended], clockedIn()],
      ['a clock-out of a terminated employee', [cashierHired, terminated], event('EmployeeClockedOut', { shiftId: shift1, at: t2 })],
      ['a drawer opened off shift', [cashierHired], drawerOpened()],
      ['a drawer opened by a suspended employee', [cashierHired, suspended], drawerOpened()],
      ['a cash movement with no drawer open', [cashierHired, clockedIn()], cashIn(1, 100)],
      ['a cash movement by a terminated employee', [cashierHired, terminated], cashOut(1, 100)],
      ['a drawer closed off shift', [cashierHired], closed],
    ] as const)('%s', (_, history, fact) => {
      const state = fold(history);
      expect(employeeDecider.evolve(state, fact)).toBe(state);
    });
  });
});

describe('decide', () => {
  it('treats a command type it does not know as a programming error, not as a refusal', () => {
    const unknown = { type: 'PromoteToCeo', data: {}, meta: asAdmin } as unknown as EmployeeCommand;
    let caught: unknown;
    try {
      employeeDecider.decide(unknown, fold([cashierHired]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(DomainError);
  });
});
