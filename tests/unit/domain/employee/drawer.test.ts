import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceId, DrawerId } from '../../../../src/domain/shared/ids.js';
import type { Role } from '../../../../src/domain/shared/roles.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { employeeDecider, type EmployeeEvent } from '../../../../src/domain/employee/index.js';
import {
  as,
  badReasons,
  cashIn,
  cashOut,
  cashierHired,
  clockedIn,
  command,
  device1,
  device2,
  drawer1,
  drawer2,
  drawerOpened,
  employee,
  event,
  eventLike,
  managerHired,
  movement,
  notActive,
  shift1,
  t0,
  t1,
  t2,
} from './fixtures.js';

const open = (floatAmount = 10_000, deviceId: DeviceId = device1, drawerId: DrawerId = drawer1) =>
  command('OpenDrawer', { drawerId, deviceId, floatAmount }, as('cashier'));
const putIn = (n: number, amount: number, reason = 'Change from the safe', drawerId: DrawerId = drawer1) =>
  command('RecordCashIn', { drawerId, movementId: movement(n), amount, reason }, as('cashier'));
const takeOut = (n: number, amount: number, cashSalesSoFar = 0, reason = 'Paid the window cleaner', drawerId: DrawerId = drawer1) =>
  command('RecordCashOut', { drawerId, movementId: movement(n), amount, reason, cashSalesSoFar }, as('cashier'));
const close = (countedAmount: number, cashSales = 0, role: Role = 'branch_manager', at: Instant = t2, drawerId: DrawerId = drawer1) =>
  command('CloseDrawer', { drawerId, countedAmount, cashSales }, as(role, at));

/** A cashier on shift with drawer1 open on device1 with a float of 100.00. */
const onShiftWithDrawer: readonly EmployeeEvent[] = [cashierHired, clockedIn(), drawerOpened(10_000)];
/** The same, after 5.00 in and 2.00 out: 103.00 expected before sales. */
const afterMovements: readonly EmployeeEvent[] = [...onShiftWithDrawer, cashIn(1, 500), cashOut(2, 200)];

