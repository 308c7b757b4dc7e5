import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { PASSWORD, PIN, call, command, login, openShop, pinLogin, startFullApp, type Shop } from '../support/fullApp.js';

/**
 * The approval and role rules of DOMAIN.md, over HTTP with the real wiring and real tokens. Each
 * test pins the rule itself (status, code, what was written), not what a route declares, so
 * loosening a route's permission or a check in src/application/commands/*.ts fails a test here.
 * (tests/e2e/permissions.test.ts walks every route's declared roles; this file checks that the
 * declarations and the application say what the business needs.)
 *
 * The shop: threshold 10 %, branch A (tills A1, A2) with manager A and a cashier on A1, branch B
 * (till B1) with manager B.
 */

const full = await startFullApp();
afterAll(async () => {
  await full.close();
});

let shop: Shop;
const more = { tillA2: '', branchB: '', tillB1: '', managerB: '', managerBToken: '' };

beforeAll(async () => {
  shop = await openShop(full);
  const admin = { token: shop.tokens.admin };
  more.tillA2 = (await command(full.app, `/v1/tenants/${shop.tenantId}/devices`, { ...admin, body: { branchId: shop.branchId, name: 'Till A2' } })).id;
  more.branchB = (await command(full.app, `/v1/tenants/${shop.tenantId}/branches`, { ...admin, body: { name: 'Gare' } })).id;
  more.tillB1 = (await command(full.app, `/v1/tenants/${shop.tenantId}/devices`, { ...admin, body: { branchId: more.branchB, name: 'Till B1' } })).id;
  const email = `manager-b-${randomUUID()}@shop.example`;
  more.managerB = (await command(full.app, '/v1/employees', {
    ...admin,
    body: { personalData: { name: 'Nora Petit', email }, role: 'branch_manager', branchIds: [more.branchB], password: PASSWORD },
  })).id;
  more.managerBToken = (await login(full.app, email)).accessToken;
});

/** A command as a till sends it: every one with its own Idempotency-Key. */
function post(token: string, url: string, body?: unknown): Promise<LightMyRequestResponse> {
  return call(full.app, 'POST', url, { token, body, headers: { 'idempotency-key': randomUUID() } });
}

async function ok(token: string, url: string, body?: unknown, status = 200): Promise<void> {
  const response = await post(token, url, body);
  expect(response.statusCode, `POST ${url}: ${response.body}`).toBe(status);
}

/** Answers `response` with the problem it should be, and checks that nothing was written. */
async function refused(attempt: () => Promise<LightMyRequestResponse>, status: number, code: string): Promise<void> {
  const before = await full.countEvents();
  const response = await attempt();
  expect(response.headers['content-type'], response.body).toMatch(/^application\/problem\+json/);
  expect(response.json(), response.body).toMatchObject({ status, code });
  expect(await full.countEvents(), `${code}: nothing written`).toBe(before);
}

const line = (lineId: string, unitPrice: number, quantity = 1) => ({ lineId, sku: `SKU-${lineId}`, name: `Item ${lineId}`, unitPrice, quantity, taxRateId: 'standard' });
const percent = (basisPoints: number) => ({ kind: 'percent', basisPoints });
const amount = (value: number) => ({ kind: 'amount', amount: value });
const onLine = (lineId: string) => ({ kind: 'line', lineId });
const onOrder = { kind: 'order' } as const;
const discount = (discountId: string, target: object, value: object) => ({ discountId, target, value, reason: 'Loyal customer' });

/** An open sale on till A1 by the cashier: 2 × 1 000 and 1 × 500, gross 2 500, so 250 is the threshold. */
async function sale(token = shop.tokens.cashier, deviceId = shop.deviceId, branchId = shop.branchId): Promise<string> {
  const orderId = randomUUID();
  await ok(token, '/v1/orders', { orderId, branchId, deviceId }, 201);
  await ok(token, `/v1/orders/${orderId}/lines`, line('l1', 1_000, 2));
  await ok(token, `/v1/orders/${orderId}/lines`, line('l2', 500));
  return orderId;
}

