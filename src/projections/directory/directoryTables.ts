import { sql, type ColumnType, type Transaction } from 'kysely';
import type { Database } from '../../infrastructure/postgres/database.js';

type Position = ColumnType<string | bigint, string | bigint | number, string | bigint | number>;
type Timestamp = ColumnType<Date, string, string>;
/** jsonb of ids: parsed arrays out, JSON text in. */
type IdList = ColumnType<string[], string, string>;

export type DirectoryTenantRow = {
  tenant_id: string;
  legal_name: string;
  /** 'registered' | 'active' | 'suspended' | 'closed', as the Tenant aggregate's lifecycle. */
  status: string;
  status_reason: string | null;
  currency: string;
  minor_unit_exponent: number;
  time_zone: string;
  price_mode: string;
  registered_at: Timestamp;
  registered_position: Position;
  /** Open branches, active devices, employees not terminated. */
  branch_count: number;
  device_count: number;
  employee_count: number;
};

export type DirectoryBranchRow = {
  tenant_id: string;
  branch_id: string;
  name: string;
  /** 'open' | 'closed'. */
  status: string;
  opened_at: Timestamp;
  opened_position: Position;
  /** Active devices of the branch. */
  device_count: number;
};

export type DirectoryDeviceRow = {
  tenant_id: string;
  device_id: string;
  branch_id: string;
  name: string;
  /** 'active' | 'deactivated'. */
  status: string;
  deactivation_reason: string | null;
  deactivated_at: Timestamp | null;
  registered_at: Timestamp;
  registered_position: Position;
};

export type DirectoryEmployeeRow = {
  tenant_id: string;
  employee_id: string;
  role: string;
  /** 'active' | 'suspended' | 'terminated'. */
  status: string;
  status_reason: string | null;
  branch_ids: IdList;
  device_ids: IdList;
  /** Personal fields: null once forgotten (PersonalDataForgotten); shown to tenant admins only. */
  name: string | null;
  email: string | null;
  phone: string | null;
  personal_data_forgotten: boolean;
  hired_at: Timestamp;
  hired_position: Position;
};

export type DirectoryTables = {
  directory_tenants: DirectoryTenantRow;
  directory_branches: DirectoryBranchRow;
  directory_devices: DirectoryDeviceRow;
  directory_employees: DirectoryEmployeeRow;
};

export async function createDirectoryTables(trx: Transaction<Database & DirectoryTables>): Promise<void> {
  await sql`
    CREATE TABLE directory_tenants (
      tenant_id text PRIMARY KEY,
      legal_name text NOT NULL,
      status text NOT NULL,
      status_reason text,
      currency text NOT NULL,
      minor_unit_exponent smallint NOT NULL,
      time_zone text NOT NULL,
      price_mode text NOT NULL,
      registered_at timestamptz NOT NULL,
      registered_position bigint NOT NULL,
      branch_count integer NOT NULL,
      device_count integer NOT NULL,
      employee_count integer NOT NULL
    )`.execute(trx);
  await sql`CREATE INDEX directory_tenants_in_order ON directory_tenants (registered_at, tenant_id)`.execute(trx);
  await sql`CREATE INDEX directory_tenants_by_status ON directory_tenants (status, registered_at, tenant_id)`.execute(trx);
  await sql`
    CREATE TABLE directory_branches (
      tenant_id text NOT NULL,
      branch_id text NOT NULL,
      name text NOT NULL,
      status text NOT NULL,
      opened_at timestamptz NOT NULL,
      opened_position bigint NOT NULL,
      device_count integer NOT NULL,
      PRIMARY KEY (tenant_id, branch_id)
    )`.execute(trx);
  await sql`CREATE INDEX directory_branches_in_order ON directory_branches (tenant_id, opened_at, branch_id)`.execute(trx);
  await sql`
    CREATE TABLE directory_devices (
      tenant_id text NOT NULL,
      device_id text NOT NULL,
      branch_id text NOT NULL,
      name text NOT NULL,
      status text NOT NULL,
      deactivation_reason text,
      deactivated_at timestamptz,
      registered_at timestamptz NOT NULL,
      registered_position bigint NOT NULL,
      PRIMARY KEY (tenant_id, device_id)
    )`.execute(trx);
  await sql`CREATE INDEX directory_devices_in_order ON directory_devices (tenant_id, registered_at, device_id)`.execute(trx);
  await sql`CREATE INDEX directory_devices_by_branch ON directory_devices (tenant_id, branch_id, registered_at, device_id)`.execute(trx);
  await sql`
    CREATE TABLE directory_employees (
      tenant_id text NOT NULL,
      employee_id text NOT NULL,
      role text NOT NULL,
      status text NOT NULL,
      status_reason text,
      branch_ids jsonb NOT NULL,
      device_ids jsonb NOT NULL,
      name text,
      email text,
      phone text,
      personal_data_forgotten boolean NOT NULL,
      hired_at timestamptz NOT NULL,
      hired_position bigint NOT NULL,
      PRIMARY KEY (tenant_id, employee_id)
    )`.execute(trx);
  await sql`CREATE INDEX directory_employees_in_order ON directory_employees (tenant_id, hired_at, employee_id)`.execute(trx);
  // "Employees of branch b" and "of device d": containment on the id lists.
  await sql`CREATE INDEX directory_employees_by_branch ON directory_employees USING gin (branch_ids jsonb_path_ops)`.execute(trx);
  await sql`CREATE INDEX directory_employees_by_device ON directory_employees USING gin (device_ids jsonb_path_ops)`.execute(trx);
}
