import { describe, expect, it } from 'vitest';
import { EMPLOYEE_EVENT_VERSIONS, employeeDecider, type HireEmployee } from '../../../../src/domain/employee/index.js';
import {
  ada,
  as,
  asAdmin,
  branchA,
  branchB,
  cashierHired,
  command,
  device1,
  device3,
  employee,
  employeeId,
  event,
  eventLike,
  tenantId,
  terminated,
} from './fixtures.js';

type HireData = HireEmployee['data'];

const hire = (data: Partial<HireData> = {}, meta = asAdmin) =>
  command('HireEmployee', { employeeId, tenantId, personalData: { name: ada.name, email: ada.email, phone: '+441234567890' }, role: 'cashier', branchIds: [branchA], ...data }, meta);

const withPersonal = (personalData: HireData['personalData']) => hire({ personalData });

describe('HireEmployee', () => {
  it('hires a cashier at their branches, bound to their devices', () => {
    employee
      .given([])
      .when(hire({ branchIds: [branchA, branchB], deviceIds: [device1, device3] }))
      .then([
        event('EmployeeHired', { employeeId, tenantId, personalData: ada, role: 'cashier', branchIds: [branchA, branchB], deviceIds: [device1, device3] }),
      ]);
  });

  it('hires a branch manager', () => {
    employee
      .given([])
      .when(hire({ role: 'branch_manager' }))
      .then([event('EmployeeHired', { employeeId, tenantId, personalData: ada, role: 'branch_manager', branchIds: [branchA], deviceIds: [] })]);
  });

  it('hires a tenant admin without any branch', () => {
    employee
      .given([])
      .when(hire({ role: 'tenant_admin', branchIds: [] }))
      .then([event('EmployeeHired', { employeeId, tenantId, personalData: ada, role: 'tenant_admin', branchIds: [], deviceIds: [] })]);
  });

  it('may be asked by a platform owner, whose reach includes a tenant admin’s', () => {
    employee.given([]).when(hire({}, as('platform_owner'))).then([eventLike('EmployeeHired')]);
  });

  it('trims the name, lower-cases the email and writes the phone in compact international form', () => {
    employee
      .given([])
      .when(withPersonal({ name: '  Ada Lovelace ', email: ' Ada@Example.COM ', phone: '+44 (123) 456-7890' }))
      .then([eventLike('EmployeeHired', { personalData: ada })]);
  });

  it('accepts a name of exactly 200 characters', () => {
    employee
      .given([])
      .when(withPersonal({ name: 'a'.repeat(200), email: ada.email }))
      .then([eventLike('EmployeeHired', { personalData: { ...ada, name: 'a'.repeat(200), phone: null } })]);
  });

  it('records a missing phone as null', () => {
    employee
      .given([])
      .when(withPersonal({ name: 'Ada Lovelace', email: 'ada@example.com' }))
      .then([eventLike('EmployeeHired', { personalData: { ...ada, phone: null } })]);
  });

  it('ignores repeated branches and devices', () => {
    employee
      .given([])
      .when(hire({ branchIds: [branchA, branchA], deviceIds: [device1, device1] }))
      .then([eventLike('EmployeeHired', { branchIds: [branchA], deviceIds: [device1] })]);
  });

  it('keeps every personal field inside personalData, and no credential anywhere', () => {
    const [hiredEvent] = employeeDecider.decide(hire(), employeeDecider.initialState);
    if (hiredEvent?.type !== 'EmployeeHired') throw new Error('expected EmployeeHired');
    const { personalData, ...rest } = hiredEvent.data;
    if (personalData === null) throw new Error('a decided hire holds its personal data');
    expect(Object.keys(personalData).sort()).toEqual(['email', 'name', 'phone']);
    const outside = JSON.stringify(rest);
    for (const value of Object.values(personalData)) expect(outside).not.toContain(String(value));
    expect(Object.keys(hiredEvent.data).sort()).toEqual(['branchIds', 'deviceIds', 'employeeId', 'personalData', 'role', 'tenantId']);
  });

  it('starts the employee active, without a shift', () => {
    const state = employee.given([]).when(hire()).then([eventLike('EmployeeHired')]);
    expect(state).toMatchObject({ status: 'active', role: 'cashier', shift: null, personalData: ada });
  });

  describe('refuses', () => {

    it('an employee already hired', () => {
      employee.given([cashierHired]).when(hire()).thenFails('EMPLOYEE_ALREADY_HIRED', 'conflict');
    });

    it('to re-hire a terminated employee in the same stream', () => {
      employee.given([cashierHired, terminated]).when(hire()).thenFails('EMPLOYEE_ALREADY_HIRED', 'conflict');
    });

    it('the platform owner role, which is no tenant’s employee', () => {
      employee.given([]).when(hire({ role: 'platform_owner' })).thenFails('ROLE_NOT_ASSIGNABLE', 'invalid');
    });

    it.each([
      ['an empty name', ''],
      ['a blank name', '   '],
      ['a name longer than 200 characters', 'a'.repeat(201)],
      ['a name with control characters', 'Ada\nLovelace'],
    ])('%s', (_, name) => {
      employee.given([]).when(withPersonal({ name, email: ada.email })).thenFails('NAME_INVALID', 'invalid');
    });

    it.each([
      ['without @', 'ada.example.com'],
      ['without a domain dot', 'ada@example'],
      ['with spaces', 'ada lovelace@example.com'],
      ['with two @', 'ada@@example.com'],
      ['longer than 254 characters', `${'a'.repeat(64)}@${'b'.repeat(186)}.com`],
      ['with a NUL', 'ada\u0000@example.com'],
      ['with a control character in the domain', 'ada@exa\u0007mple.com'],
    ])('an email %s', (_, email) => {
      employee.given([]).when(withPersonal({ name: ada.name, email })).thenFails('EMAIL_INVALID', 'invalid');
    });

    it.each([
      ['without +', '441234567890'],
      ['with fewer than 6 digits', '+12345'],
      ['with more than 15 digits', '+1234567890123456'],
      ['with a leading 0 country code', '+0441234567'],
      ['with letters', '+44 123 CALL ME'],
      ['that is empty', ''],
    ])('a phone %s', (_, phone) => {
      employee.given([]).when(withPersonal({ name: ada.name, email: ada.email, phone })).thenFails('PHONE_INVALID', 'invalid');
    });

    it.each(['cashier', 'branch_manager'] as const)('a %s without a branch', (role) => {
      employee.given([]).when(hire({ role, branchIds: [] })).thenFails('BRANCH_REQUIRED', 'invalid');
    });

    it.each(['branch_manager', 'tenant_admin'] as const)('devices for a %s, as only cashiers are bound to devices', (role) => {
      employee.given([]).when(hire({ role, deviceIds: [device1] })).thenFails('ONLY_CASHIERS_BIND_DEVICES', 'invalid');
    });
  });
});

describe('the employee events', () => {
  it('writes every event type at schema version 1', () => {
    expect(new Set(Object.values(EMPLOYEE_EVENT_VERSIONS))).toEqual(new Set([1]));
    expect(Object.keys(EMPLOYEE_EVENT_VERSIONS)).toHaveLength(16);
  });
});