/** A completed sale of 1 250 paid by card (no drawer needed). */
async function completedSale(token = shop.tokens.cashier): Promise<string> {
  const orderId = randomUUID();
  await ok(token, '/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId }, 201);
  await ok(token, `/v1/orders/${orderId}/lines`, line('l1', 1_250));
  await ok(token, `/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 1_250, processorReference: 'AUTH-1' } });
  await ok(token, `/v1/orders/${orderId}/complete`);
  return orderId;
}

async function orderEvents(orderId: string, type: string): Promise<readonly { data: Record<string, unknown>; actor: unknown }[]> {
  const events = await full.eventStore.readStream(streams.order(shop.tenantId, orderId));
  return events.filter((e) => e.type === type).map((e) => ({ data: e.data, actor: e.metadata.actor }));
}

describe('discounts: the threshold bounds the sale, all its discounts summed (finding 7)', () => {
  it('a cashier’s 10 % line discount and 10 % order discount go above 10 % together: the second needs a manager', async () => {
    const orderId = await sale();
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d1', onLine('l1'), percent(1_000)));
    // 200 off line 1, then 230 off the rest: 430 of 2 500 is 17.2 %.
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d2', onOrder, percent(1_000))), 403, 'DISCOUNT_REQUIRES_APPROVAL');
    // The manager of the branch gives it (signed in themself), and is recorded as its approver.
    await ok(shop.tokens.manager, `/v1/orders/${orderId}/discounts`, discount('d2', onOrder, percent(1_000)));
    const applied = await orderEvents(orderId, 'DiscountApplied');
    expect(applied.map((e) => e.data)).toEqual([
      expect.objectContaining({ discountId: 'd1', amount: 200, approvedBy: null }),
      expect.objectContaining({ discountId: 'd2', amount: 230, approvedBy: { userId: shop.managerId, role: 'branch_manager' } }),
    ]);
    const order = (await call(full.app, 'GET', `/v1/orders/${orderId}`, { token: shop.tokens.cashier })).json<{ totals: { discountTotal: number; total: number } }>();
    expect(order.totals).toMatchObject({ subtotal: 2_500, discountTotal: 430, total: 2_070 });
  });

  it('the order discount first and a line discount after: the same rule', async () => {
    const orderId = await sale();
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(1_000)));
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d2', onLine('l2'), amount(1))), 403, 'DISCOUNT_REQUIRES_APPROVAL');
  });

  it('up to the threshold exactly a cashier needs no one; one cent more needs a manager', async () => {
    const orderId = await sale();
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d1', onLine('l1'), amount(100)));
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d2', onOrder, amount(150)));
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d3', onLine('l2'), amount(1))), 403, 'DISCOUNT_REQUIRES_APPROVAL');
    expect((await orderEvents(orderId, 'DiscountApplied')).map((e) => e.data.approvedBy)).toEqual([null, null]);
  });

  it('a sale a manager took above the threshold needs a manager again for any discount on top', async () => {
    const orderId = await sale();
    await ok(shop.tokens.manager, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(2_000)));
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d2', onLine('l2'), amount(1))), 403, 'DISCOUNT_REQUIRES_APPROVAL');
  });

  it('a tenant admin may give a discount above the threshold and is recorded', async () => {
    const orderId = await sale();
    await ok(shop.tokens.admin, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(5_000)));
    expect((await orderEvents(orderId, 'DiscountApplied'))[0]?.data).toMatchObject({ amount: 1_250, approvedBy: { userId: shop.adminId, role: 'tenant_admin' } });
  });

  it('the threshold is the tenant’s setting at the time: raised to 25 %, a cashier may give 20 %', async () => {
    const other = await openShop(full, 'Épicerie du Marché SARL');
    await ok(other.tokens.admin, `/v1/tenants/${other.tenantId}/discount-threshold`, { basisPoints: 2_500 });
    const orderId = randomUUID();
    await ok(other.tokens.cashier, '/v1/orders', { orderId, branchId: other.branchId, deviceId: other.deviceId }, 201);
    await ok(other.tokens.cashier, `/v1/orders/${orderId}/lines`, line('l1', 1_000));
    await ok(other.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(2_000)));
    const refusal = await post(other.tokens.cashier, `/v1/orders/${orderId}/discounts`, discount('d2', onLine('l1'), percent(1_000)));
    // 200 + 100 of 1 000 is above 25 %.
    expect(refusal.json()).toMatchObject({ status: 403, code: 'DISCOUNT_REQUIRES_APPROVAL' });
  });
});

describe('approval is proven by who signs the request, never named in it', () => {
  it('a cashier cannot name a manager, a made-up manager or themself as approver (400, nothing written)', async () => {
    const orderId = await sale();
    const url = `/v1/orders/${orderId}/discounts`;
    const above = discount('d1', onOrder, percent(5_000));
    for (const approvedBy of [
      { userId: shop.managerId, role: 'branch_manager' },
      { userId: randomUUID(), role: 'tenant_admin' },
      { userId: shop.cashierId, role: 'branch_manager' },
    ]) {
      await refused(() => post(shop.tokens.cashier, url, { ...above, approvedBy }), 400, 'VALIDATION_FAILED');
    }
    await refused(() => post(shop.tokens.cashier, url, { ...above, approver: shop.managerId, managerPin: PIN }), 400, 'VALIDATION_FAILED');
    await refused(() => post(shop.tokens.cashier, url, above), 403, 'DISCOUNT_REQUIRES_APPROVAL');
  });

  it('a discount a till syncs later is held to the same rule', async () => {
    const orderId = await sale();
    const response = await call(full.app, 'POST', '/v1/sync', {
      token: shop.tokens.cashier,
      body: {
        deviceId: shop.deviceId,
        commands: [
          { idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${orderId}/discounts`, body: discount('d1', onLine('l1'), percent(1_000)) },
          { idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${orderId}/discounts`, body: discount('d2', onOrder, percent(1_000)) },
          { idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${orderId}/discounts`, body: { ...discount('d3', onOrder, percent(1_000)), approvedBy: { userId: shop.managerId, role: 'branch_manager' } } },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const results = response.json<{ results: { status: number; body: unknown }[] }>().results;
    expect(results.map((r) => r.status)).toEqual([200, 403, 400]);
    expect(results[1]?.body).toMatchObject({ code: 'DISCOUNT_REQUIRES_APPROVAL' });
    expect((await orderEvents(orderId, 'DiscountApplied')).map((e) => e.data.discountId)).toEqual(['d1']);
  });

  it('a manager of another branch cannot give or approve a discount here', async () => {
    const orderId = await sale();
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(5_000))), 403, 'OUTSIDE_YOUR_BRANCHES');
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(100))), 403, 'OUTSIDE_YOUR_BRANCHES');
  });
});

