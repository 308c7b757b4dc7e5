import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { directoryModel } from '../../src/projections/directory/directoryModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';
import { plainRows } from './plainRows.js';

const AT = '2026-11-02T09:00:00.000Z';

describe('directory read model', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(directoryModel);
  });
  afterAll(async () => {
    await spec.close();
  });

  function tenantLog(log: LogBuilder, tenant: string) {
    const on = (type: string, data: Record<string, unknown>) => log.event(streams.tenant(tenant), tenant, type, data);
    return {
      registered: () =>
        on('TenantRegistered', {
          tenantId: tenant, legalName: `${tenant} GmbH`, currency: 'EUR', minorUnitExponent: 2, timeZone: 'Europe/Berlin', priceMode: 'inclusive',
          taxRates: [], discountApprovalThreshold: { basisPoints: 1000 }, at: '2026-10-01T08:00:00.000Z',
        }),
      on,
    };
  }
  function employeeLog(log: LogBuilder, tenant: string, id: string) {
    return (type: string, data: Record<string, unknown>) => log.event(streams.employee(tenant, id), tenant, type, data);
  }

  it('lists tenants with their lifecycle and counts, branches and devices with theirs', async () => {
    const log = new LogBuilder();
    const t1 = tenantLog(log, 't1');
    const t2 = tenantLog(log, 't2');
    const hire = (tenant: string, id: string) =>
      employeeLog(log, tenant, id)('EmployeeHired', {
        employeeId: id, tenantId: tenant, personalData: { name: `Name ${id}`, email: `${id}@example.com`, phone: null }, role: 'cashier', branchIds: ['b1'], deviceIds: [],
      });
    const result = spec.given(
      t1.registered(),
      t2.registered(),
      t1.on('TenantActivated', { at: AT }),
      t1.on('BranchOpened', { branchId: 'b1', name: 'Mitte' }),
      t1.on('BranchOpened', { branchId: 'b2', name: 'Kreuzberg' }),
      t1.on('DeviceRegistered', { deviceId: 'd1', branchId: 'b1', name: 'Till 1' }),
      t1.on('DeviceRegistered', { deviceId: 'd2', branchId: 'b1', name: 'Till 2' }),
      t1.on('DeviceRenamed', { deviceId: 'd2', name: 'Till Two' }),
      t1.on('DeviceDeactivated', { deviceId: 'd1', reason: 'stolen', at: AT }),
      // A second deactivation changes no count.
      t1.on('DeviceDeactivated', { deviceId: 'd1', reason: 'again', at: AT }),
      t1.on('BranchRenamed', { branchId: 'b2', name: 'Xberg' }),
      t1.on('BranchClosed', { branchId: 'b2' }),
      t1.on('TenantLegalNameChanged', { legalName: 'One AG' }),
      hire('t1', 'e1'),
      hire('t1', 'e2'),
      employeeLog(log, 't1', 'e2')('EmployeeTerminated', { reason: 'left' }),
      t2.on('BranchOpened', { branchId: 'b1', name: 'Same id, other tenant' }),
      t2.on('TenantSuspended', { reason: 'unpaid', at: AT }),
    );
    const tenants = plainRows(await result.rows('directory_tenants', ['tenant_id']));
    expect(tenants.map((t) => [t.tenant_id, t.legal_name, t.status, t.status_reason, t.branch_count, t.device_count, t.employee_count, t.registered_at])).toEqual([
      ['t1', 'One AG', 'active', null, 1, 1, 1, '2026-10-01T08:00:00.000Z'],
      ['t2', 't2 GmbH', 'suspended', 'unpaid', 1, 0, 0, '2026-10-01T08:00:00.000Z'],
    ]);
    const branches = plainRows(await result.rows('directory_branches', ['tenant_id', 'branch_id']));
    expect(branches.map((b) => [b.tenant_id, b.branch_id, b.name, b.status, b.device_count])).toEqual([
      ['t1', 'b1', 'Mitte', 'open', 1],
      ['t1', 'b2', 'Xberg', 'closed', 0],
      ['t2', 'b1', 'Same id, other tenant', 'open', 0],
    ]);
    const devices = plainRows(await result.rows('directory_devices', ['tenant_id', 'device_id']));
    expect(devices.map((d) => [d.device_id, d.branch_id, d.name, d.status, d.deactivation_reason, d.deactivated_at])).toEqual([
      ['d1', 'b1', 'Till 1', 'deactivated', 'stolen', AT],
      ['d2', 'b1', 'Till Two', 'active', null, null],
    ]);
  });

  it('follows an employee’s role, branches, devices and status, and drops the personal fields for good when forgotten', async () => {
    const log = new LogBuilder();
    const e1 = employeeLog(log, 't1', 'e1');
    const result = spec.given(
      tenantLog(log, 't1').registered(),
      e1('EmployeeHired', {
        employeeId: 'e1', tenantId: 't1', personalData: { name: 'Ada Kassier', email: 'ada@example.com', phone: '+4930123456' }, role: 'cashier',
        branchIds: ['b1'], deviceIds: ['d1'],
      }),
      e1('BranchAssigned', { branchId: 'b2' }),
      e1('DeviceBound', { deviceId: 'd2', branchId: 'b2' }),
      e1('DeviceUnbound', { deviceId: 'd1', reason: 'requested' }),
      e1('BranchUnassigned', { branchId: 'b1' }),
      e1('EmployeeRoleChanged', { from: 'cashier', to: 'branch_manager' }),
      e1('EmployeeSuspended', { reason: 'audit' }),
      e1('EmployeeReinstated', {}),
      e1('PersonalDataForgotten', {}),
    );
    const [employee] = plainRows(await result.rows('directory_employees', ['employee_id']));
    expect(employee).toMatchObject({
      tenant_id: 't1', employee_id: 'e1', role: 'branch_manager', status: 'active', status_reason: null, branch_ids: ['b2'], device_ids: ['d2'],
      name: null, email: null, phone: null, personal_data_forgotten: true,
    });
    // Before the forget the same log shows the fields.
    const before = new LogBuilder();
    const [visible] = plainRows(
      await spec
        .given(
          employeeLog(before, 't1', 'e1')('EmployeeHired', {
            employeeId: 'e1', tenantId: 't1', personalData: { name: 'Ada Kassier', email: 'ada@example.com', phone: null }, role: 'cashier', branchIds: [], deviceIds: [],
          }),
        )
        .rows('directory_employees', ['employee_id']),
    );
    expect(visible).toMatchObject({ name: 'Ada Kassier', email: 'ada@example.com', phone: null, personal_data_forgotten: false });
  });
});
