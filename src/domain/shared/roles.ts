/** Roles of DOMAIN.md, from the narrowest to the widest reach. */
export const ROLES = ['cashier', 'branch_manager', 'tenant_admin', 'platform_owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Readonly<Record<Role, number>> = { cashier: 0, branch_manager: 1, tenant_admin: 2, platform_owner: 3 };

/** Whether `role` may do what `required` may (a tenant admin may do what a manager may). */
export function atLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