describe('voids: a cashier voids an empty order; one with lines or payments needs a manager of its branch', () => {
  it('a cashier voids an order still empty', async () => {
    const orderId = randomUUID();
    await ok(shop.tokens.cashier, '/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId }, 201);
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/void`, { reason: 'Opened by mistake' });
    expect((await orderEvents(orderId, 'OrderVoided'))[0]?.data).toMatchObject({ voidedBy: { userId: shop.cashierId, role: 'cashier' } });
  });

  it('an order with a payment and no line left is voided by a manager, not the cashier', async () => {
    const orderId = randomUUID();
    await ok(shop.tokens.cashier, '/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId }, 201);
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/lines`, line('l1', 800));
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 300, processorReference: 'AUTH-9' } });
    await ok(shop.tokens.cashier, `/v1/orders/${orderId}/lines/l1/remove`);
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/void`, { reason: 'Customer left' }), 403, 'VOID_REQUIRES_MANAGER');
    await ok(shop.tokens.manager, `/v1/orders/${orderId}/void`, { reason: 'Customer left' });
    expect((await orderEvents(orderId, 'OrderVoided'))[0]?.data).toMatchObject({ paidToReturn: 300, voidedBy: { userId: shop.managerId, role: 'branch_manager' } });
  });

  it('a manager of another branch may not void it', async () => {
    const orderId = await sale();
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/void`, { reason: 'Not mine' }), 403, 'OUTSIDE_YOUR_BRANCHES');
  });
});

