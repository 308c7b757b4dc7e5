import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../domain/shared/ids.js';
import type { Role } from '../domain/shared/roles.js';

/**
 * Who is calling, as established by authentication. A tenant user always has a tenant; a
 * platform owner has none unless acting as support for one (recorded as an audited event).
 */
export type Principal = Readonly<{
  userId: UserId;
  role: Role;
  tenantId: TenantId | null;
  /** The employee behind a tenant user. */
  employeeId: EmployeeId | null;
  /** The till a PIN session is bound to; commands from it act on this device only. */
  deviceId: DeviceId | null;
  /** Branches a cashier or branch manager works at. */
  branchIds: readonly BranchId[];
  /**
   * Set only for a platform owner acting as support for `tenantId` (an audited session, checked
   * active on every request); null for everyone else. Such a principal may only read.
   */
  support: Readonly<{ sessionId: string; reason: string; endsAt: string }> | null;
}>;
