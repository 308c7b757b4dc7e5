import type { Command } from '../shared/command.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId } from '../shared/ids.js';
import type { Minor } from '../shared/money.js';
import type { Role } from '../shared/roles.js';
import type { MovementId } from './cash.js';
import type { PersonalDataInput } from './personalData.js';

/*
 * Credentials (a password, or a PIN usable on a bound device) appear in no command or event
 * here. The event log is append-only, kept for years, exported to auditors and replayed into
 * read models: a credential in it, even hashed, could never be rotated out of history nor
 * erased, and every export would carry something an attacker can brute-force (a PIN's hash
 * falls in seconds). The auth store keeps them, outside the log.
 */

export type HireEmployee = Command<
  'HireEmployee',
  {
    employeeId: EmployeeId;
    tenantId: TenantId;
    personalData: PersonalDataInput;
    /** Any role but platform_owner. */
    role: Role;
    /** At least one for cashiers and branch managers; a tenant admin may have none. Duplicates are ignored. */
    branchIds: readonly BranchId[];
    /** Cashiers only. Duplicates are ignored. */
    deviceIds?: readonly DeviceId[] | undefined;
  }
>;

export type ChangeEmployeeRole = Command<'ChangeEmployeeRole', { role: Role }>;

export type AssignBranch = Command<'AssignBranch', { branchId: BranchId }>;
export type UnassignBranch = Command<
  'UnassignBranch',
  {
    branchId: BranchId;
    /** The tenant's devices registered to that branch: a fact of the Tenant aggregate, passed in. */
    devicesAtBranch: readonly DeviceId[];
  }
>;

export type BindDevice = Command<'BindDevice', { deviceId: DeviceId; branchId: BranchId }>;
export type UnbindDevice = Command<'UnbindDevice', { deviceId: DeviceId }>;

export type SuspendEmployee = Command<'SuspendEmployee', { reason: string }>;
export type ReinstateEmployee = Command<'ReinstateEmployee', Record<string, never>>;
export type TerminateEmployee = Command<'TerminateEmployee', { reason: string }>;

export type ClockIn = Command<'ClockIn', { shiftId: ShiftId; branchId: BranchId; deviceId?: DeviceId | undefined }>;
export type ClockOut = Command<'ClockOut', { shiftId: ShiftId }>;

export type OpenDrawer = Command<'OpenDrawer', { drawerId: DrawerId; deviceId: DeviceId; floatAmount: Minor }>;
export type RecordCashIn = Command<'RecordCashIn', { drawerId: DrawerId; movementId: MovementId; amount: Minor; reason: string }>;
export type RecordCashOut = Command<
  'RecordCashOut',
  {
    drawerId: DrawerId;
    movementId: MovementId;
    amount: Minor;
    reason: string;
    /** Net cash taken by the sales paid into this drawer so far, from the Order streams. */
    cashSalesSoFar: Minor;
  }
>;
export type CloseDrawer = Command<
  'CloseDrawer',
  {
    drawerId: DrawerId;
    countedAmount: Minor;
    /** Net cash of the sales paid into this drawer (cash taken minus change and cash refunds); may be negative. */
    cashSales: Minor;
  }
>;

export type ForgetPersonalData = Command<'ForgetPersonalData', Record<string, never>>;

export type EmployeeCommand =
  | HireEmployee
  | ChangeEmployeeRole
  | AssignBranch
  | UnassignBranch
  | BindDevice
  | UnbindDevice
  | SuspendEmployee
  | ReinstateEmployee
  | TerminateEmployee
  | ClockIn
  | ClockOut
  | OpenDrawer
  | RecordCashIn
  | RecordCashOut
  | CloseDrawer
  | ForgetPersonalData;