describe('refunds: by a manager of the order’s branch or a tenant admin', () => {
  it('a cashier is refused, directly and through a sync batch', async () => {
    const orderId = await completedSale();
    const body = { refundId: 'r1', scope: { kind: 'whole' }, method: 'card', reason: 'Faulty' };
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/refunds`, body), 403, 'ROLE_NOT_ALLOWED');
    const synced = await call(full.app, 'POST', '/v1/sync', {
      token: shop.tokens.cashier,
      body: { deviceId: shop.deviceId, commands: [{ idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${orderId}/refunds`, body }] },
    });
    expect(synced.json<{ results: { status: number; body: unknown }[] }>().results).toMatchObject([{ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } }]);
    expect(await orderEvents(orderId, 'OrderRefunded')).toEqual([]);
  });

  it('a manager of another branch is refused; the tenant admin refunds', async () => {
    const orderId = await completedSale();
    const body = { refundId: 'r1', scope: { kind: 'whole' }, method: 'card', reason: 'Faulty' };
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/refunds`, body), 403, 'OUTSIDE_YOUR_BRANCHES');
    await ok(shop.tokens.admin, `/v1/orders/${orderId}/refunds`, body);
    expect((await orderEvents(orderId, 'OrderRefunded'))[0]).toMatchObject({ data: { amount: 1_250 }, actor: { userId: shop.adminId, role: 'tenant_admin' } });
  });
});

describe('the cash drawer is closed by a manager of the branch', () => {
  it('the cashier may not close their own drawer, nor a manager of another branch; their manager does', async () => {
    const drawer = `/v1/employees/${shop.cashierId}/drawer`;
    await ok(shop.tokens.cashier, `/v1/employees/${shop.cashierId}/clock-in`, { branchId: shop.branchId });
    await ok(shop.tokens.cashier, `${drawer}/open`, { deviceId: shop.deviceId, floatAmount: 5_000 });
    await refused(() => post(shop.tokens.cashier, `${drawer}/close`, { countedAmount: 5_000 }), 403, 'ROLE_NOT_ALLOWED');
    await refused(() => post(more.managerBToken, `${drawer}/close`, { countedAmount: 5_000 }), 403, 'OUTSIDE_YOUR_BRANCHES');
    await ok(shop.tokens.manager, `${drawer}/close`, { countedAmount: 5_000 });
    await ok(shop.tokens.cashier, `/v1/employees/${shop.cashierId}/clock-out`);
  });
});

describe('a cashier acts on their own till at their own branch only', () => {
  it('opens no order on another till of the branch, nor at another branch', async () => {
    await refused(() => post(shop.tokens.cashier, '/v1/orders', { orderId: randomUUID(), branchId: shop.branchId, deviceId: more.tillA2 }), 403, 'OUTSIDE_YOUR_DEVICE');
    await refused(() => post(shop.tokens.cashier, '/v1/orders', { orderId: randomUUID(), branchId: more.branchB, deviceId: more.tillB1 }), 403, 'OUTSIDE_YOUR_BRANCHES');
  });

  it('touches no sale of another till, even in the same branch', async () => {
    // The manager rings it up on till A2.
    const orderId = await sale(shop.tokens.manager, more.tillA2);
    const url = `/v1/orders/${orderId}`;
    const attempts: readonly [string, unknown][] = [
      ['/lines', line('l3', 100)],
      ['/lines/l1/quantity', { quantity: 1 }],
      ['/lines/l1/remove', undefined],
      ['/discounts', discount('d1', onOrder, percent(100))],
      ['/payments', { paymentId: 'p1', tender: { method: 'card', amount: 100, processorReference: 'AUTH-2' } }],
      ['/complete', undefined],
      ['/void', { reason: 'Not mine' }],
    ];
    for (const [path, body] of attempts) await refused(() => post(shop.tokens.cashier, `${url}${path}`, body), 403, 'OUTSIDE_YOUR_DEVICE');
    expect((await call(full.app, 'GET', url, { token: shop.tokens.cashier })).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_DEVICE' });
  });

  it('voids no sale of another till, not even an empty one a cashier could void at their own', async () => {
    const orderId = randomUUID();
    await ok(shop.tokens.manager, '/v1/orders', { orderId, branchId: shop.branchId, deviceId: more.tillA2 }, 201);
    await refused(() => post(shop.tokens.cashier, `/v1/orders/${orderId}/void`, { reason: 'Not mine' }), 403, 'OUTSIDE_YOUR_DEVICE');
  });

  it('handles no one else’s shift, and clocks in at no other branch', async () => {
    await refused(() => post(shop.tokens.cashier, `/v1/employees/${shop.managerId}/clock-in`, { branchId: shop.branchId }), 403, 'OWN_SHIFT_ONLY');
    await refused(() => post(shop.tokens.cashier, `/v1/employees/${shop.cashierId}/clock-in`, { branchId: more.branchB }), 403, 'OUTSIDE_YOUR_BRANCHES');
  });
});

describe('a branch manager acts in their branches only', () => {
  it('rings up on any till of their branch, and on none of another branch', async () => {
    await ok(shop.tokens.manager, '/v1/orders', { orderId: randomUUID(), branchId: shop.branchId, deviceId: more.tillA2 }, 201);
    await refused(() => post(more.managerBToken, '/v1/orders', { orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId }), 403, 'OUTSIDE_YOUR_BRANCHES');
  });

  it('neither changes nor reads a sale of another branch', async () => {
    const orderId = await sale();
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/lines`, line('l3', 100)), 403, 'OUTSIDE_YOUR_BRANCHES');
    await refused(() => post(more.managerBToken, `/v1/orders/${orderId}/complete`), 403, 'OUTSIDE_YOUR_BRANCHES');
    expect((await call(full.app, 'GET', `/v1/orders/${orderId}`, { token: more.managerBToken })).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_BRANCHES' });
  });

  it('handles no shift of an employee of another branch', async () => {
    await refused(() => post(more.managerBToken, `/v1/employees/${shop.cashierId}/clock-in`, { branchId: shop.branchId }), 403, 'OUTSIDE_YOUR_BRANCHES');
  });
});

