import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/shared/roles.js';
import { PASSWORD, TENANT_BODY, call, command, login, openShop, startFullApp, type CollectedRoute, type Shop } from '../support/fullApp.js';

/**
 * The permission matrix, walked over EVERY route the composition root registers, with real
 * tokens. What each route's `config.permission` declares is the table:
 *
 * | caller                                     | expected                                                  |
 * |--------------------------------------------|-----------------------------------------------------------|
 * | no token                                   | 401                                                       |
 * | a role not in `permission.roles`           | 403 ROLE_NOT_ALLOWED (checked first, before any state)    |
 * | a tenant admin of ANOTHER tenant (allowed) | 404, and no event written (sync: 200, each command 404)   |
 * | a role in `permission.roles`               | neither 401 nor 403, never 5xx (2xx or a domain 4xx)      |
 * | a platform owner acting as support          | `permission.support: 'read'`: as a role in the list;      |
 * |   (a support token for the shop's tenant)   | otherwise 403 SUPPORT_IS_READ_ONLY, and no event written  |
 *
 * Role checks come first: another tenant's admin on a platform route gets 403, not 404.
 * Routes run in registration order against targets chosen so callers never lock themselves out.
 */

const full = await startFullApp();
afterAll(async () => {
  await full.close();
});

type Caller = Role | 'other_tenant_admin' | 'support';
const TENANT_ROLES: readonly Role[] = ['platform_owner', 'tenant_admin', 'branch_manager', 'cashier', 'auditor'];

let shop: Shop;
let other: Shop;
const spare = { tenantId: '', branchId: '', deviceId: '', employeeId: '', orderId: randomUUID(), sessionId: '', drawerId: '' };
/** The shop's own support session: what the audit route of a session's reads reads. */
let shopSessionId = '';
/** A support session's token for the shop's tenant (ADR 0009). */
let supportToken = '';
/** The shop's auditor, signed in (issue 11). */
let auditorToken = '';

