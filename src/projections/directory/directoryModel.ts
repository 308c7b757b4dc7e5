import type { Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModel } from '../readModel.js';
import { pairKey, pairsIn, uniquePairs } from '../shared/keys.js';
import { upsertRows } from '../shared/writeRows.js';
import { createDirectoryTables, type DirectoryTables } from './directoryTables.js';

export const DIRECTORY = 'directory';

type Trx = Transaction<Database & DirectoryTables>;

type TenantEntry = {
  tenant_id: string; legal_name: string; status: string; status_reason: string | null; currency: string; minor_unit_exponent: number;
  time_zone: string; price_mode: string; registered_at: string; registered_position: string; branch_count: number; device_count: number; employee_count: number;
};
type BranchEntry = { tenant_id: string; branch_id: string; name: string; status: string; opened_at: string; opened_position: string; device_count: number };
type DeviceEntry = {
  tenant_id: string; device_id: string; branch_id: string; name: string; status: string; deactivation_reason: string | null;
  deactivated_at: string | null; registered_at: string; registered_position: string;
};
type EmployeeEntry = {
  tenant_id: string; employee_id: string; role: string; status: string; status_reason: string | null; branch_ids: string[]; device_ids: string[];
  name: string | null; email: string | null; phone: string | null; personal_data_forgotten: boolean; hired_at: string; hired_position: string;
};

const TENANT_EVENTS = [
  'TenantRegistered', 'TenantActivated', 'TenantSuspended', 'TenantReinstated', 'TenantClosed', 'TenantLegalNameChanged', 'TenantCurrencyChanged',
  'TenantTimeZoneChanged', 'TenantPriceModeChanged', 'BranchOpened', 'BranchRenamed', 'BranchClosed', 'DeviceRegistered', 'DeviceRenamed', 'DeviceDeactivated',
] as const;
const EMPLOYEE_EVENTS = [
  'EmployeeHired', 'EmployeeRoleChanged', 'BranchAssigned', 'BranchUnassigned', 'DeviceBound', 'DeviceUnbound', 'EmployeeSuspended', 'EmployeeReinstated',
  'EmployeeTerminated', 'PersonalDataForgotten',
] as const;

/**
 * Who and what a tenant has: the tenants themselves (for the platform owner), their branches,
 * devices and employees, folded from the Tenant and Employee streams as their aggregates fold
 * them. An employee's personal fields are copied from the hire (opened by the event store, ADR
 * 0025) and dropped for good by PersonalDataForgotten. After the forget the hire itself reads
 * with null personal data (its key is destroyed), which counts as forgotten here too: a rebuild
 * then writes the very row the live model has.
 */
export const directoryModel: ReadModel<DirectoryTables> = {
  kind: 'read_model',
  name: DIRECTORY,
  version: 1,
  handles: new Set<DecodedEventType>([...TENANT_EVENTS, ...EMPLOYEE_EVENTS]),
  createTables: createDirectoryTables,
  async applyBatch(trx, events) {
    if (events.length === 0) return;
    const fold = await DirectoryFold.load(trx, events);
    for (const event of events) fold.apply(event);
    await fold.save(trx);
  },
};

class DirectoryFold {
  private readonly touched = { tenants: new Set<string>(), branches: new Set<string>(), devices: new Set<string>(), employees: new Set<string>() };

  private constructor(
    private readonly tenants: Map<string, TenantEntry>,
    private readonly branches: Map<string, BranchEntry>,
    private readonly devices: Map<string, DeviceEntry>,
    private readonly employees: Map<string, EmployeeEntry>,
  ) {}