describe('a suspended or terminated employee is refused at once', () => {
  it('a suspended cashier’s till session stops, and no new one starts until reinstated', async () => {
    const { id: cashierId } = await command(full.app, '/v1/employees', {
      token: shop.tokens.admin,
      body: { personalData: { name: 'Jules Roux', email: `jules-${randomUUID()}@shop.example` }, role: 'cashier', branchIds: [shop.branchId], deviceIds: [more.tillA2], pin: PIN },
    });
    const session = await pinLogin(full.app, { deviceId: more.tillA2, employeeId: cashierId, pin: PIN });
    const orderId = randomUUID();
    await ok(session.accessToken, '/v1/orders', { orderId, branchId: shop.branchId, deviceId: more.tillA2 }, 201);

    await ok(shop.tokens.admin, `/v1/employees/${cashierId}/suspend`, { reason: 'Inquiry' });
    const before = await full.countEvents();
    const refusal = await post(session.accessToken, `/v1/orders/${orderId}/lines`, line('l1', 100));
    expect(refusal.json()).toMatchObject({ status: 401, code: 'SESSION_ENDED' });
    expect(await full.countEvents()).toBe(before);
    expect((await call(full.app, 'POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
    expect((await call(full.app, 'POST', '/v1/auth/pin', { body: { deviceId: more.tillA2, employeeId: cashierId, pin: PIN } })).statusCode).toBe(401);

    await ok(shop.tokens.admin, `/v1/employees/${cashierId}/reinstate`);
    const again = await pinLogin(full.app, { deviceId: more.tillA2, employeeId: cashierId, pin: PIN });
    await ok(again.accessToken, `/v1/orders/${orderId}/lines`, line('l1', 100));
  });

  it('a terminated manager can neither act nor sign in again', async () => {
    const email = `leaving-${randomUUID()}@shop.example`;
    const { id: managerId } = await command(full.app, '/v1/employees', {
      token: shop.tokens.admin,
      body: { personalData: { name: 'Paul Leroy', email }, role: 'branch_manager', branchIds: [shop.branchId], password: PASSWORD },
    });
    const token = (await login(full.app, email)).accessToken;
    const orderId = await sale();
    await ok(shop.tokens.admin, `/v1/employees/${managerId}/terminate`, { reason: 'Left the company' });
    await refused(() => post(token, `/v1/orders/${orderId}/discounts`, discount('d1', onOrder, percent(5_000))), 401, 'SESSION_ENDED');
    expect((await call(full.app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } })).statusCode).toBe(401);
  });
});

describe('a suspended or closed tenant accepts no commands (its data stays readable)', () => {
  it('refuses every command of its staff while suspended, and takes them again once reinstated', async () => {
    const s = await openShop(full, 'Fromagerie Lenoir SARL');
    const till = (token: string, url: string, body?: unknown) => post(token, url, body);
    // Before the suspension: an open sale with a discount and a payment, a completed sale, a shift with a drawer.
    const open = randomUUID();
    await ok(s.tokens.cashier, '/v1/orders', { orderId: open, branchId: s.branchId, deviceId: s.deviceId }, 201);
    await ok(s.tokens.cashier, `/v1/orders/${open}/lines`, line('l1', 1_000));
    await ok(s.tokens.cashier, `/v1/orders/${open}/discounts`, discount('d1', onOrder, amount(10)));
    await ok(s.tokens.cashier, `/v1/orders/${open}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 100, processorReference: 'AUTH-3' } });
    const done = randomUUID();
    await ok(s.tokens.cashier, '/v1/orders', { orderId: done, branchId: s.branchId, deviceId: s.deviceId }, 201);
    await ok(s.tokens.cashier, `/v1/orders/${done}/lines`, line('l1', 500));
    await ok(s.tokens.cashier, `/v1/orders/${done}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 500, processorReference: 'AUTH-4' } });
    await ok(s.tokens.cashier, `/v1/orders/${done}/complete`);
    await ok(s.tokens.cashier, `/v1/employees/${s.cashierId}/clock-in`, { branchId: s.branchId });
    await ok(s.tokens.cashier, `/v1/employees/${s.cashierId}/drawer/open`, { deviceId: s.deviceId, floatAmount: 1_000 });

    await ok(s.tokens.owner, `/v1/tenants/${s.tenantId}/suspend`, { reason: 'Unpaid invoice' });

    const attempts: readonly [string, string, unknown][] = [
      [s.tokens.cashier, '/v1/orders', { orderId: randomUUID(), branchId: s.branchId, deviceId: s.deviceId }],
      [s.tokens.cashier, `/v1/orders/${open}/lines`, line('l2', 100)],
      [s.tokens.cashier, `/v1/orders/${open}/lines/l1/quantity`, { quantity: 2 }],
      [s.tokens.cashier, `/v1/orders/${open}/discounts`, discount('d2', onOrder, amount(10))],
      [s.tokens.cashier, `/v1/orders/${open}/discounts/d1/remove`, undefined],
      [s.tokens.cashier, `/v1/orders/${open}/payments`, { paymentId: 'p2', tender: { method: 'card', amount: 100, processorReference: 'AUTH-5' } }],
      [s.tokens.cashier, `/v1/orders/${open}/payments/p1/remove`, undefined],
      [s.tokens.cashier, `/v1/orders/${open}/lines/l1/remove`, undefined],
      [s.tokens.manager, `/v1/orders/${open}/void`, { reason: 'Shop suspended' }],
      [s.tokens.manager, `/v1/orders/${done}/refunds`, { refundId: 'r1', scope: { kind: 'whole' }, method: 'card', reason: 'Faulty' }],
      [s.tokens.cashier, `/v1/employees/${s.cashierId}/drawer/cash-in`, { amount: 100, reason: 'Coins' }],
      [s.tokens.manager, `/v1/employees/${s.cashierId}/drawer/close`, { countedAmount: 1_000 }],
      [s.tokens.cashier, `/v1/employees/${s.cashierId}/clock-out`, undefined],
    ];
    for (const [token, url, body] of attempts) await refused(() => till(token, url, body), 409, 'TENANT_NOT_ACTIVE');
    // Nor through a till's offline batch, which runs the same routes.
    const synced = await call(full.app, 'POST', '/v1/sync', {
      token: s.tokens.cashier,
      body: { deviceId: s.deviceId, commands: [{ idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${open}/complete`, body: {} }] },
    });
    expect(synced.json<{ results: { status: number; body: unknown }[] }>().results).toMatchObject([{ status: 409, body: { code: 'TENANT_NOT_ACTIVE' } }]);
    // Reads still answer, for the shop's own staff and auditors.
    expect((await call(full.app, 'GET', `/v1/orders/${done}`, { token: s.tokens.manager })).statusCode).toBe(200);

    await ok(s.tokens.owner, `/v1/tenants/${s.tenantId}/reinstate`);
    await ok(s.tokens.cashier, `/v1/orders/${open}/payments`, { paymentId: 'p2', tender: { method: 'card', amount: 890, processorReference: 'AUTH-6' } });
    await ok(s.tokens.cashier, `/v1/orders/${open}/complete`);

    await ok(s.tokens.owner, `/v1/tenants/${s.tenantId}/close`, { reason: 'Contract ended' });
    await refused(() => till(s.tokens.manager, `/v1/orders/${done}/refunds`, { refundId: 'r1', scope: { kind: 'whole' }, method: 'card', reason: 'Faulty' }), 409, 'TENANT_NOT_ACTIVE');
    await refused(() => till(s.tokens.cashier, '/v1/orders', { orderId: randomUUID(), branchId: s.branchId, deviceId: s.deviceId }), 409, 'TENANT_NOT_ACTIVE');
  });
});
