import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../../application/principal.js';
import { readScopeOf, type ReadScope } from '../../../application/queries/readScope.js';
import type { TenantId } from '../../../domain/shared/ids.js';
import { EMPLOYEE_ROLES } from '../../../domain/employee/index.js';
import { directoryModel } from '../../../projections/directory/directoryModel.js';
import { listBranches, listDevices, listEmployees, listTenants } from '../../../projections/directory/directoryQueries.js';
import type { DirectoryTables } from '../../../projections/directory/directoryTables.js';
import type { CsvColumn } from '../csv.js';
import type { RoutePermission } from '../plugins/access.js';
import { idSchema } from './commandRoute.js';
import { queryList, type QueryDeps } from './queryRoute.js';

const TAGS = ['directories'] as const;
const TENANT_USERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin', 'auditor', 'platform_owner'], scope: 'tenant', support: 'read' };

/**
 * The platform owner's scope over the tenants' directory: no tenant in particular. No id is
 * empty (ids are 1 to 200 characters), so the empty tenant id cannot name a real tenant.
 */
const EVERY_TENANT = '' as TenantId;

function tenantsScopeOf(principal: Principal): ReadScope {
  if (principal.role === 'platform_owner' && principal.support === null) return { tenantId: EVERY_TENANT, branches: 'all', device: 'all' };
  return readScopeOf(principal);
}

const cursorKey = z.tuple([z.string().max(40), z.string().max(200)]);
type Row = Record<string, string | number | boolean | null | readonly string[]>;
function columnsOf<T extends Row>(keys: readonly (keyof T & string)[]): readonly CsvColumn<T>[] {
  return keys.map((key) => ({
    header: key,
    value: (row: T) => {
      const value = row[key];
      return Array.isArray(value) ? value.join(' ') : (value as string | number | boolean | null);
    },
  }));
}

const tenantItem = z.object({
  tenantId: z.string(),
  legalName: z.string(),
  status: z.enum(['registered', 'active', 'suspended', 'closed']),
  statusReason: z.string().nullable(),
  currency: z.string(),
  minorUnitExponent: z.number().int(),
  timeZone: z.string(),
  priceMode: z.string(),
  createdAt: z.string(),
  branchCount: z.number().int().describe('Open branches'),
  deviceCount: z.number().int().describe('Active devices'),
  employeeCount: z.number().int().describe('Employees not terminated'),
});
const branchItem = z.object({
  branchId: z.string(),
  name: z.string(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  deviceCount: z.number().int().describe('Active devices'),
});
const deviceItem = z.object({
  deviceId: z.string(),
  branchId: z.string(),
  name: z.string(),
  status: z.enum(['active', 'deactivated']),
  deactivationReason: z.string().nullable(),
  deactivatedAt: z.string().nullable(),
  registeredAt: z.string(),
});
const employeeItem = z.object({
  employeeId: z.string(),
  role: z.string(),
  status: z.enum(['active', 'suspended', 'terminated']),
  statusReason: z.string().nullable(),
  branchIds: z.array(z.string()),
  deviceIds: z.array(z.string()),
  personalData: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }).nullable(),
  personalDataStatus: z.enum(['visible', 'redacted', 'forgotten']).describe('visible to tenant admins (and support) only; forgotten after erasure'),
  hiredAt: z.string(),
});
type EmployeeItem = z.output<typeof employeeItem>;

const EMPLOYEE_CSV: readonly CsvColumn<EmployeeItem>[] = [
  ...columnsOf<Omit<EmployeeItem, 'personalData'>>(['employeeId', 'role', 'status', 'statusReason', 'branchIds', 'deviceIds', 'personalDataStatus', 'hiredAt']),
  { header: 'name', value: (row) => row.personalData?.name },
  { header: 'email', value: (row) => row.personalData?.email },
  { header: 'phone', value: (row) => row.personalData?.phone },
];

