import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, PIN, TENANT_BODY, call, command, login, pinLogin, appointTenantAdmin, startFullApp, type CallOptions, type FullApp } from '../support/fullApp.js';

/**
 * A day in a shop over the real HTTP API and real tokens: the platform owner sets up a tenant,
 * its admin sets up the shop, a cashier sells on a till, a manager refunds, voids and counts
 * the drawer. Each step depends on the one before (the tests run in order).
 */
describe('a shift from set-up to the drawer count', () => {
  let full: FullApp;
  const t = { owner: '', admin: '', manager: '', cashier: '' };
  const ids = { tenant: '', branch: '', device: '', cashier: '', manager: '', drawer: '' };

  beforeAll(async () => {
    full = await startFullApp();
  });
  afterAll(async () => {
    await full.close();
  });

  /** Every command from the till carries an Idempotency-Key (a cashier's must). */
  const atTill = (url: string, body?: unknown, more: CallOptions = {}) =>
    call(full.app, 'POST', url, { token: t.cashier, body, ...more, headers: { 'idempotency-key': randomUUID(), ...more.headers } });
  const read = (url: string, token = t.cashier) => call(full.app, 'GET', url, { token });
  const line = (lineId: string, unitPrice: number, quantity: number) => ({ lineId, sku: `SKU-${lineId}`, name: `Item ${lineId}`, unitPrice, quantity, taxRateId: 'standard' });

  async function sell(lines: readonly ReturnType<typeof line>[], tenders: readonly object[]): Promise<string> {
    const orderId = randomUUID();
    const opened = await atTill('/v1/orders', { orderId, branchId: ids.branch, deviceId: ids.device });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.headers.location).toBe(`/v1/orders/${orderId}`);
    for (const l of lines) expect((await atTill(`/v1/orders/${orderId}/lines`, l)).statusCode).toBe(200);
    for (const [i, tender] of tenders.entries()) {
      const paid = await atTill(`/v1/orders/${orderId}/payments`, { paymentId: `p${i}`, tender, drawerId: ids.drawer });
      expect(paid.statusCode, paid.body).toBe(200);
    }
    const done = await atTill(`/v1/orders/${orderId}/complete`);
    expect(done.statusCode, done.body).toBe(200);
    // open + lines + payments + completion: the ETag is the stream's last revision.
    const revision = lines.length + tenders.length + 1;
    expect(done.headers.etag).toBe(`"${revision}"`);
    const order = await read(`/v1/orders/${orderId}`);
    expect(order.statusCode).toBe(200);
    expect(order.headers.etag).toBe(`"${revision}"`);
    return orderId;
  }

  it('the platform owner signs in, registers and activates a tenant', async () => {
    const signIn = await call(full.app, 'POST', '/v1/auth/login', { body: { email: full.owner.email, password: full.owner.password } });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.headers['cache-control']).toBe('no-store');
    t.owner = signIn.json<{ accessToken: string }>().accessToken;

    const registered = await call(full.app, 'POST', '/v1/tenants', { token: t.owner, body: TENANT_BODY });
    expect(registered.statusCode).toBe(200);
    expect(registered.json()).toMatchObject({ revision: 0 });
    expect(registered.headers.etag).toBe('"0"');
    ids.tenant = registered.json<{ id: string }>().id;
    const activated = await call(full.app, 'POST', `/v1/tenants/${ids.tenant}/activate`, { token: t.owner, headers: { 'if-match': '"0"' } });
    expect(activated.statusCode).toBe(200);
    expect(activated.headers.etag).toBe('"1"');
  });

  it('a tenant admin is hired with a password and signs in', async () => {
    // The platform owner appoints the tenant's first admin; that admin hires this one.
    const founderEmail = `founder-${randomUUID()}@shop.example`;
    await appointTenantAdmin(full, t.owner, ids.tenant, founderEmail);
    const founder = (await login(full.app, founderEmail)).accessToken;
    const email = `Admin.${randomUUID()}@Shop.example`;
    await command(full.app, '/v1/employees', {
      token: founder,
      body: { personalData: { name: 'Inès Moreau', email }, role: 'tenant_admin', branchIds: [], password: PASSWORD },
    });
    t.admin = (await login(full.app, email.toLowerCase())).accessToken;
  });

  it('the admin opens a branch, registers a till, hires a cashier (PIN, bound to the till) and a manager', async () => {
    ids.branch = (await command(full.app, `/v1/tenants/${ids.tenant}/branches`, { token: t.admin, body: { name: 'Centre' } })).id;
    ids.device = (await command(full.app, `/v1/tenants/${ids.tenant}/devices`, { token: t.admin, body: { branchId: ids.branch, name: 'Till 1' } })).id;
    const tenant = await read(`/v1/tenants/${ids.tenant}`, t.admin);
    expect(tenant.headers.etag).toBe('"3"');
    expect(tenant.json()).toMatchObject({ status: 'active', branches: [{ branchId: ids.branch, status: 'open' }], devices: [{ deviceId: ids.device, branchId: ids.branch }] });

    const person = (name: string) => ({ name, email: `${name.split(' ')[0]?.toLowerCase()}-${randomUUID()}@shop.example` });
    const cashier = person('Léa Dubois');
    ids.cashier = (await command(full.app, '/v1/employees', {
      token: t.admin,
      body: { personalData: cashier, role: 'cashier', branchIds: [ids.branch], deviceIds: [ids.device], pin: PIN },
    })).id;
    const manager = person('Hugo Bernard');
    ids.manager = (await command(full.app, '/v1/employees', {
      token: t.admin,
      body: { personalData: manager, role: 'branch_manager', branchIds: [ids.branch], password: PASSWORD },
    })).id;
    t.manager = (await login(full.app, manager.email)).accessToken;
  });

  it('the cashier signs in with the PIN on the till, clocks in and opens the drawer with a float', async () => {
    t.cashier = (await pinLogin(full.app, { deviceId: ids.device, employeeId: ids.cashier, pin: PIN })).accessToken;
    const clockedIn = await atTill(`/v1/employees/${ids.cashier}/clock-in`, { branchId: ids.branch });
    expect(clockedIn.statusCode, clockedIn.body).toBe(200);
    const withoutKey = await call(full.app, 'POST', `/v1/employees/${ids.cashier}/drawer/open`, { token: t.cashier, body: { deviceId: ids.device, floatAmount: 10_000 } });
    expect(withoutKey.json()).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
    const opened = await atTill(`/v1/employees/${ids.cashier}/drawer/open`, { deviceId: ids.device, floatAmount: 10_000 });
    expect(opened.statusCode, opened.body).toBe(200);
    ids.drawer = opened.json<{ id: string }>().id;
    const me = await read(`/v1/employees/${ids.cashier}`);
    expect(me.json()).toMatchObject({ shift: { branchId: ids.branch, deviceId: ids.device, drawer: { drawerId: ids.drawer, float: 10_000 } } });
    expect(me.headers.etag).toBe('"2"');
  });

  let cashSale = '';
  let splitSale = '';

  it('sells for cash with change, by card, and split between cash and card; the server prices every order', async () => {
    cashSale = await sell([line('a1', 350, 2)], [{ method: 'cash', amount: 1_000 }]);
    const cash = (await read(`/v1/orders/${cashSale}`)).json<{ totals: { net: number; tax: number } }>();
    // Prices include 20 % tax: 700 = net + tax, the tax rounded half away from zero.
    expect(cash).toMatchObject({ status: 'completed', paid: 1_000, change: 300, due: 0, totals: { total: 700, tax: 117, net: 583 } });

    const cardSale = await sell([line('b1', 1_250, 1)], [{ method: 'card', amount: 1_250, processorReference: 'AUTH-0001' }]);
    expect((await read(`/v1/orders/${cardSale}`)).json()).toMatchObject({ status: 'completed', paid: 1_250, change: 0, totals: { total: 1_250 } });

    splitSale = await sell([line('c1', 450, 1), line('c2', 800, 1)], [{ method: 'cash', amount: 500 }, { method: 'card', amount: 750, processorReference: 'AUTH-0002' }]);
    const split = (await read(`/v1/orders/${splitSale}`)).json<{ payments: readonly unknown[] }>();
    expect(split).toMatchObject({ status: 'completed', paid: 1_250, change: 0, due: 0, totals: { total: 1_250 } });
    expect(split.payments).toHaveLength(2);
  });

  it('a retried command with the same Idempotency-Key is answered from the first answer and writes nothing', async () => {
    const orderId = randomUUID();
    const key = randomUUID();
    const first = await atTill('/v1/orders', { orderId, branchId: ids.branch, deviceId: ids.device }, { headers: { 'idempotency-key': key } });
    expect(first.statusCode).toBe(201);
    const events = await full.countEvents();
    const retry = await atTill('/v1/orders', { orderId, branchId: ids.branch, deviceId: ids.device }, { headers: { 'idempotency-key': key } });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.body).toBe(first.body);
    expect(await full.countEvents()).toBe(events);
    // The same key on another request is refused, not replayed.
    const reused = await atTill(`/v1/orders/${orderId}/void`, { reason: 'x' }, { headers: { 'idempotency-key': key } });
    expect(reused.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('the manager refunds a line of a completed order', async () => {
    const cashierTries = await atTill(`/v1/orders/${splitSale}/refunds`, { refundId: 'r1', scope: { kind: 'whole' }, method: 'cash', reason: 'Cold coffee' });
    expect(cashierTries.json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    const refunded = await call(full.app, 'POST', `/v1/orders/${splitSale}/refunds`, {
      token: t.manager,
      headers: { 'idempotency-key': randomUUID(), 'if-match': '"5"' },
      body: { refundId: 'r1', scope: { kind: 'lines', lines: [{ lineId: 'c1', quantity: 1 }] }, method: 'cash', reason: 'Cold coffee', drawerId: ids.drawer },
    });
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.headers.etag).toBe('"6"');
    const order = await read(`/v1/orders/${splitSale}`, t.manager);
    expect(order.headers.etag).toBe('"6"');
    expect(order.json()).toMatchObject({ status: 'completed', refunded: 450, refunds: [{ refundId: 'r1', amount: 450, method: 'cash' }] });
  });

  it('an open order with a line is voided by the manager, not the cashier', async () => {
    const orderId = randomUUID();
    expect((await atTill('/v1/orders', { orderId, branchId: ids.branch, deviceId: ids.device })).statusCode).toBe(201);
    expect((await atTill(`/v1/orders/${orderId}/lines`, line('d1', 990, 1))).statusCode).toBe(200);
    const byCashier = await atTill(`/v1/orders/${orderId}/void`, { reason: 'Customer left' });
    expect(byCashier.json()).toMatchObject({ status: 403, code: 'VOID_REQUIRES_MANAGER' });
    const voided = await call(full.app, 'POST', `/v1/orders/${orderId}/void`, { token: t.manager, body: { reason: 'Customer left' } });
    expect(voided.statusCode, voided.body).toBe(200);
    const order = await read(`/v1/orders/${orderId}`);
    expect(order.json()).toMatchObject({ status: 'voided', totals: { total: 990 } });
    expect(order.headers.etag).toBe('"2"');
  });

  it('cash moves in and out, the manager counts and closes the drawer, the cashier clocks out', async () => {
    const drawer = `/v1/employees/${ids.cashier}/drawer`;
    expect((await atTill(`${drawer}/cash-in`, { amount: 2_000, reason: 'Coins for change' })).statusCode).toBe(200);
    expect((await atTill(`${drawer}/cash-out`, { amount: 500, reason: 'Bank drop' })).statusCode).toBe(200);
    expect((await atTill(`${drawer}/close`, { countedAmount: 0 })).json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });

    // In the drawer: float 10 000 + 2 000 in − 500 out + cash sales (1 000 − 300 change, + 500) − 450 refunded = 12 250.
    // A cash-out beyond it is refused: the server counts the cash sales from the orders.
    const tooMuch = await atTill(`${drawer}/cash-out`, { amount: 12_251, reason: 'Everything' });
    expect(tooMuch.json()).toMatchObject({ status: 409, code: 'INSUFFICIENT_CASH_IN_DRAWER' });
    // The manager counts 50 short.
    const closed = await call(full.app, 'POST', `${drawer}/close`, { token: t.manager, headers: { 'idempotency-key': randomUUID() }, body: { countedAmount: 12_200 } });
    expect(closed.statusCode, closed.body).toBe(200);
    const events = await full.eventStore.readAll({ maxCount: 1_000 });
    const drawerClosed = events.find((e) => e.type === 'DrawerClosed' && e.data.drawerId === ids.drawer);
    expect(drawerClosed?.data).toMatchObject({ float: 10_000, cashIn: 2_000, cashOut: 500, cashSales: 750, expected: 12_250, counted: 12_200, variance: -50 });
    expect(drawerClosed?.metadata.actor).toMatchObject({ userId: ids.manager, role: 'branch_manager' });

    expect((await atTill(`/v1/employees/${ids.cashier}/clock-out`)).statusCode).toBe(200);
    expect((await read(`/v1/employees/${ids.cashier}`)).json()).toMatchObject({ shift: null });
  });
});
