import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceId, TenantId } from '../../src/domain/shared/ids.js';
import { ACCOUNT_SYNC } from '../../src/application/reactors/accountSync.js';
import { call, openShop, startFullApp, type FullApp, type Shop } from '../support/fullApp.js';

/**
 * A command handler updates the login right after its append. These tests append the event
 * alone, as if the process had died in between, and watch the account-sync reactor (running in
 * the background as in main.ts) bring the login in step.
 */
describe('logins follow the log even when a handler died after its append', () => {
  let full: FullApp;
  let shop: Shop;
  beforeAll(async () => {
    full = await startFullApp();
    shop = await openShop(full);
  });
  afterAll(async () => {
    await full.close();
  });

  const appendAlone = async (streamId: string, tenantId: string, type: string, data: Readonly<Record<string, unknown>>) => {
    const [last] = await full.eventStore.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    await full.eventStore.appendToStream(
      streamId,
      [{
        eventId: randomUUID(),
        type,
        schemaVersion: 1,
        tenantId,
        occurredAt: new Date(),
        data,
        metadata: { actor: { userId: shop.adminId, role: 'tenant_admin' }, correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null },
      }],
      { expectedRevision: last?.streamRevision ?? 'no_stream' },
    );
  };
  const readTenant = (token: string) => call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token });

  it('a suspension recorded without its account update still locks the employee out', async () => {
    expect((await readTenant(shop.tokens.manager)).statusCode).toBe(200);
    await appendAlone(`employee-${shop.tenantId}/${shop.managerId}`, shop.tenantId, 'EmployeeSuspended', { reason: 'till shortfall' });
    await expect.poll(async () => (await full.accounts.findById(shop.managerId))?.status, { timeout: 5_000 }).toBe('suspended');
    expect((await readTenant(shop.tokens.manager)).statusCode).toBe(401);
  });

  it('a role change and a device deactivation reach the logins the same way', async () => {
    await appendAlone(`employee-${shop.tenantId}/${shop.cashierId}`, shop.tenantId, 'EmployeeRoleChanged', { from: 'cashier', to: 'branch_manager' });
    await expect.poll(async () => (await full.accounts.findById(shop.cashierId))?.role, { timeout: 5_000 }).toBe('branch_manager');
    await appendAlone(`tenant-${shop.tenantId}`, shop.tenantId, 'DeviceDeactivated', { deviceId: shop.deviceId, reason: 'stolen', at: new Date().toISOString() });
    await expect.poll(() => full.accounts.isDeviceDeactivated(shop.tenantId as TenantId, shop.deviceId as DeviceId), { timeout: 5_000 }).toBe(true);
    const status = (await full.projections.status()).find((row) => row.name === ACCOUNT_SYNC);
    expect(status?.position).toEqual(await full.eventStore.headPosition());
  });
});