beforeAll(async () => {
  shop = await openShop(full);
  other = await openShop(full, 'Autre Boulangerie SARL');
  const admin = { token: shop.tokens.admin };
  // Targets a route may change for good: lifecycle, closing, deactivation, termination.
  spare.tenantId = (await command(full.app, '/v1/tenants', { token: shop.tokens.owner, body: TENANT_BODY })).id;
  spare.branchId = (await command(full.app, `/v1/tenants/${shop.tenantId}/branches`, { ...admin, body: { name: 'Spare' } })).id;
  spare.deviceId = (await command(full.app, `/v1/tenants/${shop.tenantId}/devices`, { ...admin, body: { branchId: shop.branchId, name: 'Till 2' } })).id;
  await command(full.app, `/v1/tenants/${shop.tenantId}/tax-rates`, { ...admin, body: { taxRateId: 'reduced', name: 'TVA 5,5 %', basisPoints: 550 } });
  spare.employeeId = (await command(full.app, '/v1/employees', {
    ...admin,
    body: { personalData: { name: 'Spare Manager', email: `spare-${randomUUID()}@shop.example` }, role: 'branch_manager', branchIds: [shop.branchId] },
  })).id;
  const auditorEmail = `auditor-${randomUUID()}@shop.example`;
  await command(full.app, '/v1/employees', { ...admin, body: { personalData: { name: 'Audra Auditor', email: auditorEmail }, role: 'auditor', branchIds: [], password: PASSWORD } });
  auditorToken = (await login(full.app, auditorEmail)).accessToken;
  const till = { token: shop.tokens.cashier, headers: { 'idempotency-key': randomUUID() } };
  await command(full.app, '/v1/orders', { ...till, status: 201, body: { orderId: spare.orderId, branchId: shop.branchId, deviceId: shop.deviceId } });
  await command(full.app, `/v1/orders/${spare.orderId}/lines`, { ...till, headers: { 'idempotency-key': randomUUID() }, body: line('l1') });
  // Read targets of the query routes: the cashier's open drawer at the shop's till, and its first Z.
  await command(full.app, `/v1/employees/${shop.cashierId}/clock-in`, { token: shop.tokens.cashier, headers: { 'idempotency-key': randomUUID() }, body: { branchId: shop.branchId, deviceId: shop.deviceId } });
  const drawer = await command(full.app, `/v1/employees/${shop.cashierId}/drawer/open`, { token: shop.tokens.cashier, headers: { 'idempotency-key': randomUUID() }, body: { deviceId: shop.deviceId, floatAmount: 5_000 } });
  spare.drawerId = drawer.id;
  const closed = await call(full.app, 'POST', `/v1/devices/${shop.deviceId}/z-reports`, { token: shop.tokens.manager, headers: { 'idempotency-key': randomUUID() } });
  expect(closed.statusCode, closed.body).toBe(201);
  // The read models hold both before the matrix reads them.
  const position = closed.json<{ position: string }>().position;
  expect((await call(full.app, 'GET', `/v1/drawers/${spare.drawerId}?after=${position}`, { token: shop.tokens.admin })).statusCode).toBe(200);
  const owner = { token: shop.tokens.owner, status: 201 };
  spare.sessionId = (await command(full.app, `/v1/tenants/${spare.tenantId}/support-sessions`, { ...owner, body: { reason: 'Spare session the routes end' } })).id;
  const started = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/support-sessions`, { token: shop.tokens.owner, body: { reason: 'Walking the permission matrix' } });
  supportToken = started.json<{ accessToken: string }>().accessToken;
  shopSessionId = started.json<{ id: string }>().id;
});

function line(lineId: string): object {
  return { lineId, sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 1, taxRateId: 'standard' };
}

/** A valid body for every route: an unknown route fails the test until it is added here. */
const BODIES: Readonly<Record<string, () => unknown>> = {
  'POST /v1/tenants': () => TENANT_BODY,
  'POST /v1/tenants/:tenantId/activate': () => undefined,
  'POST /v1/tenants/:tenantId/suspend': () => ({ reason: 'Unpaid invoice' }),
  'POST /v1/tenants/:tenantId/reinstate': () => undefined,
  'POST /v1/tenants/:tenantId/close': () => ({ reason: 'Contract ended' }),
  'POST /v1/tenants/:tenantId/legal-name': () => ({ legalName: 'Boulangerie Martin SAS' }),
  'POST /v1/tenants/:tenantId/currency': () => ({ currency: 'EUR' }),
  'POST /v1/tenants/:tenantId/time-zone': () => ({ timeZone: 'Europe/Paris' }),
  'POST /v1/tenants/:tenantId/price-mode': () => ({ priceMode: 'inclusive' }),
  'POST /v1/tenants/:tenantId/discount-threshold': () => ({ basisPoints: 1000 }),
  'POST /v1/tenants/:tenantId/tax-rates': () => ({ name: 'TVA 2,1 %', basisPoints: 210 }),
  'POST /v1/tenants/:tenantId/tax-rates/:taxRateId': () => ({ name: 'TVA réduite' }),
  'POST /v1/tenants/:tenantId/tax-rates/:taxRateId/retire': () => undefined,
  'POST /v1/tenants/:tenantId/branches': () => ({ name: 'Gare' }),
  'POST /v1/tenants/:tenantId/branches/:branchId/rename': () => ({ name: 'Spare 2' }),
  'POST /v1/tenants/:tenantId/branches/:branchId/close': () => undefined,
  'POST /v1/tenants/:tenantId/devices': () => ({ branchId: shop.branchId, name: 'Till 3' }),
  'POST /v1/tenants/:tenantId/devices/:deviceId/rename': () => ({ name: 'Till 2b' }),
  'POST /v1/tenants/:tenantId/devices/:deviceId/deactivate': () => ({ reason: 'Stolen' }),
  'GET /v1/tenants/:tenantId': () => undefined,
  'POST /v1/tenants/:tenantId/admins': () => ({ personalData: { name: 'Appointed Admin', email: `appointed-${randomUUID()}@shop.example` }, password: PASSWORD }),
  'POST /v1/employees': () => ({
    personalData: { name: 'New Hire', email: `hire-${randomUUID()}@shop.example` },
    role: 'cashier',
    branchIds: [shop.branchId],
    deviceIds: [shop.deviceId],
  }),
  'POST /v1/employees/:employeeId/role': () => ({ role: 'branch_manager' }),
  'POST /v1/employees/:employeeId/branches': () => ({ branchId: shop.branchId }),
  'POST /v1/employees/:employeeId/branches/:branchId/unassign': () => undefined,
  'POST /v1/employees/:employeeId/devices': () => ({ deviceId: shop.deviceId }),
  'POST /v1/employees/:employeeId/devices/:deviceId/unbind': () => undefined,
  'POST /v1/employees/:employeeId/suspend': () => ({ reason: 'Inquiry' }),
  'POST /v1/employees/:employeeId/reinstate': () => undefined,
  'POST /v1/employees/:employeeId/terminate': () => ({ reason: 'Left' }),
  'POST /v1/employees/:employeeId/forget': () => undefined,
  'POST /v1/employees/:employeeId/credentials': () => ({ pin: '4821' }),
  'POST /v1/employees/:employeeId/clock-in': () => ({ branchId: shop.branchId }),
  'POST /v1/employees/:employeeId/clock-out': () => undefined,
  'POST /v1/employees/:employeeId/drawer/open': () => ({ deviceId: shop.deviceId, floatAmount: 5_000 }),
  'POST /v1/employees/:employeeId/drawer/cash-in': () => ({ amount: 100, reason: 'Coins' }),
  'POST /v1/employees/:employeeId/drawer/cash-out': () => ({ amount: 100, reason: 'Bank drop' }),
  'POST /v1/employees/:employeeId/drawer/close': () => ({ countedAmount: 5_000 }),
  'GET /v1/employees/:employeeId': () => undefined,
  'POST /v1/orders': () => ({ orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId }),
  'POST /v1/orders/:orderId/lines': () => line(randomUUID()),
  'POST /v1/orders/:orderId/lines/:lineId/quantity': () => ({ quantity: 2 }),
  'POST /v1/orders/:orderId/lines/:lineId/remove': () => undefined,
  'POST /v1/orders/:orderId/discounts': () => ({ discountId: randomUUID(), target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 100 }, reason: 'Loyalty' }),
  'POST /v1/orders/:orderId/discounts/:discountId/remove': () => undefined,
  'POST /v1/orders/:orderId/payments': () => ({ paymentId: randomUUID(), tender: { method: 'cash', amount: 100 } }),
  'POST /v1/orders/:orderId/payments/:paymentId/remove': () => undefined,
  'POST /v1/orders/:orderId/complete': () => undefined,
  'POST /v1/orders/:orderId/void': () => ({ reason: 'Mistake' }),
  'POST /v1/orders/:orderId/refunds': () => ({ refundId: randomUUID(), scope: { kind: 'whole' }, method: 'cash', reason: 'Complaint' }),
  'GET /v1/orders/:orderId': () => undefined,
  'POST /v1/tenants/:tenantId/support-sessions': () => ({ reason: 'Ticket 42: checking the Z-report', minutes: 5 }),
  'POST /v1/tenants/:tenantId/support-sessions/:sessionId/token': () => undefined,
  'POST /v1/tenants/:tenantId/support-sessions/:sessionId/end': () => undefined,
  'GET /v1/tenants/:tenantId/support-sessions': () => undefined,
  'POST /v1/devices/:deviceId/z-reports': () => undefined,
  'GET /v1/devices/:deviceId/x-report': () => undefined,
  'GET /v1/devices/:deviceId/z-reports': () => undefined,
  'GET /v1/devices/:deviceId/z-reports/:zNumber': () => undefined,
  'GET /v1/orders': () => undefined,
  'GET /v1/orders/:orderId/detail': () => undefined,
  'GET /v1/reports/daily-sales': () => undefined,
  'GET /v1/reports/daily-sales/taxes': () => undefined,
  'GET /v1/reports/daily-sales/payment-methods': () => undefined,
  'GET /v1/reports/daily-sales/hours': () => undefined,
  'GET /v1/reports/sales-by-cashier': () => undefined,
  'GET /v1/reports/sales-by-product': () => undefined,
  'GET /v1/drawers': () => undefined,
  'GET /v1/drawers/:drawerId': () => undefined,
  'GET /v1/shifts': () => undefined,
  'GET /v1/tenants': () => undefined,
  'GET /v1/branches': () => undefined,
  'GET /v1/devices': () => undefined,
  'GET /v1/employees': () => undefined,
  'GET /v1/operations/projections': () => undefined,
  'GET /v1/audit/streams/:streamId/events': () => undefined,
  'GET /v1/audit/streams/:streamId/state': () => undefined,
  'GET /v1/audit/export': () => undefined,
  'GET /v1/audit/streams': () => undefined,
  'GET /v1/audit/seals': () => undefined,
  'GET /v1/audit/seals/:sealNumber': () => undefined,
  'GET /v1/audit/verify': () => undefined,
  'GET /v1/audit/support-sessions/:sessionId/reads': () => undefined,
  'POST /v1/tenants/:tenantId/seals': () => ({}),
  'POST /v1/sync': () => ({
    deviceId: shop.deviceId,
    commands: [{ idempotencyKey: randomUUID(), clientTime: new Date().toISOString(), method: 'POST', path: `/v1/orders/${spare.orderId}/lines`, body: line(randomUUID()) }],
  }),
};

const SELF: Partial<Record<Caller, () => string>> = {
  tenant_admin: () => shop.adminId,
  branch_manager: () => shop.managerId,
  cashier: () => shop.cashierId,
};

/** Params: spare targets; an employee acts on themself except on admin-only routes (the spare employee). */
function urlFor(route: CollectedRoute, caller: Caller): string {
  const adminOnly = route.permission?.roles.length === 1 && route.permission.roles[0] === 'tenant_admin';
  const values: Readonly<Record<string, string>> = {
    tenantId: route.permission?.scope === 'platform' ? spare.tenantId : shop.tenantId,
    branchId: spare.branchId,
    // A till's own routes act on the shop's till (its cashier is bound there); tenant commands on the spare one.
    deviceId: route.url.startsWith('/v1/devices/') ? shop.deviceId : spare.deviceId,
    drawerId: spare.drawerId,
    zNumber: '1',
    sealNumber: '1',
    taxRateId: 'reduced',
    employeeId: adminOnly ? spare.employeeId : (SELF[caller]?.() ?? spare.employeeId),
    orderId: spare.orderId,
    lineId: 'l1',
    discountId: 'd1',
    paymentId: 'p1',
    sessionId: route.url.startsWith('/v1/audit/') ? shopSessionId : spare.sessionId,
    streamId: encodeURIComponent(`order-${shop.tenantId}/${spare.orderId}`),
  };
  return route.url.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? `unknown-${name}`);
}

function tokenOf(caller: Caller): string {
  if (caller === 'support') return supportToken;
  if (caller === 'auditor') return auditorToken;
  return caller === 'other_tenant_admin' ? other.tokens.admin : { platform_owner: shop.tokens.owner, tenant_admin: shop.tokens.admin, branch_manager: shop.tokens.manager, cashier: shop.tokens.cashier }[caller];
}

const request = (route: CollectedRoute, caller: Caller | null) => {
  const key = `${route.method} ${route.url}`;
  return call(full.app, route.method === 'GET' ? 'GET' : 'POST', urlFor(route, caller ?? 'platform_owner'), {
    token: caller === null ? undefined : tokenOf(caller),
    body: BODIES[key]?.(),
    headers: { 'idempotency-key': randomUUID() },
  });
};

const v1 = full.routes.filter((route) => route.url.startsWith('/v1') && route.method !== 'HEAD');
const guarded = v1.filter((route) => route.permission !== undefined);

describe('every /v1 route declares who may call it', () => {
  it('declares a permission or is public, never both, and has a sample request here', () => {
    expect(guarded.length).toBeGreaterThan(40);
    for (const route of v1) {
      expect(route.isPublic !== (route.permission !== undefined), `${route.method} ${route.url}`).toBe(true);
      if (route.permission) expect(BODIES, `${route.method} ${route.url}`).toHaveProperty([`${route.method} ${route.url}`]);
    }
    expect(v1.filter((route) => route.isPublic).map((route) => route.url).sort()).toEqual(['/v1/auth/login', '/v1/auth/logout', '/v1/auth/pin', '/v1/auth/refresh']);
    // Support reads the tenant's data and nothing else (ADR 0009): every query of tenant data, no command, not the
    // tenant's own support sessions (who watched them), not the platform's operations.
    const supportReads = guarded.filter((route) => route.permission?.support === 'read').map((route) => `${route.method} ${route.url}`).sort();
    expect(supportReads).toEqual(
      guarded
        .filter((route) => route.method === 'GET' && !['/v1/tenants/:tenantId/support-sessions', '/v1/operations/projections'].includes(route.url))
        .map((route) => `${route.method} ${route.url}`)
        .sort(),
    );
    expect(supportReads.length).toBeGreaterThan(10);
    // The auditor reads every GET of the tenant's data, its support sessions included, and acts on nothing (issue 11).
    const auditorRoutes = guarded.filter((route) => route.permission?.roles.includes('auditor')).map((route) => `${route.method} ${route.url}`).sort();
    expect(auditorRoutes).toEqual(guarded.filter((route) => route.method === 'GET' && route.url !== '/v1/operations/projections').map((route) => `${route.method} ${route.url}`).sort());
    expect(auditorRoutes).toEqual(expect.arrayContaining(['GET /v1/audit/streams/:streamId/events', 'GET /v1/audit/streams/:streamId/state', 'GET /v1/audit/export', 'GET /v1/reports/daily-sales']));
  });

  it('the HEAD route Fastify adds to each guarded GET needs a token too (onRoute does not list it)', async () => {
    for (const route of guarded.filter((r) => r.method === 'GET')) {
      expect((await full.app.inject({ method: 'HEAD', url: urlFor(route, 'tenant_admin') })).statusCode, route.url).toBe(401);
    }
  });
});

describe.each(guarded.map((route) => [`${route.method} ${route.url}`, route] as const))('%s', (_name, route) => {
  const permission = route.permission!;

  it(`answers as the table says (roles: ${permission.roles.join(', ')}; scope: ${permission.scope})`, async () => {
    const anonymous = await request(route, null);
    expect(anonymous.statusCode, anonymous.body).toBe(401);

    const outsider = await request(route, 'other_tenant_admin');
    if (!permission.roles.includes('tenant_admin')) {
      expect(outsider.json(), 'another tenant’s admin, refused by role').toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    } else {
      const before = await full.countEvents();
      const again = await request(route, 'other_tenant_admin');
      expect(await full.countEvents(), 'another tenant’s admin writes nothing').toBe(before);
      for (const answer of [outsider, again]) {
        if (route.url === '/v1/sync') {
          expect(answer.statusCode).toBe(200);
          expect(answer.json<{ results: { status: number }[] }>().results.map((r) => r.status)).toEqual([404]);
        } else if (route.method === 'GET' && !route.url.includes(':')) {
          // A list names no target: it answers the caller's own tenant, with nothing of the shop's.
          expect(answer.statusCode, answer.body).toBe(200);
          for (const id of [shop.tenantId, shop.branchId, shop.deviceId, shop.cashierId, spare.branchId, spare.deviceId, spare.drawerId, spare.orderId]) {
            expect(answer.body, `another tenant's list shows ${id}`).not.toContain(id);
          }
        } else {
          expect(answer.statusCode, answer.body).toBe(404);
        }
      }
    }

    for (const role of TENANT_ROLES) {
      const answer = await request(route, role);
      if (permission.roles.includes(role)) {
        expect([401, 403], `${role}: ${answer.body}`).not.toContain(answer.statusCode);
        expect(answer.statusCode, `${role}: ${answer.body}`).toBeLessThan(500);
      } else {
        expect(answer.json(), role).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
      }
    }

    const before = await full.countEvents();
    const support = await request(route, 'support');
    if (permission.support === 'read') {
      expect(permission.roles, 'a support read is a platform owner’s').toContain('platform_owner');
      expect(support.statusCode, `support reads the shop's own data: ${support.body}`).toBe(200);
    } else {
      expect(support.json(), 'support').toMatchObject({ status: 403, code: 'SUPPORT_IS_READ_ONLY' });
      expect(await full.countEvents(), 'support writes nothing').toBe(before);
    }
  });
});
