import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId } from '../shared/ids.js';
import type { Minor } from '../shared/money.js';
import type { Instant } from '../shared/time.js';
import type { MovementId } from './cash.js';
import type { PersonalData } from './personalData.js';
import type { EmployeeRole } from './roles.js';

/** One employee accountable for one device's cash drawer, from open to close. */
export type DrawerSession = Readonly<{
  drawerId: DrawerId;
  deviceId: DeviceId;
  openedAt: Instant;
  float: Minor;
  cashIn: Minor;
  cashOut: Minor;
  movementIds: readonly MovementId[];
}>;

/** A drawer is only ever open inside a shift: clock-out waits for the drawer to close. */
export type OpenShift = Readonly<{
  shiftId: ShiftId;
  branchId: BranchId;
  deviceId: DeviceId | null;
  clockedInAt: Instant;
  drawer: DrawerSession | null;
}>;

export type EmployeeProfile = Readonly<{
  employeeId: EmployeeId;
  tenantId: TenantId;
  /** null once the personal data has been forgotten. */
  personalData: PersonalData | null;
  role: EmployeeRole;
  branchIds: readonly BranchId[];
  /** Devices the employee is bound to; only ever non-empty for a cashier. */
  deviceIds: readonly DeviceId[];
}>;

export type NoEmployee = Readonly<{ status: 'none' }>;
export type ActiveEmployee = EmployeeProfile & Readonly<{ status: 'active'; shift: OpenShift | null }>;
/** Suspending and terminating wait for shift and drawer to close, so neither state has one. */
export type SuspendedEmployee = EmployeeProfile & Readonly<{ status: 'suspended'; reason: string }>;
export type TerminatedEmployee = EmployeeProfile & Readonly<{ status: 'terminated'; reason: string }>;

export type HiredEmployee = ActiveEmployee | SuspendedEmployee | TerminatedEmployee;
export type EmployeeState = NoEmployee | HiredEmployee;

export const initialEmployeeState: EmployeeState = { status: 'none' };

export function profileOf(state: HiredEmployee): EmployeeProfile {
  const { employeeId, tenantId, personalData, role, branchIds, deviceIds } = state;
  return { employeeId, tenantId, personalData, role, branchIds, deviceIds };
}
