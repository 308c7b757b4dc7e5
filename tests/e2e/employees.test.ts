import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEmployeeRoutes } from '../../src/infrastructure/http/routes/employees.js';
import type { Principal } from '../../src/application/principal.js';
import { allEvents, get, ok, openShop, platformOwner, post, principal, startApp, storedText, type Fixture, type Shop } from './tenants.fixture.js';

const PASSWORD = 'correct horse battery staple';
const PIN = '86420975';

describe('employee routes', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startApp();
  });
  afterAll(async () => {
    await f.close();
  });

  /** Hires a cashier at the shop's branch; answers the id and the principal of their till session. */
  async function hireCashier(shop: Shop, more: Readonly<{ deviceIds?: string[]; email?: string }> = {}): Promise<{ employeeId: string; cashier: Principal }> {
    const { id: employeeId } = await ok(f.app, '/v1/employees', {
      as: shop.admin,
      body: {
        personalData: { name: 'Léa Dubois', email: more.email ?? `Lea.${crypto.randomUUID()}@Example.com`, phone: '+33 6 12 34 56 78' },
        role: 'cashier',
        branchIds: [shop.branchId],
        deviceIds: more.deviceIds ?? [shop.deviceId],
      },
    });
    const cashier = principal('cashier', shop.tenantId, { employeeId, deviceId: shop.deviceId, branchIds: [shop.branchId] });
    return { employeeId, cashier };
  }

  it('a tenant admin hires a cashier with credentials that reach Accounts and no event', async () => {
    const shop = await openShop(f.app);
    const hired = await post(f.app, '/v1/employees', {
      as: shop.admin,
      body: {
        personalData: { name: 'Léa Dubois', email: 'Lea.Dubois@Example.com' },
        role: 'cashier',
        branchIds: [shop.branchId],
        deviceIds: [shop.deviceId],
        password: PASSWORD,
        pin: PIN,
      },
    });
    expect(hired.statusCode).toBe(200);
    const { id: employeeId, revision } = hired.json<{ id: string; revision: number }>();
    expect(revision).toBe(0);
    expect(hired.headers.etag).toBe('"0"');

    expect(f.accounts.callsOf('reserve')).toContainEqual([
      {
        userId: employeeId,
        tenantId: shop.tenantId,
        employeeId,
        email: 'lea.dubois@example.com',
        role: 'cashier',
        branchIds: [shop.branchId],
        deviceIds: [shop.deviceId],
        password: PASSWORD,
        pin: PIN,
      },
    ]);
    const stored = await storedText(f.eventStore);
    expect(stored).toContain('EmployeeHired');
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(PIN);

    const view = await get(f.app, `/v1/employees/${employeeId}`, { as: shop.admin });
    expect(view.statusCode).toBe(200);
    expect(view.headers.etag).toBe('"0"');
    expect(view.json()).toEqual({
      employeeId,
      tenantId: shop.tenantId,
      status: 'active',
      role: 'cashier',
      branchIds: [shop.branchId],
      deviceIds: [shop.deviceId],
      personalData: { name: 'Léa Dubois', email: 'lea.dubois@example.com', phone: null },
      personalDataStatus: 'visible',
      statusReason: null,
      shift: null,
      lastClosedDrawer: null,
    });
  });

  it('binds and unbinds a device, keeping the login in step', async () => {
    const shop = await openShop(f.app);
    const { employeeId } = await hireCashier(shop, { deviceIds: [] });
    const { id: secondDevice } = await ok(f.app, `/v1/tenants/${shop.tenantId}/devices`, { as: shop.admin, body: { branchId: shop.branchId, name: 'Till 2' } });
    await ok(f.app, `/v1/employees/${employeeId}/devices`, { as: shop.admin, body: { deviceId: shop.deviceId } });
    await ok(f.app, `/v1/employees/${employeeId}/devices`, { as: shop.admin, body: { deviceId: secondDevice } });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([
      employeeId,
      { role: 'cashier', branchIds: [shop.branchId], deviceIds: [shop.deviceId, secondDevice], status: 'active' },
    ]);
    await ok(f.app, `/v1/employees/${employeeId}/devices/${shop.deviceId}/unbind`, { as: shop.admin });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([employeeId, expect.objectContaining({ deviceIds: [secondDevice] })]);

    // Role change ends the bindings; the login follows.
    await ok(f.app, `/v1/employees/${employeeId}/role`, { as: shop.admin, body: { role: 'branch_manager' } });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([employeeId, expect.objectContaining({ role: 'branch_manager', deviceIds: [] })]);
  });

  it('assigns and unassigns branches; unassigning ends the bindings to that branch’s tills', async () => {
    const shop = await openShop(f.app);
    const { id: annex } = await ok(f.app, `/v1/tenants/${shop.tenantId}/branches`, { as: shop.admin, body: { name: 'Annex' } });
    const { id: annexTill } = await ok(f.app, `/v1/tenants/${shop.tenantId}/devices`, { as: shop.admin, body: { branchId: annex, name: 'Annex till' } });
    const { employeeId } = await hireCashier(shop);
    await ok(f.app, `/v1/employees/${employeeId}/branches`, { as: shop.admin, body: { branchId: annex } });
    await ok(f.app, `/v1/employees/${employeeId}/devices`, { as: shop.admin, body: { deviceId: annexTill } });
    await ok(f.app, `/v1/employees/${employeeId}/branches/${annex}/unassign`, { as: shop.admin });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([
      employeeId,
      { role: 'cashier', branchIds: [shop.branchId], deviceIds: [shop.deviceId], status: 'active' },
    ]);
  });

  it('hiring checks branches and devices against the tenant', async () => {
    const shop = await openShop(f.app);
    const { id: annex } = await ok(f.app, `/v1/tenants/${shop.tenantId}/branches`, { as: shop.admin, body: { name: 'Annex' } });
    const hire = (branchIds: string[], deviceIds: string[]) =>
      post(f.app, '/v1/employees', {
        as: shop.admin,
        body: { personalData: { name: 'A', email: `a.${crypto.randomUUID()}@example.com` }, role: 'cashier', branchIds, deviceIds },
      });
    expect((await hire(['no-such-branch'], [])).statusCode).toBe(404);
    const outside = await hire([annex], [shop.deviceId]);
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'DEVICE_OUTSIDE_BRANCHES' });
    expect((await hire([shop.branchId], ['no-such-device'])).statusCode).toBe(404);
  });

  it('a tenant admin of another tenant gets 404 on every employee resource, and nothing is written', async () => {
    const shop = await openShop(f.app);
    const { employeeId } = await hireCashier(shop);
    const intruder = (await openShop(f.app, 'Rival')).admin;
    const before = (await allEvents(f.eventStore)).length;
    const accountCalls = f.accounts.calls.length;
    const base = `/v1/employees/${employeeId}`;
    const attempts: readonly [string, unknown][] = [
      [`${base}/role`, { role: 'tenant_admin' }],
      [`${base}/branches`, { branchId: shop.branchId }],
      [`${base}/branches/${shop.branchId}/unassign`, undefined],
      [`${base}/devices`, { deviceId: shop.deviceId }],
      [`${base}/devices/${shop.deviceId}/unbind`, undefined],
      [`${base}/suspend`, { reason: 'x' }],
      [`${base}/reinstate`, undefined],
      [`${base}/terminate`, { reason: 'x' }],
      [`${base}/forget`, undefined],
      [`${base}/credentials`, { password: 'a-new-password-123' }],
      [`${base}/clock-in`, { branchId: shop.branchId }],
      [`${base}/clock-out`, undefined],
      [`${base}/drawer/open`, { deviceId: shop.deviceId, floatAmount: 10_000 }],
      [`${base}/drawer/cash-in`, { amount: 100, reason: 'x' }],
      [`${base}/drawer/cash-out`, { amount: 100, reason: 'x' }],
      [`${base}/drawer/close`, { countedAmount: 0 }],
    ];
    for (const [url, body] of attempts) {
      const response = await post(f.app, url, { as: intruder, body });
      expect(response.statusCode, url).toBe(404);
    }
    expect((await get(f.app, base, { as: intruder })).statusCode).toBe(404);
    expect((await allEvents(f.eventStore)).length).toBe(before);
    expect(f.accounts.calls.length).toBe(accountCalls);
  });

  it('a cashier gets 403 on admin routes', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    const hire = await post(f.app, '/v1/employees', {
      as: cashier,
      body: { personalData: { name: 'B', email: 'b@example.com' }, role: 'tenant_admin', branchIds: [] },
    });
    expect(hire.statusCode).toBe(403);
    for (const [url, body] of [
      [`/v1/employees/${employeeId}/role`, { role: 'tenant_admin' }],
      [`/v1/employees/${employeeId}/suspend`, { reason: 'x' }],
      [`/v1/employees/${employeeId}/forget`, undefined],
    ] as const) {
      expect((await post(f.app, url, { as: cashier, body })).statusCode, url).toBe(403);
    }
  });

  it('a body carrying tenantId or a role that may not be given is a 400', async () => {
    const shop = await openShop(f.app);
    const body = { personalData: { name: 'C', email: 'c@example.com' }, role: 'cashier', branchIds: [shop.branchId] };
    expect((await post(f.app, '/v1/employees', { as: shop.admin, body: { ...body, tenantId: shop.tenantId } })).statusCode).toBe(400);
    expect((await post(f.app, '/v1/employees', { as: shop.admin, body: { ...body, role: 'platform_owner' } })).statusCode).toBe(400);
    expect((await post(f.app, '/v1/employees', { as: shop.admin, body: { ...body, password: 'short' } })).statusCode).toBe(400);
    expect((await post(f.app, '/v1/employees', { as: shop.admin, body: { ...body, pin: '12ab' } })).statusCode).toBe(400);
    const { employeeId } = await hireCashier(shop);
    expect((await post(f.app, `/v1/employees/${employeeId}/role`, { as: shop.admin, body: { role: 'platform_owner' } })).statusCode).toBe(400);
    expect(f.accounts.callsOf('reserve').some(([account]) => (account as { email: string }).email === 'c@example.com')).toBe(false);
  });

  it('suspending calls accounts.update with status suspended; reinstating and terminating follow', async () => {
    const shop = await openShop(f.app);
    const { employeeId } = await hireCashier(shop);
    await ok(f.app, `/v1/employees/${employeeId}/suspend`, { as: shop.admin, body: { reason: 'investigation' } });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([employeeId, expect.objectContaining({ status: 'suspended' })]);
    await ok(f.app, `/v1/employees/${employeeId}/reinstate`, { as: shop.admin });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([employeeId, expect.objectContaining({ status: 'active' })]);
    await ok(f.app, `/v1/employees/${employeeId}/terminate`, { as: shop.admin, body: { reason: 'left' } });
    expect(f.accounts.callsOf('update').at(-1)).toEqual([employeeId, expect.objectContaining({ status: 'terminated' })]);
    const view = (await get(f.app, `/v1/employees/${employeeId}`, { as: shop.admin })).json<{ status: string; statusReason: string }>();
    expect(view).toMatchObject({ status: 'terminated', statusReason: 'left' });
  });

  it('If-Match with a stale revision answers 412', async () => {
    const shop = await openShop(f.app);
    const { employeeId } = await hireCashier(shop);
    const stale = await post(f.app, `/v1/employees/${employeeId}/suspend`, { as: shop.admin, body: { reason: 'x' }, headers: { 'if-match': '"7"' } });
    expect(stale.statusCode).toBe(412);
    const current = await post(f.app, `/v1/employees/${employeeId}/suspend`, { as: shop.admin, body: { reason: 'x' }, headers: { 'if-match': '"0"' } });
    expect(current.statusCode).toBe(200);
  });

  it('personal data shows to tenant admins only, and reads as forgotten after erasure', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    const own = (await get(f.app, `/v1/employees/${employeeId}`, { as: cashier })).json<Record<string, unknown>>();
    expect(own).toMatchObject({ personalData: null, personalDataStatus: 'redacted' });
    const manager = principal('branch_manager', shop.tenantId, { branchIds: [shop.branchId] });
    expect((await get(f.app, `/v1/employees/${employeeId}`, { as: manager })).json()).toMatchObject({ personalDataStatus: 'redacted' });
    const elsewhere = principal('branch_manager', shop.tenantId, { branchIds: ['another-branch'] });
    expect((await get(f.app, `/v1/employees/${employeeId}`, { as: elsewhere })).statusCode).toBe(403);
    const colleague = principal('cashier', shop.tenantId, { employeeId: 'someone-else', branchIds: [shop.branchId] });
    expect((await get(f.app, `/v1/employees/${employeeId}`, { as: colleague })).statusCode).toBe(403);

    await ok(f.app, `/v1/employees/${employeeId}/forget`, { as: shop.admin });
    expect(f.accounts.callsOf('forget')).toContainEqual([employeeId]);
    expect((await get(f.app, `/v1/employees/${employeeId}`, { as: shop.admin })).json()).toMatchObject({ personalData: null, personalDataStatus: 'forgotten' });
  });

  it('credentials are set by the employee themself or a tenant admin, never by a colleague', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    const own = await post(f.app, `/v1/employees/${employeeId}/credentials`, { as: cashier, body: { pin: '2468' } });
    expect(own.statusCode).toBe(204);
    expect(f.accounts.callsOf('setCredentials').at(-1)).toEqual([employeeId, { pin: '2468' }]);
    expect((await post(f.app, `/v1/employees/${employeeId}/credentials`, { as: shop.admin, body: { password: PASSWORD } })).statusCode).toBe(204);
    const colleague = principal('branch_manager', shop.tenantId, { employeeId: 'boss', branchIds: [shop.branchId] });
    expect((await post(f.app, `/v1/employees/${employeeId}/credentials`, { as: colleague, body: { pin: '1357' } })).statusCode).toBe(403);
    expect((await post(f.app, `/v1/employees/${employeeId}/credentials`, { as: cashier, body: {} })).statusCode).toBe(400);
    expect((await post(f.app, `/v1/employees/${employeeId}/credentials`, { as: cashier, body: { password: 'short' } })).statusCode).toBe(400);
    expect(await storedText(f.eventStore)).not.toContain(PASSWORD);
  });

  it('a cashier runs their shift and drawer on their till; a manager closes the drawer', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    const base = `/v1/employees/${employeeId}`;
    const { id: shiftId } = await ok(f.app, `${base}/clock-in`, { as: cashier, body: { branchId: shop.branchId } });
    const { id: drawerId } = await ok(f.app, `${base}/drawer/open`, { as: cashier, body: { deviceId: shop.deviceId, floatAmount: 15_000 } });
    const cashIn = await ok(f.app, `${base}/drawer/cash-in`, { as: cashier, body: { movementId: 'm-1', amount: 5_000, reason: 'change from the bank' } });
    expect(cashIn.id).toBe('m-1');
    const replay = await post(f.app, `${base}/drawer/cash-in`, { as: cashier, body: { movementId: 'm-1', amount: 5_000, reason: 'change from the bank' } });
    expect(replay.statusCode).toBe(409);
    await ok(f.app, `${base}/drawer/cash-out`, { as: cashier, body: { amount: 2_000, reason: 'flowers for the shop' } });
    const tooMuch = await post(f.app, `${base}/drawer/cash-out`, { as: cashier, body: { amount: 99_000, reason: 'x' } });
    expect(tooMuch.json()).toMatchObject({ code: 'INSUFFICIENT_CASH_IN_DRAWER' });
    const fractional = await post(f.app, `${base}/drawer/cash-in`, { as: cashier, body: { amount: 10.5, reason: 'x' } });
    expect(fractional.statusCode).toBe(400);

    const view = (await get(f.app, base, { as: cashier })).json<Record<string, unknown>>();
    expect(view).toMatchObject({ shift: { shiftId, branchId: shop.branchId, deviceId: shop.deviceId, drawer: { drawerId, float: 15_000, cashIn: 5_000, cashOut: 2_000 } } });

    // A cashier may not close their own drawer, nor act on another till or for someone else.
    expect((await post(f.app, `${base}/drawer/close`, { as: cashier, body: { countedAmount: 18_000 } })).statusCode).toBe(403);
    const otherTill = { ...cashier, deviceId: 'another-till' } as Principal;
    expect((await post(f.app, `${base}/drawer/cash-in`, { as: otherTill, body: { amount: 1, reason: 'x' } })).json()).toMatchObject({ code: 'OUTSIDE_YOUR_DEVICE' });
    const colleague = principal('cashier', shop.tenantId, { employeeId: 'colleague', deviceId: shop.deviceId, branchIds: [shop.branchId] });
    expect((await post(f.app, `${base}/drawer/cash-in`, { as: colleague, body: { amount: 1, reason: 'x' } })).statusCode).toBe(403);
    const farManager = principal('branch_manager', shop.tenantId, { employeeId: 'far', branchIds: ['elsewhere'] });
    expect((await post(f.app, `${base}/drawer/close`, { as: farManager, body: { countedAmount: 18_000 } })).statusCode).toBe(403);

    const manager = principal('branch_manager', shop.tenantId, { employeeId: 'boss', branchIds: [shop.branchId] });
    await ok(f.app, `${base}/drawer/close`, { as: manager, body: { countedAmount: 17_900 } });
    const closed = (await allEvents(f.eventStore)).filter((e) => e.type === 'DrawerClosed').at(-1);
    expect(closed?.data).toMatchObject({ drawerId, float: 15_000, cashIn: 5_000, cashOut: 2_000, cashSales: 0, expected: 18_000, counted: 17_900, variance: -100 });
    await ok(f.app, `${base}/clock-out`, { as: cashier });
    expect((await get(f.app, base, { as: cashier })).json()).toMatchObject({ shift: null });
  });

  it('after the close the employee’s GET shows the last closed drawer with its reckoning, and its next one once closed', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    const base = `/v1/employees/${employeeId}`;
    const manager = principal('branch_manager', shop.tenantId, { employeeId: 'boss', branchIds: [shop.branchId] });
    await ok(f.app, `${base}/clock-in`, { as: cashier, body: { branchId: shop.branchId } });
    expect((await get(f.app, base, { as: cashier })).json()).toMatchObject({ lastClosedDrawer: null });
    const { id: first } = await ok(f.app, `${base}/drawer/open`, { as: cashier, body: { deviceId: shop.deviceId, floatAmount: 10_000 } });
    await ok(f.app, `${base}/drawer/cash-in`, { as: cashier, body: { amount: 2_500, reason: 'coins' } });
    await ok(f.app, `${base}/drawer/cash-out`, { as: cashier, body: { amount: 500, reason: 'bank' } });
    await ok(f.app, `${base}/drawer/close`, { as: manager, body: { countedAmount: 11_900 } });
    const closed = (await allEvents(f.eventStore)).filter((e) => e.type === 'DrawerClosed').at(-1);
    const afterClose = (await get(f.app, base, { as: cashier })).json<Record<string, unknown>>();
    expect(afterClose).toMatchObject({
      shift: { drawer: null },
      lastClosedDrawer: {
        drawerId: first, deviceId: shop.deviceId, float: 10_000, cashIn: 2_500, cashOut: 500, cashSales: 0, expected: 12_000, counted: 11_900, variance: -100,
        closedAt: closed?.data.at, closedBy: 'boss', link: `/v1/drawers/${first}`,
      },
    });
    // Still shown after clocking out; a later close replaces it.
    await ok(f.app, `${base}/drawer/open`, { as: cashier, body: { deviceId: shop.deviceId, floatAmount: 0 } }).then(async ({ id: second }) => {
      await ok(f.app, `${base}/drawer/close`, { as: manager, body: { countedAmount: 0 } });
      await ok(f.app, `${base}/clock-out`, { as: cashier });
      expect((await get(f.app, base, { as: cashier })).json()).toMatchObject({ shift: null, lastClosedDrawer: { drawerId: second, variance: 0 } });
    });
  });

  it('shift commands need an active tenant', async () => {
    const shop = await openShop(f.app);
    const { employeeId, cashier } = await hireCashier(shop);
    await ok(f.app, `/v1/tenants/${shop.tenantId}/suspend`, { as: platformOwner, body: { reason: 'unpaid' } });
    const response = await post(f.app, `/v1/employees/${employeeId}/clock-in`, { as: cashier, body: { branchId: shop.branchId } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'TENANT_NOT_ACTIVE' });
  });

  it('shift and drawer routes require an Idempotency-Key from cashiers; closing is for managers', () => {
    const configs = new Map<string, unknown>();
    const bare = Fastify();
    bare.addHook('onRoute', (route) => {
      configs.set(`${String(route.method)} ${route.url}`, route.config);
    });
    registerEmployeeRoutes(bare, {
      eventStore: f.eventStore,
      accounts: f.accounts,
      clock: { now: () => new Date() },
      ids: { uuid: () => crypto.randomUUID() },
      drawerCash: { cashSalesOf: () => Promise.resolve(0) },
      personalData: f.personalData,
    });
    for (const path of ['clock-in', 'clock-out', 'drawer/open', 'drawer/cash-in', 'drawer/cash-out', 'drawer/close']) {
      expect(configs.get(`POST /v1/employees/:employeeId/${path}`), path).toMatchObject({ idempotency: 'required-for-cashiers' });
    }
    expect(configs.get('POST /v1/employees/:employeeId/drawer/close')).toMatchObject({ permission: { roles: ['branch_manager', 'tenant_admin'] } });
  });
});
