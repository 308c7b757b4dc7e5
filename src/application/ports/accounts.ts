import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../domain/shared/ids.js';
import type { Role } from '../../domain/shared/roles.js';

/** What the log says of an employee's login; a hire's login is `pending` until its hire is logged. */
export type AccountStatus = 'active' | 'suspended' | 'terminated';
export type LoginStatus = 'pending' | AccountStatus;

export type NewLogin = Readonly<{
  userId: UserId;
  tenantId: TenantId | null;
  employeeId: EmployeeId | null;
  email: string;
  role: Role;
  branchIds: readonly BranchId[];
  deviceIds: readonly DeviceId[];
  password: string | null;
  pin: string | null;
}>;

/** What `reserve` did. */
export type Reservation =
  /** A new pending login. */
  | Readonly<{ outcome: 'reserved' }>
  /**
   * This user already has a login of this tenant with this email: a retry of the same hire. A
   * pending one takes the retry's credentials; any other is left as it is.
   */
  | Readonly<{ outcome: 'held'; status: LoginStatus }>
  /** Another login of the same tenant has the email (never a login of another tenant). */
  | Readonly<{ outcome: 'email_taken'; holder: LoginSummary }>;

export type LoginSummary = Readonly<{ userId: UserId; tenantId: TenantId; employeeId: EmployeeId | null; status: LoginStatus; createdAt: Date }>;

/**
 * Logins and what they may reach, kept outside the event log: credentials never enter it
 * (DOMAIN.md "Employee"). A hire reserves its login (`pending`, unable to sign in) before it
 * appends EmployeeHired, and activates it after (ADR 0013); every other command handler keeps
 * it in step right after its append, and the account-sync reactor after a crash. Authentication
 * reads it on every request, so a suspension takes effect at once.
 */
export interface Accounts {
  /** An active login that no event stands for: the platform owners (bootstrap), and tests. */
  create(account: NewLogin): Promise<void>;

  /** Reserves an employee's login before the hire is appended; refuses credentials that are too weak. */
  reserve(login: NewLogin & Readonly<{ tenantId: TenantId; employeeId: EmployeeId }>): Promise<Reservation>;

  /**
   * Deletes a reserved login whose hire was not recorded; only while it is pending (and, with
   * `reservedBefore`, only if reserved before then). True when one was deleted.
   */
  release(userId: UserId, reservedBefore?: Date): Promise<boolean>;

  /** Reserved logins still pending that were reserved before `before`, oldest first. */
  pendingBefore(before: Date, limit: number): Promise<readonly LoginSummary[]>;

  /**
   * Applies what changed; setting a status activates a pending login (its hire is in the log);
   * suspending or terminating also revokes every refresh token at once.
   */
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
