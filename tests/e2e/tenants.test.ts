import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../support/events.js';
import { allEvents, get, ok, openShop, platformOwner, post, principal, startApp, type Fixture } from './tenants.fixture.js';

describe('tenant routes', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startApp();
  });
  afterAll(async () => {
    await f.close();
  });

  it('a platform owner registers and activates a tenant; its admin reads it back with an ETag', async () => {
    const registered = await post(f.app, '/v1/tenants', {
      as: platformOwner,
      body: {
        legalName: 'Café du Port',
        currency: 'EUR',
        timeZone: 'Europe/Paris',
        priceMode: 'inclusive',
        taxRates: [{ name: 'TVA 10 %', basisPoints: 1000 }],
        discountApprovalThresholdBasisPoints: 1500,
      },
    });
    expect(registered.statusCode).toBe(200);
    const { id: tenantId, revision, position } = registered.json<{ id: string; revision: number; position: string }>();
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(revision).toBe(0);
    expect(position).toMatch(/^\d+\.\d+$/);
    expect(registered.headers.etag).toBe('"0"');

    const activated = await ok(f.app, `/v1/tenants/${tenantId}/activate`, { as: platformOwner });
    expect(activated).toMatchObject({ id: tenantId, revision: 1 });

    const admin = principal('tenant_admin', tenantId);
    const read = await get(f.app, `/v1/tenants/${tenantId}`, { as: admin });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toMatchObject({
      tenantId,
      status: 'active',
      legalName: 'Café du Port',
      settings: { currency: 'EUR', minorUnitExponent: 2, timeZone: 'Europe/Paris', priceMode: 'inclusive', discountApprovalThreshold: { basisPoints: 1500 } },
      taxRates: [{ name: 'TVA 10 %', basisPoints: 1000, status: 'active' }],
      branches: [],
      devices: [],
      activatedAt: expect.any(String) as unknown,
    });
  });

  it('a tenant admin opens a branch and registers a device; both read back as arrays', async () => {
    const shop = await openShop(f.app);
    const read = await get(f.app, `/v1/tenants/${shop.tenantId}`, { as: shop.admin });
    expect(read.json()).toMatchObject({
      branches: [{ branchId: shop.branchId, name: 'Centre', status: 'open' }],
      devices: [{ deviceId: shop.deviceId, branchId: shop.branchId, name: 'Till 1', status: 'active' }],
    });
    // Cashiers read their tenant too (tills need tax rates and currency).
    const cashier = principal('cashier', shop.tenantId, { branchIds: [shop.branchId] });
    expect((await get(f.app, `/v1/tenants/${shop.tenantId}`, { as: cashier })).statusCode).toBe(200);
  });

  it('settings, tax rates, branches and devices change through their resource URLs', async () => {
    const { tenantId, admin, branchId, deviceId } = await openShop(f.app);
    const base = `/v1/tenants/${tenantId}`;
    await ok(f.app, `${base}/legal-name`, { as: admin, body: { legalName: 'Martin & Fils SARL' } });
    await ok(f.app, `${base}/time-zone`, { as: admin, body: { timeZone: 'America/Argentina/Buenos_Aires' } });
    await ok(f.app, `${base}/price-mode`, { as: admin, body: { priceMode: 'exclusive' } });
    await ok(f.app, `${base}/discount-threshold`, { as: admin, body: { basisPoints: 2500 } });
    const reduced = await ok(f.app, `${base}/tax-rates`, { as: admin, body: { taxRateId: 'reduced', name: 'TVA 5,5 %', basisPoints: 550 } });
    expect(reduced.id).toBe('reduced');
    await ok(f.app, `${base}/tax-rates/reduced`, { as: admin, body: { basisPoints: 600 } });
    await ok(f.app, `${base}/tax-rates/standard/retire`, { as: admin });
    await ok(f.app, `${base}/branches/${branchId}/rename`, { as: admin, body: { name: 'Centre-ville' } });
    await ok(f.app, `${base}/devices/${deviceId}/rename`, { as: admin, body: { name: 'Caisse 1' } });
    const { id: second } = await ok(f.app, `${base}/branches`, { as: admin, body: { name: 'Gare' } });
    await ok(f.app, `${base}/branches/${second}/close`, { as: admin });

    const view = (await get(f.app, base, { as: admin })).json<Record<string, unknown>>();
    expect(view).toMatchObject({
      legalName: 'Martin & Fils SARL',
      settings: { timeZone: 'America/Argentina/Buenos_Aires', priceMode: 'exclusive', discountApprovalThreshold: { basisPoints: 2500 } },
      taxRates: [
        { taxRateId: 'standard', status: 'retired' },
        { taxRateId: 'reduced', basisPoints: 600, status: 'active' },
      ],
      branches: [
        { branchId, name: 'Centre-ville', status: 'open' },
        { branchId: second, status: 'closed' },
      ],
      devices: [{ deviceId, name: 'Caisse 1' }],
    });
  });

  it('a time zone the runtime does not know is a 422; so is the currency of a tenant that has sold', async () => {
    const { tenantId, admin } = await openShop(f.app);
    const zone = await post(f.app, `/v1/tenants/${tenantId}/time-zone`, { as: admin, body: { timeZone: 'Europe/Atlantis' } });
    expect(zone.statusCode).toBe(422);
    expect(zone.json()).toMatchObject({ code: 'INVALID_TIME_ZONE' });
    const register = await post(f.app, '/v1/tenants', {
      as: platformOwner,
      body: { legalName: 'X', currency: 'EUR', timeZone: 'Mars/Olympus', priceMode: 'inclusive', discountApprovalThresholdBasisPoints: 0 },
    });
    expect(register.statusCode).toBe(422);

    // Active but no sale yet: the currency may still change. Another tenant's order does not count.
    const other = await openShop(f.app, 'Other Shop');
    const openOrder = (forTenant: string) =>
      f.eventStore.appendToStream(
        `order-${forTenant}/${randomUUID()}`,
        [{ ...anEvent({ tenantId: forTenant, type: 'OrderOpened' }), data: { orderId: 'o', tenantId: forTenant, currency: 'EUR', priceMode: 'inclusive' } }],
        { expectedRevision: 'no_stream' },
      );
    await openOrder(other.tenantId);
    expect((await post(f.app, `/v1/tenants/${tenantId}/currency`, { as: admin, body: { currency: 'CHF' } })).statusCode).toBe(200);
    // Once a till opened an order (even one never paid), the currency is fixed.
    await openOrder(tenantId);
    const currency = await post(f.app, `/v1/tenants/${tenantId}/currency`, { as: admin, body: { currency: 'EUR' } });
    expect(currency.statusCode).toBe(409);
    expect(currency.json()).toMatchObject({ code: 'CURRENCY_FIXED_AFTER_SALES' });
    expect((await get(f.app, `/v1/tenants/${tenantId}`, { as: admin })).json()).toMatchObject({ settings: { currency: 'CHF' } });
  });

  it('a tenant never activated may still change its currency', async () => {
    const { id: tenantId } = await ok(f.app, '/v1/tenants', {
      as: platformOwner,
      body: { legalName: 'Setup Ltd', currency: 'GBP', timeZone: 'Europe/London', priceMode: 'inclusive', discountApprovalThresholdBasisPoints: 0 },
    });
    const admin = principal('tenant_admin', tenantId);
    await ok(f.app, `/v1/tenants/${tenantId}/currency`, { as: admin, body: { currency: 'EUR' } });
    const view = (await get(f.app, `/v1/tenants/${tenantId}`, { as: admin })).json<{ status: string; settings: { currency: string } }>();
    expect(view).toMatchObject({ status: 'registered', settings: { currency: 'EUR' } });
  });

  it('a tenant admin of another tenant gets 404 on every resource of this one, and nothing is written', async () => {
    const { tenantId, branchId, deviceId } = await openShop(f.app);
    const other = await openShop(f.app, 'Other Shop');
    const intruder = other.admin;
    const before = (await allEvents(f.eventStore)).length;
    const base = `/v1/tenants/${tenantId}`;
    const attempts: readonly [string, unknown][] = [
      [`${base}/legal-name`, { legalName: 'Mine now' }],
      [`${base}/currency`, { currency: 'USD' }],
      [`${base}/time-zone`, { timeZone: 'UTC' }],
      [`${base}/price-mode`, { priceMode: 'exclusive' }],
      [`${base}/discount-threshold`, { basisPoints: 0 }],
      [`${base}/tax-rates`, { name: 'Zero', basisPoints: 0 }],
      [`${base}/tax-rates/standard`, { basisPoints: 0 }],
      [`${base}/tax-rates/standard/retire`, undefined],
      [`${base}/branches`, { name: 'Annex' }],
      [`${base}/branches/${branchId}/rename`, { name: 'Stolen' }],
      [`${base}/branches/${branchId}/close`, undefined],
      [`${base}/devices`, { branchId, name: 'Rogue till' }],
      [`${base}/devices/${deviceId}/rename`, { name: 'Rogue' }],
      [`${base}/devices/${deviceId}/deactivate`, { reason: 'because' }],
    ];
    for (const [url, body] of attempts) {
      const response = await post(f.app, url, { as: intruder, body });
      expect(response.statusCode, url).toBe(404);
      // With a pinned revision too: the answer must not reveal the revision.
      const pinned = await post(f.app, url, { as: intruder, body, headers: { 'if-match': '"3"' } });
      expect(pinned.statusCode, url).toBe(404);
    }
    expect((await get(f.app, base, { as: intruder })).statusCode).toBe(404);
    expect((await get(f.app, `/v1/tenants/${crypto.randomUUID()}`, { as: intruder })).statusCode).toBe(404);
    expect((await allEvents(f.eventStore)).length).toBe(before);
    expect(f.accounts.callsOf('deactivateDevice').some(([t]) => t === tenantId)).toBe(false);
  });

  it('a cashier or manager gets 403 on admin routes; a tenant admin on platform routes', async () => {
    const { tenantId, admin, branchId } = await openShop(f.app);
    const cashier = principal('cashier', tenantId, { branchIds: [branchId] });
    const manager = principal('branch_manager', tenantId, { branchIds: [branchId] });
    for (const as of [cashier, manager]) {
      const response = await post(f.app, `/v1/tenants/${tenantId}/branches`, { as, body: { name: 'Annex' } });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    }
    expect((await post(f.app, `/v1/tenants/${tenantId}/suspend`, { as: admin, body: { reason: 'no' } })).statusCode).toBe(403);
    const register = await post(f.app, '/v1/tenants', {
      as: admin,
      body: { legalName: 'X', currency: 'EUR', timeZone: 'UTC', priceMode: 'inclusive', discountApprovalThresholdBasisPoints: 0 },
    });
    expect(register.statusCode).toBe(403);
  });

  it('If-Match with a stale revision answers 412 and writes nothing; the current one goes through', async () => {
    const { tenantId, admin } = await openShop(f.app);
    const read = await get(f.app, `/v1/tenants/${tenantId}`, { as: admin });
    const etag = read.headers.etag;
    expect(etag).toBe('"3"');
    await ok(f.app, `/v1/tenants/${tenantId}/legal-name`, { as: admin, body: { legalName: 'Changed by someone else' } });
    const stale = await post(f.app, `/v1/tenants/${tenantId}/legal-name`, { as: admin, body: { legalName: 'Mine' }, headers: { 'if-match': String(etag) } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'REVISION_MISMATCH' });
    const fresh = await post(f.app, `/v1/tenants/${tenantId}/legal-name`, { as: admin, body: { legalName: 'Mine' }, headers: { 'if-match': '"4"' } });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe('"5"');
  });

  it('a body naming a tenantId or any unknown key is a 400', async () => {
    const { tenantId, admin } = await openShop(f.app);
    const branch = await post(f.app, `/v1/tenants/${tenantId}/branches`, { as: admin, body: { name: 'Annex', tenantId } });
    expect(branch.statusCode).toBe(400);
    expect(branch.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const register = await post(f.app, '/v1/tenants', {
      as: platformOwner,
      body: { tenantId, legalName: 'X', currency: 'EUR', timeZone: 'UTC', priceMode: 'inclusive', discountApprovalThresholdBasisPoints: 0 },
    });
    expect(register.statusCode).toBe(400);
    const activate = await post(f.app, `/v1/tenants/${tenantId}/reinstate`, { as: platformOwner, body: { tenantId } });
    expect(activate.statusCode).toBe(400);
    const fractional = await post(f.app, `/v1/tenants/${tenantId}/discount-threshold`, { as: admin, body: { basisPoints: 12.5 } });
    expect(fractional.statusCode).toBe(400);
  });

  it('deactivating a device records it and tells Accounts so the till’s tokens stop working', async () => {
    const { tenantId, admin, branchId, deviceId } = await openShop(f.app);
    await ok(f.app, `/v1/tenants/${tenantId}/devices/${deviceId}/deactivate`, { as: admin, body: { reason: 'stolen' } });
    expect(f.accounts.callsOf('deactivateDevice')).toContainEqual([tenantId, deviceId]);
    const again = await post(f.app, `/v1/tenants/${tenantId}/devices/${deviceId}/deactivate`, { as: admin, body: { reason: 'stolen' } });
    expect(again.statusCode).toBe(409);
    // The branch can close once it has no active device.
    await ok(f.app, `/v1/tenants/${tenantId}/branches/${branchId}/close`, { as: admin });
  });

  it('the platform owner suspends, reinstates and closes; a suspended tenant takes no settings', async () => {
    const { tenantId, admin } = await openShop(f.app);
    await ok(f.app, `/v1/tenants/${tenantId}/suspend`, { as: platformOwner, body: { reason: 'unpaid invoices' } });
    const refused = await post(f.app, `/v1/tenants/${tenantId}/legal-name`, { as: admin, body: { legalName: 'Sneaky' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'TENANT_SUSPENDED' });
    expect((await get(f.app, `/v1/tenants/${tenantId}`, { as: admin })).json()).toMatchObject({ status: 'suspended', suspensionReason: 'unpaid invoices' });
    await ok(f.app, `/v1/tenants/${tenantId}/reinstate`, { as: platformOwner });
    await ok(f.app, `/v1/tenants/${tenantId}/close`, { as: platformOwner, body: { reason: 'contract ended' } });
    expect((await get(f.app, `/v1/tenants/${tenantId}`, { as: admin })).json()).toMatchObject({ status: 'closed', closureReason: 'contract ended' });
    expect((await post(f.app, `/v1/tenants/${crypto.randomUUID()}/activate`, { as: platformOwner })).statusCode).toBe(404);
    expect((await post(f.app, `/v1/tenants/${tenantId}/suspend`, { as: platformOwner })).statusCode).toBe(400);
  });

  it('documents every route in the OpenAPI document', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/tenants',
        '/v1/tenants/{tenantId}',
        '/v1/tenants/{tenantId}/devices/{deviceId}/deactivate',
        '/v1/employees',
        '/v1/employees/{employeeId}/drawer/close',
      ]),
    );
  });
});
