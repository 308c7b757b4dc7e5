import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { ReadFilter } from '../../application/queries/readScope.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { DirectoryEmployeeRow, DirectoryTables, DirectoryTenantRow } from './directoryTables.js';

type Db = Kysely<Database & DirectoryTables>;

/** Oldest first: when the entry was created, then its id (unique in the tenant). */
export type DirectoryCursor = readonly [string, string];
type Page = Readonly<{ size: number; after: DirectoryCursor | undefined }>;

export type TenantEntryView = {
  tenantId: string;
  legalName: string;
  status: 'registered' | 'active' | 'suspended' | 'closed';
  statusReason: string | null;
  currency: string;
  minorUnitExponent: number;
  timeZone: string;
  priceMode: string;
  createdAt: string;
  branchCount: number;
  deviceCount: number;
  employeeCount: number;
};

export type BranchEntryView = { branchId: string; name: string; status: 'open' | 'closed'; openedAt: string; deviceCount: number };

export type DeviceEntryView = {
  deviceId: string;
  branchId: string;
  name: string;
  status: 'active' | 'deactivated';
  deactivationReason: string | null;
  deactivatedAt: string | null;
  registeredAt: string;
};

export type EmployeeEntryView = {
  employeeId: string;
  role: string;
  status: 'active' | 'suspended' | 'terminated';
  statusReason: string | null;
  branchIds: string[];
  deviceIds: string[];
  /** Null unless the caller sees personal data (tenant admins, support) and it is not forgotten. */
  personalData: { name: string; email: string; phone: string | null } | null;
  personalDataStatus: 'visible' | 'redacted' | 'forgotten';
  hiredAt: string;
};

/** `all`: the platform owner's view of every tenant; else the one tenant the caller belongs to. */
export type TenantsScope = Readonly<{ all: true }> | Readonly<{ all: false; tenantId: string }>;

export async function listTenants(db: Db, scope: TenantsScope, query: Readonly<{ status?: string | undefined }>, page: Page): Promise<TenantEntryView[]> {
  let select = db.selectFrom('directory_tenants').selectAll();
  if (!scope.all) select = select.where('tenant_id', '=', scope.tenantId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) select = select.where(after('registered_at', 'tenant_id', page.after));
  const rows = await select.orderBy('registered_at').orderBy('tenant_id').limit(page.size).execute();
  return rows.map(tenantViewOf);
}

export async function listBranches(db: Db, filter: ReadFilter, query: Readonly<{ status?: string | undefined }>, page: Page): Promise<BranchEntryView[]> {
  let select = db.selectFrom('directory_branches').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.branchIds !== undefined) select = select.where('branch_id', 'in', filter.branchIds);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) select = select.where(after('opened_at', 'branch_id', page.after));
  const rows = await select.orderBy('opened_at').orderBy('branch_id').limit(page.size).execute();
  return rows.map((row) => ({
    branchId: row.branch_id,
    name: row.name,
    status: row.status === 'closed' ? 'closed' : 'open',
    openedAt: row.opened_at.toISOString(),
    deviceCount: row.device_count,
  }));
}

export async function listDevices(db: Db, filter: ReadFilter, query: Readonly<{ status?: string | undefined }>, page: Page): Promise<DeviceEntryView[]> {
  let select = db.selectFrom('directory_devices').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.branchIds !== undefined) select = select.where('branch_id', 'in', filter.branchIds);
  if (filter.deviceId !== undefined) select = select.where('device_id', '=', filter.deviceId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) select = select.where(after('registered_at', 'device_id', page.after));
  const rows = await select.orderBy('registered_at').orderBy('device_id').limit(page.size).execute();
  return rows.map((row) => ({
    deviceId: row.device_id,
    branchId: row.branch_id,
    name: row.name,
    status: row.status === 'deactivated' ? 'deactivated' : 'active',
    deactivationReason: row.deactivation_reason,
    deactivatedAt: row.deactivated_at?.toISOString() ?? null,
    registeredAt: row.registered_at.toISOString(),
  }));
}

export type EmployeeReader = Readonly<{
  /** A cashier reads their own entry only. */
  self: string | null;
  /** Tenant admins and support see names, emails and phones, as the employee GET shows them. */
  seesPersonalData: boolean;
}>;

export async function listEmployees(
  db: Db,
  filter: ReadFilter,
  query: Readonly<{ role?: string | undefined; status?: string | undefined }>,
  reader: EmployeeReader,
  page: Page,
): Promise<EmployeeEntryView[]> {
  let select = db.selectFrom('directory_employees').selectAll().where('tenant_id', '=', filter.tenantId);
  if (reader.self !== null) select = select.where('employee_id', '=', reader.self);
  // An employee works at a branch of the filter when any of theirs is among them (a containment per branch: the GIN index).
  if (filter.branchIds !== undefined) select = select.where(anyOf('branch_ids', filter.branchIds));
  if (filter.deviceId !== undefined && reader.self === null) select = select.where(anyOf('device_ids', [filter.deviceId]));
  if (query.role !== undefined) select = select.where('role', '=', query.role);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) select = select.where(after('hired_at', 'employee_id', page.after));
  const rows = await select.orderBy('hired_at').orderBy('employee_id').limit(page.size).execute();
  return rows.map((row) => employeeViewOf(row, reader.seesPersonalData));
}

function after(at: string, id: string, cursor: DirectoryCursor): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(at)}, ${sql.ref(id)}) > (${cursor[0]}::timestamptz, ${cursor[1]})`;
}

function anyOf(column: 'branch_ids' | 'device_ids', ids: readonly string[]): RawBuilder<boolean> {
  if (ids.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(ids.map((id) => sql`${sql.ref(column)} @> ${JSON.stringify([id])}::jsonb`), sql` OR `)})`;
}

function tenantViewOf(row: Selectable<DirectoryTenantRow>): TenantEntryView {
  return {
    tenantId: row.tenant_id,
    legalName: row.legal_name,
    status: row.status as TenantEntryView['status'],
    statusReason: row.status_reason,
    currency: row.currency,
    minorUnitExponent: row.minor_unit_exponent,
    timeZone: row.time_zone,
    priceMode: row.price_mode,
    createdAt: row.registered_at.toISOString(),
    branchCount: row.branch_count,
    deviceCount: row.device_count,
    employeeCount: row.employee_count,
  };
}

function employeeViewOf(row: Selectable<DirectoryEmployeeRow>, seesPersonalData: boolean): EmployeeEntryView {
  const forgotten = row.personal_data_forgotten || row.name === null || row.email === null;
  const personalDataStatus = forgotten ? 'forgotten' : seesPersonalData ? 'visible' : 'redacted';
  return {
    employeeId: row.employee_id,
    role: row.role,
    status: row.status as EmployeeEntryView['status'],
    statusReason: row.status_reason,
    branchIds: row.branch_ids,
    deviceIds: row.device_ids,
    personalData: personalDataStatus === 'visible' && row.name !== null && row.email !== null ? { name: row.name, email: row.email, phone: row.phone } : null,
    personalDataStatus,
    hiredAt: row.hired_at.toISOString(),
  };
}