describe('OpenDrawer', () => {
  it('opens a cashier’s drawer on a bound device with a float, within the open shift', () => {
    const state = employee
      .given([cashierHired, clockedIn()])
      .when(open(10_000))
      .then([event('DrawerOpened', { drawerId: drawer1, shiftId: shift1, deviceId: device1, float: 10_000, at: t1 })]);
    expect(state).toMatchObject({ shift: { drawer: { drawerId: drawer1, float: 10_000, cashIn: 0, cashOut: 0, openedAt: t1 } } });
  });

  it('opens with an empty float', () => {
    employee.given([cashierHired, clockedIn()]).when(open(0)).then([eventLike('DrawerOpened', { float: 0 })]);
  });

  it('opens with the largest float, 10,000,000 minor units', () => {
    employee.given([cashierHired, clockedIn()]).when(open(10_000_000)).then([eventLike('DrawerOpened')]);
  });

  it('lets a manager open a drawer on any device', () => {
    employee
      .given([managerHired, clockedIn(t1, null)])
      .when(open(5_000, device2))
      .then([event('DrawerOpened', { drawerId: drawer1, shiftId: shift1, deviceId: device2, float: 5_000, at: t1 })]);
  });

  it('opens the next drawer once the last one is closed', () => {
    employee
      .given([...onShiftWithDrawer, event('DrawerClosed', { drawerId: drawer1, deviceId: device1, float: 10_000, cashIn: 0, cashOut: 0, cashSales: 0, expected: 10_000, counted: 10_000, variance: 0, at: t1 })])
      .when(open(10_000, device1, drawer2))
      .then([event('DrawerOpened', { drawerId: drawer2, shiftId: shift1, deviceId: device1, float: 10_000, at: t1 })]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(open()).thenFails(code, 'conflict');
    });
    it('an employee who has not clocked in', () => {
      employee.given([cashierHired]).when(open()).thenFails('SHIFT_NOT_OPEN', 'conflict');
    });
    it('a second drawer while one is open', () => {
      employee.given(onShiftWithDrawer).when(open(10_000, device1, drawer2)).thenFails('DRAWER_ALREADY_OPEN', 'conflict');
    });
    it.each([-1, 10_000_001, 12.5, Number.NaN])('a float of %d minor units', (floatAmount) => {
      employee.given([cashierHired, clockedIn()]).when(open(floatAmount)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it('a cashier on a device they are not bound to', () => {
      employee.given([cashierHired, clockedIn()]).when(open(10_000, device2)).thenFails('DEVICE_NOT_BOUND', 'not_found');
    });
  });
});

describe('RecordCashIn', () => {
  it('records cash put into the open drawer', () => {
    const state = employee
      .given(onShiftWithDrawer)
      .when(putIn(1, 2_500, ' Change from the safe '))
      .then([event('CashInRecorded', { drawerId: drawer1, movementId: movement(1), amount: 2_500, reason: 'Change from the safe', at: t1 })]);
    expect(state).toMatchObject({ shift: { drawer: { cashIn: 2_500, movementIds: [movement(1)] } } });
  });

  it('accepts the bounds, 1 and 10,000,000 minor units', () => {
    employee.given(onShiftWithDrawer).when(putIn(1, 1)).then([eventLike('CashInRecorded')]);
    employee.given(onShiftWithDrawer).when(putIn(1, 10_000_000)).then([eventLike('CashInRecorded')]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(putIn(1, 100)).thenFails(code, 'conflict');
    });
    it('when no shift is open', () => {
      employee.given([cashierHired]).when(putIn(1, 100)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it('when no drawer is open', () => {
      employee.given([cashierHired, clockedIn()]).when(putIn(1, 100)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it('a drawer other than the open one', () => {
      employee.given(onShiftWithDrawer).when(putIn(1, 100, 'Float top-up', drawer2)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it.each([0, -100, 10_000_001, 0.5])('an amount of %d minor units', (amount) => {
      employee.given(onShiftWithDrawer).when(putIn(1, amount)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it.each(badReasons)('%s', (_, reason) => {
      employee.given(onShiftWithDrawer).when(putIn(1, 100, reason)).thenFails('REASON_INVALID', 'invalid');
    });
    it.each([
      ['a cash in', cashIn(1, 500)],
      ['a cash out', cashOut(1, 200)],
    ])('a movement id already used by %s', (_, earlier) => {
      employee.given([...onShiftWithDrawer, earlier]).when(putIn(1, 500)).thenFails('MOVEMENT_ALREADY_RECORDED', 'conflict');
    });
  });
});

describe('RecordCashOut', () => {
  it('records cash taken out of the open drawer', () => {
    const state = employee
      .given(onShiftWithDrawer)
      .when(takeOut(1, 1_500))
      .then([event('CashOutRecorded', { drawerId: drawer1, movementId: movement(1), amount: 1_500, reason: 'Paid the window cleaner', at: t1 })]);
    expect(state).toMatchObject({ shift: { drawer: { cashOut: 1_500 } } });
  });

  it('takes out everything expected in the drawer: float + cash in - cash out + cash sales so far', () => {
    // 10,000 + 500 - 200 + 3,000
    employee.given(afterMovements).when(takeOut(3, 13_300, 3_000)).then([eventLike('CashOutRecorded')]);
  });

  it('counts cash refunds (negative net cash sales) against what may leave', () => {
    // 10,000 + 500 - 200 - 4,000
    employee.given(afterMovements).when(takeOut(3, 6_300, -4_000)).then([eventLike('CashOutRecorded')]);
  });

  describe('refuses', () => {
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(takeOut(1, 100)).thenFails(code, 'conflict');
    });
    it('when no drawer is open', () => {
      employee.given([cashierHired, clockedIn()]).when(takeOut(1, 100)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it('a drawer other than the open one', () => {
      employee.given(onShiftWithDrawer).when(takeOut(1, 100, 0, 'Paid out', drawer2)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it.each([0, -100, 10_000_001, 99.99])('an amount of %d minor units', (amount) => {
      employee.given(onShiftWithDrawer).when(takeOut(1, amount)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it.each(badReasons)('%s', (_, reason) => {
      employee.given(onShiftWithDrawer).when(takeOut(1, 100, 0, reason)).thenFails('REASON_INVALID', 'invalid');
    });
    it.each([0.5, 2e15, -2e15])('cash sales so far that are no whole number of minor units in range (%d)', (cashSalesSoFar) => {
      employee.given(onShiftWithDrawer).when(takeOut(1, 100, cashSalesSoFar)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it('a movement id already used in this drawer', () => {
      employee.given(afterMovements).when(takeOut(2, 100)).thenFails('MOVEMENT_ALREADY_RECORDED', 'conflict');
    });
    it('more cash than is expected in the drawer', () => {
      employee.given(afterMovements).when(takeOut(3, 13_301, 3_000)).thenFails('INSUFFICIENT_CASH_IN_DRAWER', 'conflict');
    });
    it('any cash out once refunds have emptied the drawer', () => {
      employee.given(onShiftWithDrawer).when(takeOut(3, 1, -10_000)).thenFails('INSUFFICIENT_CASH_IN_DRAWER', 'conflict');
    });
  });
});

describe('CloseDrawer', () => {
  const reckoning = { drawerId: drawer1, deviceId: device1, float: 10_000, cashIn: 500, cashOut: 200, cashSales: 25_000, expected: 35_300, at: t2 };

  it('closes the drawer with the expected cash and the variance computed, here a shortage', () => {
    const state = employee
      .given(afterMovements)
      .when(close(35_050, 25_000))
      .then([event('DrawerClosed', { ...reckoning, counted: 35_050, variance: -250 })]);
    expect(state).toMatchObject({ status: 'active', shift: { shiftId: shift1, drawer: null } });
  });

  it('records a surplus as a positive variance', () => {
    employee.given(afterMovements).when(close(35_400, 25_000)).then([event('DrawerClosed', { ...reckoning, counted: 35_400, variance: 100 })]);
  });

  it('records an exact count as a zero variance', () => {
    employee.given(afterMovements).when(close(35_300, 25_000)).then([event('DrawerClosed', { ...reckoning, counted: 35_300, variance: 0 })]);
  });

  it('takes negative net cash sales (more refunded than sold in cash)', () => {
    employee
      .given(onShiftWithDrawer)
      .when(close(7_000, -3_000))
      .then([event('DrawerClosed', { ...reckoning, cashIn: 0, cashOut: 0, cashSales: -3_000, expected: 7_000, counted: 7_000, variance: 0 })]);
  });

  it('may be closed by a tenant admin, and at the instant it opened', () => {
    employee
      .given(onShiftWithDrawer)
      .when(close(10_000, 0, 'tenant_admin', t1))
      .then([event('DrawerClosed', { ...reckoning, cashIn: 0, cashOut: 0, cashSales: 0, expected: 10_000, counted: 10_000, variance: 0, at: t1 })]);
  });

  it('accepts a count of up to 100,000,000 minor units', () => {
    employee.given(onShiftWithDrawer).when(close(100_000_000)).then([eventLike('DrawerClosed')]);
  });

  it('keeps every figure whole and variance = counted - (float + in - out + sales), whatever the movements', () => {
    const amount = fc.integer({ min: 1, max: 10_000_000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.tuple(fc.boolean(), amount), { maxLength: 20 }),
        fc.integer({ min: -50_000_000, max: 50_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (float, movements, cashSales, counted) => {
          let state = employeeDecider.initialState;
          const apply = (events: readonly EmployeeEvent[]) => {
            state = events.reduce(employeeDecider.evolve, state);
          };
          apply([cashierHired, clockedIn(), drawerOpened(float)]);
          let expected = float;
          movements.forEach(([isIn, value], i) => {
            // Cash outs claim ample sales so far, so that none is refused here.
            const cmd = isIn ? putIn(i, value) : takeOut(i, value, 1_000_000_000_000);
            apply(employeeDecider.decide(cmd, state));
            expected += isIn ? value : -value;
          });
          const [closed] = employeeDecider.decide(close(counted, cashSales), state);
          if (closed?.type !== 'DrawerClosed') throw new Error('expected DrawerClosed');
          expect(closed.data.expected).toBe(expected + cashSales);
          expect(closed.data.variance).toBe(counted - expected - cashSales);
          for (const figure of [closed.data.cashIn, closed.data.cashOut, closed.data.expected, closed.data.variance]) {
            expect(Number.isSafeInteger(figure)).toBe(true);
          }
        },
      ),
    );
  });

  describe('refuses', () => {
    it('a cashier, as closing a drawer is a manager’s job', () => {
      employee.given(onShiftWithDrawer).when(close(10_000, 0, 'cashier')).thenFails('MANAGER_REQUIRED', 'forbidden');
    });
    it.each(notActive)('an employee %s', (_, history, code) => {
      employee.given(history).when(close(10_000)).thenFails(code, 'conflict');
    });
    it('when no drawer is open', () => {
      employee.given([cashierHired, clockedIn()]).when(close(10_000)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it('a drawer other than the open one', () => {
      employee.given(onShiftWithDrawer).when(close(10_000, 0, 'branch_manager', t2, drawer2)).thenFails('DRAWER_NOT_OPEN', 'conflict');
    });
    it.each([-1, 100_000_001, 10.5])('a counted amount of %d minor units', (counted) => {
      employee.given(onShiftWithDrawer).when(close(counted)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it.each([0.5, 2e15, -2e15])('cash sales that are no whole number of minor units in range (%d)', (cashSales) => {
      employee.given(onShiftWithDrawer).when(close(10_000, cashSales)).thenFails('AMOUNT_OUT_OF_RANGE', 'invalid');
    });
    it('a close earlier than the open', () => {
      employee.given(onShiftWithDrawer).when(close(10_000, 0, 'branch_manager', t0)).thenFails('DRAWER_CLOSE_BEFORE_OPEN', 'invalid');
    });
  });
});
