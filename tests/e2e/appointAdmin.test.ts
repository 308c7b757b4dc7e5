import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents, ok, openShop, platformOwner, post, startApp, storedText, type Fixture } from './tenants.fixture.js';

describe('a new tenant gets its first admin from the platform owner', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startApp();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('appoints a tenant admin with a login, recorded with the platform owner as actor', async () => {
    const shop = await openShop(fixture.app, 'Fresh Start SARL');
    const body = { personalData: { name: 'Ada Admin', email: 'Ada@Example.com' }, password: 'a long enough secret' };
    const { id } = await ok(fixture.app, `/v1/tenants/${shop.tenantId}/admins`, { as: platformOwner, body });

    const hired = (await allEvents(fixture.eventStore)).find((e) => e.type === 'EmployeeHired' && e.data.employeeId === id);
    expect(hired?.data).toMatchObject({ role: 'tenant_admin', tenantId: shop.tenantId, branchIds: [] });
    expect(hired?.metadata.actor).toMatchObject({ userId: platformOwner.userId, role: 'platform_owner' });
    expect(fixture.accounts.calls.find((c) => c.method === 'reserve')?.args[0]).toMatchObject({ role: 'tenant_admin', email: 'ada@example.com', password: body.password });
    expect(await storedText(fixture.eventStore)).not.toContain(body.password);
  });

  it('is refused to anyone but the platform owner, and a role in the body is refused', async () => {
    const shop = await openShop(fixture.app, 'Other SARL');
    const body = { personalData: { name: 'Eve', email: 'eve@example.com' }, password: 'a long enough secret' };
    expect((await post(fixture.app, `/v1/tenants/${shop.tenantId}/admins`, { as: shop.admin, body })).statusCode).toBe(403);
    expect((await post(fixture.app, `/v1/tenants/${shop.tenantId}/admins`, { as: platformOwner, body: { ...body, role: 'platform_owner' } })).statusCode).toBe(400);
  });
});
