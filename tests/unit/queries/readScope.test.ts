import { describe, expect, it } from 'vitest';
import { readFilterOf, readScopeOf, requireInScope } from '../../../src/application/queries/readScope.js';
import type { Principal } from '../../../src/application/principal.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../../src/domain/shared/ids.js';

const principal = (overrides: Partial<Principal>): Principal => ({
  userId: 'u1' as UserId,
  role: 'cashier',
  tenantId: 't1' as TenantId,
  employeeId: 'e1' as EmployeeId,
  deviceId: 'd1' as DeviceId,
  branchIds: ['b1' as BranchId],
  support: null,
  ...overrides,
});

describe('read scope', () => {
  it('a cashier reads their till at their branch', () => {
    const scope = readScopeOf(principal({}));
    expect(readFilterOf(scope, {})).toEqual({ tenantId: 't1', branchIds: ['b1'], deviceId: 'd1', nothing: false });
    expect(readFilterOf(scope, { deviceId: 'd1', branchId: 'b1' })).toEqual({ tenantId: 't1', branchIds: ['b1'], deviceId: 'd1', nothing: false });
    expect(() => readFilterOf(scope, { deviceId: 'd2' })).toThrow(expect.objectContaining({ code: 'OUTSIDE_YOUR_DEVICE' }));
    expect(() => readFilterOf(scope, { branchId: 'b2' })).toThrow(expect.objectContaining({ code: 'OUTSIDE_YOUR_BRANCHES' }));
  });

  it('a cashier signed in on no till reads nothing', () => {
    expect(readFilterOf(readScopeOf(principal({ deviceId: null })), {}).nothing).toBe(true);
  });

  it('a branch manager reads their branches, any till in them', () => {
    const scope = readScopeOf(principal({ role: 'branch_manager', deviceId: null, branchIds: ['b1' as BranchId, 'b2' as BranchId] }));
    expect(readFilterOf(scope, {})).toEqual({ tenantId: 't1', branchIds: ['b1', 'b2'], deviceId: undefined, nothing: false });
    expect(readFilterOf(scope, { branchId: 'b2', deviceId: 'd9' })).toEqual({ tenantId: 't1', branchIds: ['b2'], deviceId: 'd9', nothing: false });
    expect(() => readFilterOf(scope, { branchId: 'b3' })).toThrow(expect.objectContaining({ code: 'OUTSIDE_YOUR_BRANCHES' }));
    expect(readFilterOf(readScopeOf(principal({ role: 'branch_manager', branchIds: [] })), {}).nothing).toBe(true);
  });

  it('a tenant admin, and a platform owner acting as support, read the whole tenant', () => {
    const admin = readScopeOf(principal({ role: 'tenant_admin', deviceId: null, branchIds: [] }));
    expect(readFilterOf(admin, {})).toEqual({ tenantId: 't1', branchIds: undefined, deviceId: undefined, nothing: false });
    expect(readFilterOf(admin, { branchId: 'another-tenants-branch' }).branchIds).toEqual(['another-tenants-branch']);
    const support = readScopeOf(principal({ role: 'platform_owner', employeeId: null, deviceId: null, branchIds: [], support: { sessionId: 's', reason: 'r', endsAt: '' } }));
    expect(support).toEqual(admin);
  });

  it('no tenant, or a platform owner not acting as support: not found', () => {
    expect(() => readScopeOf(principal({ role: 'platform_owner', tenantId: null }))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => readScopeOf(principal({ role: 'platform_owner' }))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('one record is in scope like a command on it would be', () => {
    const cashier = readScopeOf(principal({}));
    expect(() => {
      requireInScope(cashier, { branchId: 'b1', deviceId: 'd1' });
    }).not.toThrow();
    expect(() => {
      requireInScope(cashier, { branchId: 'b1', deviceId: 'd2' });
    }).toThrow(expect.objectContaining({ code: 'OUTSIDE_YOUR_DEVICE' }));
  });
});
