import { expect } from 'vitest';
import type { CommandMeta } from '../../../../src/domain/shared/command.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Role } from '../../../../src/domain/shared/roles.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import {
  employeeDecider,
  type EmployeeCommand,
  type EmployeeEvent,
  type EmployeeHired,
  type EmployeeRole,
  type MovementId,
  type PersonalData,
} from '../../../../src/domain/employee/index.js';
import { spec } from '../../../support/decider.js';

export const employee = spec(employeeDecider);

export const employeeId = 'emp-1' as EmployeeId;
export const tenantId = 'tenant-1' as TenantId;
export const branchA = 'branch-a' as BranchId;
export const branchB = 'branch-b' as BranchId;
export const branchC = 'branch-c' as BranchId;
/** device1 and device2 stand at branch A, device3 at branch B. */
export const device1 = 'device-1' as DeviceId;
export const device2 = 'device-2' as DeviceId;
export const device3 = 'device-3' as DeviceId;
export const shift1 = 'shift-1' as ShiftId;
export const shift2 = 'shift-2' as ShiftId;
export const drawer1 = 'drawer-1' as DrawerId;
export const drawer2 = 'drawer-2' as DrawerId;
export const movement = (n: number) => `movement-${n}` as MovementId;

export const t0 = '2026-11-22T08:00:00.000Z' as Instant;
export const t1 = '2026-11-22T09:00:00.000Z' as Instant;
export const t2 = '2026-11-22T17:00:00.000Z' as Instant;
export const t3 = '2026-11-22T17:30:00.000Z' as Instant;

export function as(role: Role, at: Instant = t1): CommandMeta {
  return { actor: { userId: `user-${role}` as UserId, role }, at };
}
export const asAdmin = as('tenant_admin');
export const asManager = as('branch_manager');
export const asCashier = as('cashier');

type CommandOf<T extends EmployeeCommand['type']> = Extract<EmployeeCommand, { type: T }>;
type EventOf<T extends EmployeeEvent['type']> = Extract<EmployeeEvent, { type: T }>;

/** A command; employee administration is the tenant admin's, so that is the default actor. */
export function command<T extends EmployeeCommand['type']>(type: T, data: CommandOf<T>['data'], meta: CommandMeta = asAdmin): CommandOf<T> {
  return { type, data, meta } as CommandOf<T>;
}

export function event<T extends EmployeeEvent['type']>(type: T, data: EventOf<T>['data']): EventOf<T> {
  return { type, data } as EventOf<T>;
}

export const ada: PersonalData = { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+441234567890' };

/** An event of this type whose data holds at least these fields (for specs about one aspect of it). */
export function eventLike<T extends EmployeeEvent['type']>(type: T, data: Partial<EventOf<T>['data']> = {}): EventOf<T> {
  return expect.objectContaining({ type, data: expect.objectContaining(data as Record<string, unknown>) as unknown }) as EventOf<T>;
}

export function hired(role: EmployeeRole, branchIds: readonly BranchId[] = [branchA], deviceIds: readonly DeviceId[] = []): EmployeeHired {
  return event('EmployeeHired', { employeeId, tenantId, personalData: ada, role, branchIds, deviceIds });
}

/** A cashier at branches A and B, bound to device1 (branch A) and device3 (branch B). */
export const cashierHired = hired('cashier', [branchA, branchB], [device1, device3]);
export const managerHired = hired('branch_manager', [branchA, branchB]);
export const adminHired = hired('tenant_admin', []);

export const suspended = event('EmployeeSuspended', { reason: 'Under investigation' });
export const reinstated = event('EmployeeReinstated', {});
export const terminated = event('EmployeeTerminated', { reason: 'Left the company' });

export const clockedIn = (at: Instant = t1, deviceId: DeviceId | null = device1) =>
  event('EmployeeClockedIn', { shiftId: shift1, branchId: branchA, deviceId, at });
export const drawerOpened = (float = 10_000, at: Instant = t1) =>
  event('DrawerOpened', { drawerId: drawer1, shiftId: shift1, deviceId: device1, float, at });
export const cashIn = (n: number, amount: number) =>
  event('CashInRecorded', { drawerId: drawer1, movementId: movement(n), amount, reason: 'Change from the safe', at: t1 });
export const cashOut = (n: number, amount: number) =>
  event('CashOutRecorded', { drawerId: drawer1, movementId: movement(n), amount, reason: 'Paid the window cleaner', at: t1 });

/** Histories in which the employee takes no commands but lifecycle ones, with the code each refuses with. */
export const notActive: readonly (readonly [string, readonly EmployeeEvent[], string])[] = [
  ['not hired', [], 'EMPLOYEE_NOT_HIRED'],
  ['suspended', [cashierHired, suspended], 'EMPLOYEE_NOT_ACTIVE'],
  ['terminated', [cashierHired, terminated], 'EMPLOYEE_TERMINATED'],
];

/** Reasons auditors could make nothing of: refused with REASON_INVALID. */
export const badReasons = [
  ['an empty reason', ''],
  ['a blank reason', '  \t '],
  ['a reason longer than 500 characters', 'x'.repeat(501)],
] as const;

/** Roles below tenant admin, which may not manage employees. */