  static async load(trx: Trx, events: readonly DecodedEvent[]): Promise<DirectoryFold> {
    const tenantIds = [...new Set(events.map((event) => event.tenantId as string))];
    const deviceKeys = uniquePairs(events.flatMap((e): (readonly [string, string])[] => (hasDevice(e) ? [[e.tenantId, e.data.deviceId]] : [])));
    const employeeKeys = uniquePairs(events.filter((e) => e.category === 'employee').map((e) => [e.tenantId, e.entityId] as const));
    // One after the other: a transaction is one connection.
    const tenantRows = await trx.selectFrom('directory_tenants').selectAll().where('tenant_id', 'in', tenantIds).execute();
    const deviceRows = deviceKeys.length === 0 ? [] : await trx.selectFrom('directory_devices').selectAll().where(pairsIn(['tenant_id', 'device_id'], deviceKeys)).execute();
    const employeeRows =
      employeeKeys.length === 0 ? [] : await trx.selectFrom('directory_employees').selectAll().where(pairsIn(['tenant_id', 'employee_id'], employeeKeys)).execute();
    const devices = new Map(deviceRows.map((row) => [pairKey(row.tenant_id, row.device_id), { ...row, deactivated_at: iso(row.deactivated_at), registered_at: row.registered_at.toISOString(), registered_position: String(row.registered_position) }]));
    // A device's deactivation changes its branch's count: the branch of a device loaded above, or of one registered in the batch.
    const branchKeys = uniquePairs([
      ...events.flatMap((e): (readonly [string, string])[] => (hasBranch(e) ? [[e.tenantId, e.data.branchId]] : [])),
      ...[...devices.values()].map((d) => [d.tenant_id, d.branch_id] as const),
    ]);
    const branchRows = branchKeys.length === 0 ? [] : await trx.selectFrom('directory_branches').selectAll().where(pairsIn(['tenant_id', 'branch_id'], branchKeys)).execute();
    return new DirectoryFold(
      new Map(tenantRows.map((row) => [row.tenant_id, { ...row, registered_at: row.registered_at.toISOString(), registered_position: String(row.registered_position) }])),
      new Map(branchRows.map((row) => [pairKey(row.tenant_id, row.branch_id), { ...row, opened_at: row.opened_at.toISOString(), opened_position: String(row.opened_position) }])),
      devices,
      new Map(employeeRows.map((row) => [pairKey(row.tenant_id, row.employee_id), { ...row, hired_at: row.hired_at.toISOString(), hired_position: String(row.hired_position) }])),
    );
  }

