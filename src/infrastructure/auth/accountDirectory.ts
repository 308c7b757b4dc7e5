import type { LoginStatus } from '../../application/ports/accounts.js';
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
  /** Only `active` may hold a session (sessionRules.ts); `pending` is a hire not yet in the log. */
  status: LoginStatus;
  branchIds: readonly BranchId[];
  deviceIds: readonly DeviceId[];
  passwordHash: string | null;
  pinHash: string | null;
}>;

/** What an authenticated request checks of its login: the account, and whether its till is deactivated. */
export type SessionFacts = Readonly<{ account: AccountRecord; deviceDeactivated: boolean }>;

/** The reads sign-in and per-request authentication need, beside the `Accounts` port's writes. */
export interface AccountDirectory {
  /**
   * The account and, for a session on a till, whether that till of the account's tenant is
   * deactivated: one statement (the authenticator's, on every request it does not answer from
   * its cache, accountCache.ts). Undefined when there is no such account.
   */
  sessionOf(userId: string, deviceId: string | null): Promise<SessionFacts | undefined>;
  findById(userId: string): Promise<AccountRecord | undefined>;
  /**
   * The login a sign-in with this email means. Case-insensitive. `tenantId` names the tenant
   * (null: a platform owner). Without it, the one ACTIVE login with this email; undefined when
   * there is none or several (an email may be held in several tenants: migration 0007), so an
   * ambiguous email fails exactly like an unknown one.
   */
  findByEmail(email: string, tenantId?: string | null): Promise<AccountRecord | undefined>;
  findByEmployeeId(employeeId: string): Promise<AccountRecord | undefined>;
  isDeviceDeactivated(tenantId: string, deviceId: string): Promise<boolean>;
}

/** Emails are compared and stored lower-cased, so one address is one login per tenant. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
