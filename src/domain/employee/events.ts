import type { Event } from '../shared/command.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId } from '../shared/ids.js';
import type { Minor } from '../shared/money.js';
import type { Instant } from '../shared/time.js';
import type { MovementId } from './cash.js';
import type { PersonalData } from './personalData.js';
import type { EmployeeRole } from './roles.js';

/*
 * Facts of an employee's stream (`employee-<id>`). Who caused each one and when it was
 * recorded is in the envelope. No event holds a credential (see commands.ts), and only
 * EmployeeHired holds personal data, all of it inside `personalData`.
 */

export type EmployeeHired = Event<
  'EmployeeHired',
  {
    employeeId: EmployeeId;
    tenantId: TenantId;
    /**
     * One object, stored encrypted with the employee's own data key (ADR 0025). null once that key
     * has been destroyed (PersonalDataForgotten): the hire stays a fact, the person is gone, as
     * the fold has it after a forget anyway.
     */
    personalData: PersonalData | null;
    role: EmployeeRole;
    branchIds: readonly BranchId[];
    /** Devices a cashier is bound to from the start; empty for every other role. */
    deviceIds: readonly DeviceId[];
  }
>;

export type EmployeeRoleChanged = Event<'EmployeeRoleChanged', { from: EmployeeRole; to: EmployeeRole }>;

export type BranchAssigned = Event<'BranchAssigned', { branchId: BranchId }>;
export type BranchUnassigned = Event<'BranchUnassigned', { branchId: BranchId }>;

export type DeviceBound = Event<'DeviceBound', { deviceId: DeviceId; branchId: BranchId }>;
/** Why a binding ended: asked for, or a consequence of a role change or of leaving the device's branch. */
export type DeviceUnbindReason = 'requested' | 'role_changed' | 'branch_unassigned';
export type DeviceUnbound = Event<'DeviceUnbound', { deviceId: DeviceId; reason: DeviceUnbindReason }>;

export type EmployeeSuspended = Event<'EmployeeSuspended', { reason: string }>;
export type EmployeeReinstated = Event<'EmployeeReinstated', Record<string, never>>;
export type EmployeeTerminated = Event<'EmployeeTerminated', { reason: string }>;

/*
 * Shift and drawer facts carry their business time in `at` (the command's meta.at): the decider
 * compares them (no clock-out before clock-in) and Z-reports sum drawers by business day.
 */
export type EmployeeClockedIn = Event<'EmployeeClockedIn', { shiftId: ShiftId; branchId: BranchId; deviceId: DeviceId | null; at: Instant }>;
export type EmployeeClockedOut = Event<'EmployeeClockedOut', { shiftId: ShiftId; at: Instant }>;

export type DrawerOpened = Event<'DrawerOpened', { drawerId: DrawerId; shiftId: ShiftId; deviceId: DeviceId; float: Minor; at: Instant }>;
export type CashInRecorded = Event<'CashInRecorded', { drawerId: DrawerId; movementId: MovementId; amount: Minor; reason: string; at: Instant }>;
export type CashOutRecorded = Event<'CashOutRecorded', { drawerId: DrawerId; movementId: MovementId; amount: Minor; reason: string; at: Instant }>;
/** The drawer's reckoning, every figure computed by the decider: variance = counted - expected. */
export type DrawerClosed = Event<
  'DrawerClosed',
  {
    drawerId: DrawerId;
    deviceId: DeviceId;
    float: Minor;
    cashIn: Minor;
    cashOut: Minor;
    cashSales: Minor;
    expected: Minor;
    counted: Minor;
    variance: Minor;
    at: Instant;
  }
>;

/** From here on the employee's personal data reads as redacted; the application destroys the key. */
export type PersonalDataForgotten = Event<'PersonalDataForgotten', Record<string, never>>;

export type EmployeeEvent =
  | EmployeeHired
  | EmployeeRoleChanged
  | BranchAssigned
  | BranchUnassigned
  | DeviceBound
  | DeviceUnbound
  | EmployeeSuspended
  | EmployeeReinstated
  | EmployeeTerminated
  | EmployeeClockedIn
  | EmployeeClockedOut
  | DrawerOpened
  | CashInRecorded
  | CashOutRecorded
  | DrawerClosed
  | PersonalDataForgotten;

/** Schema version of each event's data; raise one (and add an upcaster) when its shape changes. */
export const EMPLOYEE_EVENT_VERSIONS: Readonly<Record<EmployeeEvent['type'], number>> = {
  EmployeeHired: 1,
  EmployeeRoleChanged: 1,
  BranchAssigned: 1,
  BranchUnassigned: 1,
  DeviceBound: 1,
  DeviceUnbound: 1,
  EmployeeSuspended: 1,
  EmployeeReinstated: 1,
  EmployeeTerminated: 1,
  EmployeeClockedIn: 1,
  EmployeeClockedOut: 1,
  DrawerOpened: 1,
  CashInRecorded: 1,
  CashOutRecorded: 1,
  DrawerClosed: 1,
  PersonalDataForgotten: 1,
};