/** Directories: tenants (the platform owner's), and a tenant's branches, devices and employees. */
export function registerDirectoryRoutes(app: FastifyInstance, deps: QueryDeps): void {
  const status = (values: readonly [string, ...string[]]) => z.enum(values).optional();

  queryList<z.ZodObject<Record<string, never>>, z.ZodObject<{ status: ReturnType<typeof status> }>, typeof tenantItem, readonly [string, string], DirectoryTables>(
    app,
    deps,
    '/v1/tenants',
    {
      summary: 'Tenants: legal name, status, currency, zone, created, counts',
      description: 'Oldest first. The platform owner reads every tenant; a tenant admin (or support) their own tenant only.',
      tags: TAGS,
      query: z.object({ status: status(['registered', 'active', 'suspended', 'closed']) }),
      item: tenantItem,
      permission: { roles: ['platform_owner', 'tenant_admin', 'auditor'], scope: 'platform', support: 'read' },
      readModel: directoryModel,
      cursor: { key: cursorKey, of: (row) => [row.createdAt, row.tenantId] as const },
      csv: {
        filename: 'tenants.csv',
        columns: columnsOf<z.output<typeof tenantItem>>([
          'tenantId', 'legalName', 'status', 'statusReason', 'currency', 'minorUnitExponent', 'timeZone', 'priceMode', 'createdAt', 'branchCount', 'deviceCount', 'employeeCount',
        ]),
      },
      readScope: tenantsScopeOf,
    },
    ({ db, scope, query, page }) => listTenants(db, scope.tenantId === EVERY_TENANT ? { all: true } : { all: false, tenantId: scope.tenantId }, query, page),
  );

  queryList<z.ZodObject<Record<string, never>>, z.ZodObject<{ status: ReturnType<typeof status> }>, typeof branchItem, readonly [string, string], DirectoryTables>(
    app,
    deps,
    '/v1/branches',
    {
      summary: 'Branches of the tenant',
      description: 'Oldest first. A branch manager or a cashier reads the branches they work at.',
      tags: TAGS,
      query: z.object({ status: status(['open', 'closed']) }),
      item: branchItem,
      permission: TENANT_USERS,
      readModel: directoryModel,
      cursor: { key: cursorKey, of: (row) => [row.openedAt, row.branchId] as const },
      csv: { filename: 'branches.csv', columns: columnsOf<z.output<typeof branchItem>>(['branchId', 'name', 'status', 'openedAt', 'deviceCount']) },
    },
    ({ db, filter, query, page }) => listBranches(db, filter, query, page),
  );

  const deviceQuery = z.object({ branchId: idSchema.optional(), status: status(['active', 'deactivated']) });
  queryList<z.ZodObject<Record<string, never>>, typeof deviceQuery, typeof deviceItem, readonly [string, string], DirectoryTables>(
    app,
    deps,
    '/v1/devices',
    {
      summary: 'Devices (tills) of the tenant, with status and branch',
      description: 'Oldest first. A branch manager reads the devices of their branches, a cashier the till they signed in on.',
      tags: TAGS,
      query: deviceQuery,
      item: deviceItem,
      permission: { ...TENANT_USERS, scope: 'device' },
      readModel: directoryModel,
      cursor: { key: cursorKey, of: (row) => [row.registeredAt, row.deviceId] as const },
      csv: {
        filename: 'devices.csv',
        columns: columnsOf<z.output<typeof deviceItem>>(['deviceId', 'branchId', 'name', 'status', 'deactivationReason', 'deactivatedAt', 'registeredAt']),
      },
    },
    ({ db, filter, query, page }) => listDevices(db, filter, query, page),
  );

  const employeeQuery = z.object({
    branchId: idSchema.optional(),
    deviceId: idSchema.optional().describe('Cashiers bound to this device'),
    role: z.enum(EMPLOYEE_ROLES).optional(),
    status: status(['active', 'suspended', 'terminated']),
  });
  queryList<z.ZodObject<Record<string, never>>, typeof employeeQuery, typeof employeeItem, readonly [string, string], DirectoryTables>(
    app,
    deps,
    '/v1/employees',
    {
      summary: 'Employees: role, status, branches, devices; personal fields for tenant admins only',
      description:
        'Oldest first. A tenant admin (and support) sees names, emails and phones; everyone else reads them as redacted, ' +
        'and after the employee was forgotten everyone reads them as forgotten. A manager reads the employees of their branches, a cashier themself.',
      tags: TAGS,
      query: employeeQuery,
      item: employeeItem,
      permission: { ...TENANT_USERS, scope: 'device' },
      readModel: directoryModel,
      cursor: { key: cursorKey, of: (row) => [row.hiredAt, row.employeeId] as const },
      csv: { filename: 'employees.csv', columns: EMPLOYEE_CSV },
    },
    ({ db, filter, query, principal, page }) =>
      listEmployees(
        db,
        filter,
        query,
        {
          self: principal.role === 'cashier' ? (principal.employeeId ?? '') : null,
          seesPersonalData: principal.role === 'tenant_admin' || principal.support !== null,
        },
        page,
      ),
  );
}
