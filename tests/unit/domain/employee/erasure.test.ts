import { describe, expect, it } from 'vitest';
import { employeeDecider } from '../../../../src/domain/employee/index.js';
import {
  as,
  branchC,
  cashierHired,
  clockedIn,
  command,
  employee,
  event,
  suspended,
  terminated,
} from './fixtures.js';

const forget = (meta = as('tenant_admin')) => command('ForgetPersonalData', {}, meta);
const forgotten = event('PersonalDataForgotten', {});

describe('ForgetPersonalData', () => {
  it.each([
    ['an active', [cashierHired]],
    ['a clocked-in', [cashierHired, clockedIn()]],
    ['a suspended', [cashierHired, suspended]],
    ['a terminated', [cashierHired, terminated]],
  ] as const)('forgets the personal data of %s employee', (_, history) => {
    const state = employee.given(history).when(forget()).then([forgotten]);
    expect(state).toMatchObject({ personalData: null });
  });

  it('keeps who the employee is and what they may do, without saying who they are', () => {
    const state = employee.given([cashierHired]).when(forget()).then([forgotten]);
    expect(state).toEqual({ ...employee.given([cashierHired]).state, personalData: null });
  });

  it('changes nothing the second time', () => {
    employee.given([cashierHired, terminated, forgotten]).when(forget()).then([]);
  });

  it('still replays the history, and later facts still apply', () => {
    const history = [cashierHired, forgotten, event('BranchAssigned', { branchId: branchC }), suspended];
    const state = history.reduce(employeeDecider.evolve, employeeDecider.initialState);
    expect(state).toMatchObject({ status: 'suspended', personalData: null, branchIds: [...cashierHired.data.branchIds, branchC] });
  });

  it('carries nothing in its event that could identify the person', () => {
    expect(forgotten.data).toEqual({});
  });

  describe('refuses', () => {
    it('an employee never hired', () => {
      employee.given([]).when(forget()).thenFails('EMPLOYEE_NOT_HIRED', 'conflict');
    });
  });
});
