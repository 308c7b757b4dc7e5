import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceId, TenantId } from '../../src/domain/shared/ids.js';
import { ACCOUNT_SYNC } from '../../src/application/reactors/accountSync.js';
import { call, withShop } from '../support/fullApp.js';

/**
 * A command handler updates the login right after its append. These tests append the event
 * alone, as if the process had died in between, and watch the account-sync reactor (running in
 * the background as in main.ts) bring the login in step.
 */
describe('logins follow the log even when a handler died after its append', () => {
  const f = withShop();

  const appendAlone = async (streamId: string, tenantId: string, type: string, data: Readonly<Record<string, unknown>>) => {
    const [last] = await f.full.eventStore.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    await f.full.eventStore.appendToStream(
      streamId,
      [{
        eventId: randomUUID(),
        type,
        schemaVersion: 1,
        tenantId,
        occurredAt: new Date(),
        data,
        metadata: { actor: { userId: f.shop.adminId, role: 'tenant_admin' }, correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null },
      }],
      { expectedRevision: last?.streamRevision ?? 'no_stream' },
    );
  };
  const readTenant = (token: string) => call(f.full.app, 'GET', `/v1/tenants/${f.shop.tenantId}`, { token });

  it('a suspension recorded without its account update still locks the employee out', async () => {
    expect((await readTenant(f.shop.tokens.manager)).statusCode).toBe(200);
    await appendAlone(`employee-${f.shop.tenantId}/${f.shop.managerId}`, f.shop.tenantId, 'EmployeeSuspended', { reason: 'till shortfall' });
    await expect.poll(async () => (await f.full.accounts.findById(f.shop.managerId))?.status, { timeout: 5_000 }).toBe('suspended');
    expect((await readTenant(f.shop.tokens.manager)).statusCode).toBe(401);
  });

  it('a role change and a device deactivation reach the logins the same way', async () => {
    await appendAlone(`employee-${f.shop.tenantId}/${f.shop.cashierId}`, f.shop.tenantId, 'EmployeeRoleChanged', { from: 'cashier', to: 'branch_manager' });
    await expect.poll(async () => (await f.full.accounts.findById(f.shop.cashierId))?.role, { timeout: 5_000 }).toBe('branch_manager');
    await appendAlone(`tenant-${f.shop.tenantId}`, f.shop.tenantId, 'DeviceDeactivated', { deviceId: f.shop.deviceId, reason: 'stolen', at: new Date().toISOString() });
    await expect.poll(() => f.full.accounts.isDeviceDeactivated(f.shop.tenantId as TenantId, f.shop.deviceId as DeviceId), { timeout: 5_000 }).toBe(true);
    const status = (await f.full.projections.status()).find((row) => row.name === ACCOUNT_SYNC);
    expect(status?.position).toEqual(await f.full.eventStore.headPosition());
  });
});