  apply(event: DecodedEvent): void {
    const tenantId = event.tenantId as string;
    const position = String(event.envelope.position.commit);
    const occurredAt = event.envelope.occurredAt.toISOString();
    switch (event.type) {
      case 'TenantRegistered': {
        if (this.tenants.has(tenantId)) return;
        const { legalName, currency, minorUnitExponent, timeZone, priceMode, at } = event.data;
        this.put(this.tenants, this.touched.tenants, tenantId, {
          tenant_id: tenantId, legal_name: legalName, status: 'registered', status_reason: null, currency, minor_unit_exponent: minorUnitExponent,
          time_zone: timeZone, price_mode: priceMode, registered_at: at, registered_position: position, branch_count: 0, device_count: 0, employee_count: 0,
        });
        return;
      }
      case 'TenantActivated':
      case 'TenantReinstated':
        this.changeTenant(tenantId, (t) => ({ ...t, status: 'active', status_reason: null }));
        return;
      case 'TenantSuspended':
        this.changeTenant(tenantId, (t) => ({ ...t, status: 'suspended', status_reason: event.data.reason }));
        return;
      case 'TenantClosed':
        this.changeTenant(tenantId, (t) => ({ ...t, status: 'closed', status_reason: event.data.reason }));
        return;
      case 'TenantLegalNameChanged':
        this.changeTenant(tenantId, (t) => ({ ...t, legal_name: event.data.legalName }));
        return;
      case 'TenantCurrencyChanged':
        this.changeTenant(tenantId, (t) => ({ ...t, currency: event.data.currency, minor_unit_exponent: event.data.minorUnitExponent }));
        return;
      case 'TenantTimeZoneChanged':
        this.changeTenant(tenantId, (t) => ({ ...t, time_zone: event.data.timeZone }));
        return;
      case 'TenantPriceModeChanged':
        this.changeTenant(tenantId, (t) => ({ ...t, price_mode: event.data.priceMode }));
        return;
      case 'BranchOpened': {
        const key = pairKey(tenantId, event.data.branchId);
        if (this.branches.has(key)) return;
        this.put(this.branches, this.touched.branches, key, {
          tenant_id: tenantId, branch_id: event.data.branchId, name: event.data.name, status: 'open', opened_at: occurredAt, opened_position: position, device_count: 0,
        });
        this.changeTenant(tenantId, (t) => ({ ...t, branch_count: t.branch_count + 1 })); return;
      }
      case 'BranchRenamed':
        this.changeBranch(tenantId, event.data.branchId, (b) => ({ ...b, name: event.data.name }));
        return;
      case 'BranchClosed': {
        const branch = this.branches.get(pairKey(tenantId, event.data.branchId));
        if (branch?.status !== 'open') return;
        this.changeBranch(tenantId, event.data.branchId, (b) => ({ ...b, status: 'closed' }));
        this.changeTenant(tenantId, (t) => ({ ...t, branch_count: t.branch_count - 1 })); return;
      }
      case 'DeviceRegistered': {
        const { deviceId, branchId, name } = event.data;
        const key = pairKey(tenantId, deviceId);
        if (this.devices.has(key)) return;
        this.put(this.devices, this.touched.devices, key, {
          tenant_id: tenantId, device_id: deviceId, branch_id: branchId, name, status: 'active', deactivation_reason: null, deactivated_at: null,
          registered_at: occurredAt, registered_position: position,
        });
        this.changeBranch(tenantId, branchId, (b) => ({ ...b, device_count: b.device_count + 1 }));
        this.changeTenant(tenantId, (t) => ({ ...t, device_count: t.device_count + 1 })); return;
      }
      case 'DeviceRenamed':
        this.changeDevice(tenantId, event.data.deviceId, (d) => ({ ...d, name: event.data.name }));
        return;
      case 'DeviceDeactivated': {
        const device = this.devices.get(pairKey(tenantId, event.data.deviceId));
        if (device?.status !== 'active') return;
        this.changeDevice(tenantId, device.device_id, (d) => ({ ...d, status: 'deactivated', deactivation_reason: event.data.reason, deactivated_at: event.data.at }));
        this.changeBranch(tenantId, device.branch_id, (b) => ({ ...b, device_count: b.device_count - 1 }));
        this.changeTenant(tenantId, (t) => ({ ...t, device_count: t.device_count - 1 })); return;
      }
      case 'EmployeeHired': {
        const key = pairKey(tenantId, event.entityId);
        if (this.employees.has(key)) return;
        const { role, branchIds, deviceIds, personalData } = event.data;
        this.put(this.employees, this.touched.employees, key, {
          tenant_id: tenantId, employee_id: event.entityId, role, status: 'active', status_reason: null, branch_ids: [...branchIds], device_ids: [...deviceIds],
          name: personalData?.name ?? null, email: personalData?.email ?? null, phone: personalData?.phone ?? null, personal_data_forgotten: personalData === null,
          hired_at: occurredAt, hired_position: position,
        });
        this.changeTenant(tenantId, (t) => ({ ...t, employee_count: t.employee_count + 1 })); return;
      }
      case 'EmployeeRoleChanged':
        this.changeEmployee(event, (e) => ({ ...e, role: event.data.to }));
        return;
      case 'BranchAssigned':
        this.changeEmployee(event, (e) => ({ ...e, branch_ids: [...e.branch_ids, event.data.branchId] }));
        return;
      case 'BranchUnassigned':
        this.changeEmployee(event, (e) => ({ ...e, branch_ids: e.branch_ids.filter((id) => id !== event.data.branchId) }));
        return;
      case 'DeviceBound':
        this.changeEmployee(event, (e) => ({ ...e, device_ids: [...e.device_ids, event.data.deviceId] }));
        return;
      case 'DeviceUnbound':
        this.changeEmployee(event, (e) => ({ ...e, device_ids: e.device_ids.filter((id) => id !== event.data.deviceId) }));
        return;
      case 'EmployeeSuspended':
        this.changeEmployee(event, (e) => (e.status === 'active' ? { ...e, status: 'suspended', status_reason: event.data.reason } : e));
        return;
      case 'EmployeeReinstated':
        this.changeEmployee(event, (e) => (e.status === 'suspended' ? { ...e, status: 'active', status_reason: null } : e));
        return;
      case 'EmployeeTerminated': {
        const employee = this.employees.get(pairKey(tenantId, event.entityId));
        if (!employee || employee.status === 'terminated') return;
        this.changeEmployee(event, (e) => ({ ...e, status: 'terminated', status_reason: event.data.reason }));
        this.changeTenant(tenantId, (t) => ({ ...t, employee_count: t.employee_count - 1 })); return;
      }
      case 'PersonalDataForgotten':
        this.changeEmployee(event, (e) => ({ ...e, name: null, email: null, phone: null, personal_data_forgotten: true }));
        return;
      default:
        return;
    }
  }

