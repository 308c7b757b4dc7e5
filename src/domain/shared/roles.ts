/** Roles of DOMAIN.md: the auditor, who reads and never acts, then from the narrowest reach to the widest. */
export const ROLES = ['auditor', 'cashier', 'branch_manager', 'tenant_admin', 'platform_owner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The auditor ranks below a cashier: it may do nothing a cashier may (every command needs at
 * least a cashier), and reads by the routes that name it, tenant-wide (issue 11).
 */
const RANK: Readonly<Record<Role, number>> = { auditor: -1, cashier: 0, branch_manager: 1, tenant_admin: 2, platform_owner: 3 };

/** Whether `role` may do what `required` may (a tenant admin may do what a manager may). */
export function atLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
