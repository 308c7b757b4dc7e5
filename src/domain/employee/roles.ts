import type { Role } from '../shared/roles.js';
import { employeeError } from './errors.js';

/** Roles a tenant can give its employees: a platform owner works for the SaaS, not for a tenant. */
export const EMPLOYEE_ROLES = ['cashier', 'branch_manager', 'tenant_admin', 'auditor'] as const;
export type EmployeeRole = (typeof EMPLOYEE_ROLES)[number];

export function requireEmployeeRole(role: Role): EmployeeRole {
  const found = EMPLOYEE_ROLES.find((candidate) => candidate === role);
  if (found === undefined) {
    throw employeeError('ROLE_NOT_ASSIGNABLE', `The role ${role} cannot be given to an employee of a tenant`, { role });
  }
  return found;
}

/** Cashiers and managers work at branches; a tenant admin's reach, and an auditor's reading, is the whole tenant. */
export function worksAtBranches(role: EmployeeRole): boolean {
  return role !== 'tenant_admin' && role !== 'auditor';
}
