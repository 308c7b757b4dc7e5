import type { AccountStatus } from '../../application/ports/accounts.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../domain/shared/ids.js';
import type { Role } from '../../domain/shared/roles.js';

/** An account as authentication sees it, hashes included; never leaves the auth module. */
export type AccountRecord = Readonly<{
  userId: UserId;
  tenantId: TenantId | null;
  employeeId: EmployeeId | null;
  /** Null once forgotten: the account can no longer sign in. */
  email: string | null;
  role: Role;
  status: AccountStatus;
  branchIds: readonly BranchId[];
  deviceIds: readonly DeviceId[];
  passwordHash: string | null;
  pinHash: string | null;
}>;

/** The reads sign-in and per-request authentication need, beside the `Accounts` port's writes. */
export interface AccountDirectory {
  findById(userId: string): Promise<AccountRecord | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<AccountRecord | undefined>;
  findByEmployeeId(employeeId: string): Promise<AccountRecord | undefined>;
  isDeviceDeactivated(tenantId: string, deviceId: string): Promise<boolean>;
}

/** Emails are compared and stored lower-cased, so one address is one login. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
