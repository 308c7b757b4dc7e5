import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../domain/shared/ids.js';
import type { Role } from '../../domain/shared/roles.js';

export type AccountStatus = 'active' | 'suspended' | 'terminated';

/**
 * Logins and what they may reach, kept outside the event log: credentials never enter it
 * (DOMAIN.md "Employee"). Command handlers keep it in step with the events they append;
 * authentication reads it on every request, so a suspension takes effect at once.
 */
export interface Accounts {
  /** Creates the login of a new user (an employee, or a platform owner when tenantId is null). */
  create(account: Readonly<{
    userId: UserId;
    tenantId: TenantId | null;
    employeeId: EmployeeId | null;
    email: string;
    role: Role;
    branchIds: readonly BranchId[];
    deviceIds: readonly DeviceId[];
    password: string | null;
    pin: string | null;
  }>): Promise<void>;

  /** Applies what changed; suspending or terminating also revokes every refresh token at once. */
  update(userId: UserId, change: Readonly<{
    role?: Role;
    branchIds?: readonly BranchId[];
    deviceIds?: readonly DeviceId[];
    status?: AccountStatus;
  }>): Promise<void>;

  /** Sets or replaces a password or PIN (hashed by the adapter). */
  setCredentials(userId: UserId, credentials: Readonly<{ password?: string; pin?: string }>): Promise<void>;

  /** A deactivated device's tokens stop working at once. */
  deactivateDevice(tenantId: TenantId, deviceId: DeviceId): Promise<void>;

  /** Right to erasure: the login's email is removed; the account can no longer sign in. */
  forget(userId: UserId): Promise<void>;
}