  async save(trx: Trx): Promise<void> {
    const rows = <T>(map: Map<string, T>, keys: Set<string>): T[] => [...keys].flatMap((key) => map.get(key) ?? []);
    await upsertRows(trx, 'directory_tenants', ['tenant_id'], rows(this.tenants, this.touched.tenants));
    await upsertRows(trx, 'directory_branches', ['tenant_id', 'branch_id'], rows(this.branches, this.touched.branches));
    await upsertRows(trx, 'directory_devices', ['tenant_id', 'device_id'], rows(this.devices, this.touched.devices));
    await upsertRows(
      trx,
      'directory_employees',
      ['tenant_id', 'employee_id'],
      rows(this.employees, this.touched.employees),
    );
  }

  private put<T>(map: Map<string, T>, touched: Set<string>, key: string, entry: T): void {
    map.set(key, entry);
    touched.add(key);
  }

  private changeTenant(tenantId: string, next: (tenant: TenantEntry) => TenantEntry): void {
    const tenant = this.tenants.get(tenantId);
    if (tenant) this.put(this.tenants, this.touched.tenants, tenantId, next(tenant));
  }

  private changeBranch(tenantId: string, branchId: string, next: (branch: BranchEntry) => BranchEntry): void {
    const key = pairKey(tenantId, branchId);
    const branch = this.branches.get(key);
    if (branch) this.put(this.branches, this.touched.branches, key, next(branch));
  }

  private changeDevice(tenantId: string, deviceId: string, next: (device: DeviceEntry) => DeviceEntry): void {
    const key = pairKey(tenantId, deviceId);
    const device = this.devices.get(key);
    if (device) this.put(this.devices, this.touched.devices, key, next(device));
  }

  private changeEmployee(event: DecodedEvent, next: (employee: EmployeeEntry) => EmployeeEntry): void {
    const key = pairKey(event.tenantId, event.entityId);
    const employee = this.employees.get(key);
    if (employee) this.put(this.employees, this.touched.employees, key, next(employee));
  }
}

type WithDevice = Extract<DecodedEvent, { type: 'DeviceRegistered' | 'DeviceRenamed' | 'DeviceDeactivated' }>;
type WithBranch = Extract<DecodedEvent, { type: 'BranchOpened' | 'BranchRenamed' | 'BranchClosed' | 'DeviceRegistered' }>;

function hasDevice(event: DecodedEvent): event is WithDevice {
  return event.type === 'DeviceRegistered' || event.type === 'DeviceRenamed' || event.type === 'DeviceDeactivated';
}

function hasBranch(event: DecodedEvent): event is WithBranch {
  return event.type === 'BranchOpened' || event.type === 'BranchRenamed' || event.type === 'BranchClosed' || event.type === 'DeviceRegistered';
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
