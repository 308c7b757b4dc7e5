import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupportSession } from '../../src/application/commands/support.js';
import type { Principal } from '../../src/application/principal.js';
import type { TenantId, UserId } from '../../src/domain/shared/ids.js';
import { signAccessToken } from '../../src/infrastructure/auth/accessTokens.js';
import { buildApp } from '../../src/infrastructure/http/app.js';
import { headerAuthenticator, as } from '../support/commandApp.js';
import { TENANT_BODY, call, command, openShop, startFullApp, type Shop } from '../support/fullApp.js';

/**
 * Support access (ADR 0009) over the real app: a platform owner reads one tenant's data only
 * through an audited, short, read-only session, checked on every request.
 */

const full = await startFullApp();
afterAll(async () => {
  await full.close();
});

const REASON = 'Ticket #4711: the Z-report of Monday looks wrong';

type Started = Readonly<{ id: string; revision: number; position: string; accessToken: string; tokenType: string; expiresAt: string; endsAt: string }>;
type SessionView = Readonly<{ sessionId: string; ownerId: string; reason: string; status: string; endedAt: string | null; endedBy: string | null }>;

let shop: Shop;
let other: Shop;
let ownerId: string;
let shopOrderId: string;
let otherOrderId: string;

async function openOrderWithLine(at: Shop): Promise<string> {
  const orderId = randomUUID();
  const till = (key: string) => ({ token: at.tokens.cashier, headers: { 'idempotency-key': `${orderId}-${key}` } });
  await command(full.app, '/v1/orders', { ...till('open'), status: 201, body: { orderId, branchId: at.branchId, deviceId: at.deviceId } });
  await command(full.app, `/v1/orders/${orderId}/lines`, {
    ...till('line'),
    body: { lineId: 'l1', sku: 'CROISSANT', name: 'Croissant', unitPrice: 125, quantity: 2, taxRateId: 'standard' },
  });
  return orderId;
}

const start = (tenantId: string, body: object = { reason: REASON }, token = shop.tokens.owner) =>
  call(full.app, 'POST', `/v1/tenants/${tenantId}/support-sessions`, { token, body });

async function started(tenantId: string, body: object = { reason: REASON }): Promise<Started> {
  const response = await start(tenantId, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Started>();
}

/** The three tenant-data reads support may make. */
const reads = (at: Shop, orderId: string) => [`/v1/tenants/${at.tenantId}`, `/v1/employees/${at.cashierId}`, `/v1/orders/${orderId}`];

beforeAll(async () => {
  shop = await openShop(full);
  other = await openShop(full, 'Autre Boulangerie SARL');
  ownerId = decodeJwt(shop.tokens.owner).sub ?? '';
  shopOrderId = await openOrderWithLine(shop);
  otherOrderId = await openOrderWithLine(other);
});

describe('a platform owner without a support session', () => {
  it('reaches no tenant data: the tenant, its employees and orders answer 404', async () => {
    for (const url of reads(shop, shopOrderId)) {
      const response = await call(full.app, 'GET', url, { token: shop.tokens.owner });
      expect(response.json(), url).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
  });
});

describe('starting a support session', () => {
  it('answers 201 with the session id and a read-only token, and records who, why and until when in the tenant’s history', async () => {
    const before = Date.now();
    const session = await started(shop.tenantId, { reason: `  ${REASON}  `, minutes: 20 });
    expect(session).toMatchObject({ revision: expect.any(Number) as number, tokenType: 'Bearer', position: expect.any(String) as string });
    const endsAt = Date.parse(session.endsAt);
    expect(endsAt - before).toBeGreaterThanOrEqual(20 * 60_000 - 1000);
    expect(endsAt - Date.now()).toBeLessThanOrEqual(20 * 60_000);

    const events = await full.eventStore.readStream(`support-${shop.tenantId}`);
    const event = events.find((e) => e.type === 'SupportSessionStarted' && e.data.sessionId === session.id);
    expect(event).toMatchObject({
      tenantId: shop.tenantId,
      streamRevision: session.revision,
      data: { sessionId: session.id, ownerId, reason: REASON, endsAt: session.endsAt },
      metadata: { actor: { userId: ownerId, role: 'platform_owner' } },
    });
  });

  it('caps the token at the session’s end when the session is shorter than a token', async () => {
    const session = await started(shop.tenantId, { reason: REASON, minutes: 1 });
    const claims = decodeJwt(session.accessToken);
    expect(claims).toMatchObject({ tenant_id: shop.tenantId, role: 'platform_owner', support_session: session.id, employee_id: null, device_id: null });
    expect(claims.exp).toBe(Math.floor(Date.parse(session.endsAt) / 1000));
    expect(session.expiresAt).toBe(new Date((claims.exp ?? 0) * 1000).toISOString());
  });

  it('works on a tenant in any status, and keeps the session id the console chose', async () => {
    const registeredOnly = (await command(full.app, '/v1/tenants', { token: shop.tokens.owner, body: TENANT_BODY })).id;
    const sessionId = randomUUID();
    expect((await started(registeredOnly, { reason: REASON, sessionId })).id).toBe(sessionId);
    expect((await start(registeredOnly, { reason: REASON, sessionId })).json()).toMatchObject({ status: 409, code: 'SUPPORT_SESSION_EXISTS' });
  });

  it('is refused without a real reason (422), beyond an hour (400), for an unknown tenant (404) and to anyone but the platform owner (403)', async () => {
    const before = await full.countEvents();
    expect((await start(shop.tenantId, { reason: 'because' })).json()).toMatchObject({ status: 422, code: 'SUPPORT_REASON_REQUIRED' });
    expect((await start(shop.tenantId, { reason: '           ' })).json()).toMatchObject({ status: 422, code: 'SUPPORT_REASON_REQUIRED' });
    expect((await start(shop.tenantId, { reason: 'x'.repeat(501) })).json()).toMatchObject({ status: 422, code: 'SUPPORT_REASON_REQUIRED' });
    expect((await start(shop.tenantId, {})).json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    for (const minutes of [61, 0, 1.5]) {
      expect((await start(shop.tenantId, { reason: REASON, minutes })).json(), String(minutes)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await start(randomUUID(), { reason: REASON })).json()).toMatchObject({ status: 404 });
    expect((await start(shop.tenantId, { reason: REASON }, shop.tokens.admin)).json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    expect(await full.countEvents()).toBe(before);
  });
});

describe('a support token', () => {
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    ({ accessToken: token, id: sessionId } = await started(shop.tenantId));
  });

  it('reads the tenant, an employee with their personal data, and an order', async () => {
    const tenant = await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token });
    expect(tenant.statusCode, tenant.body).toBe(200);
    expect(tenant.json()).toMatchObject({ tenantId: shop.tenantId, legalName: 'Boulangerie Martin SARL', branches: [{ branchId: shop.branchId }] });

    const employee = await call(full.app, 'GET', `/v1/employees/${shop.cashierId}`, { token });
    expect(employee.statusCode, employee.body).toBe(200);
    expect(employee.json()).toMatchObject({ employeeId: shop.cashierId, personalDataStatus: 'visible', personalData: { name: 'Léa Dubois' } });

    const order = await call(full.app, 'GET', `/v1/orders/${shopOrderId}`, { token });
    expect(order.statusCode, order.body).toBe(200);
    expect(order.json()).toMatchObject({ orderId: shopOrderId, status: 'open', lines: [{ lineId: 'l1' }] });
  });

  it('records every read it was let through, before answering, and the tenant’s admin (and auditor) reads that record', async () => {
    const before = (await full.eventStore.readStream(`access-${shop.tenantId}/${sessionId}`)).length;
    await call(full.app, 'GET', `/v1/orders/${shopOrderId}?include=lines`, { token });
    const events = await full.eventStore.readStream(`access-${shop.tenantId}/${sessionId}`);
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ type: 'SupportDataRead', tenantId: shop.tenantId, data: { sessionId, ownerId, method: 'GET', route: '/v1/orders/:orderId', params: { orderId: shopOrderId } } });
    // The query string is not kept: it may hold search text.
    expect(JSON.stringify(events.at(-1)?.data)).not.toContain('include');
    const answer = await call(full.app, 'GET', `/v1/audit/support-sessions/${sessionId}/reads`, { token: shop.tokens.admin });
    expect(answer.statusCode, answer.body).toBe(200);
    const { reads } = answer.json<{ reads: { route: string; params: Record<string, string> }[] }>();
    expect(reads.map((r) => r.route)).toEqual(expect.arrayContaining(['/v1/tenants/:tenantId', '/v1/employees/:employeeId', '/v1/orders/:orderId']));
    expect(reads.at(-1)).toMatchObject({ route: '/v1/orders/:orderId', params: { orderId: shopOrderId } });
    // Another tenant's admin, and a session that is not the tenant's: 404.
    expect((await call(full.app, 'GET', `/v1/audit/support-sessions/${sessionId}/reads`, { token: other.tokens.admin })).statusCode).toBe(404);
    expect((await call(full.app, 'GET', `/v1/audit/support-sessions/${randomUUID()}/reads`, { token: shop.tokens.admin })).statusCode).toBe(404);
  });

  it('finds nothing of another tenant (404)', async () => {
    for (const url of [...reads(other, otherOrderId), `/v1/employees/${other.adminId}`]) {
      const response = await call(full.app, 'GET', url, { token });
      expect(response.json(), url).toMatchObject({ status: 404 });
    }
  });

  it('changes nothing: every command answers 403 SUPPORT_IS_READ_ONLY and writes no event', async () => {
    const before = await full.countEvents();
    const attempts: readonly (readonly [string, object | undefined])[] = [
      [`/v1/orders/${shopOrderId}/void`, { reason: 'Mistake' }],
      [`/v1/orders/${shopOrderId}/lines`, { lineId: 'l2', sku: 'PAIN', name: 'Pain', unitPrice: 100, quantity: 1, taxRateId: 'standard' }],
      [`/v1/tenants/${shop.tenantId}/branches`, { name: 'Gare' }],
      [`/v1/tenants/${shop.tenantId}/suspend`, { reason: 'Unpaid invoice' }],
      ['/v1/employees', { personalData: { name: 'X', email: 'x@shop.example' }, role: 'cashier', branchIds: [shop.branchId] }],
      [`/v1/employees/${shop.cashierId}/credentials`, { pin: '1234' }],
      [`/v1/tenants/${shop.tenantId}/support-sessions`, { reason: REASON }],
      [`/v1/tenants/${shop.tenantId}/support-sessions/${sessionId}/token`, undefined],
      [`/v1/tenants/${shop.tenantId}/support-sessions/${sessionId}/end`, undefined],
      ['/v1/sync', { deviceId: shop.deviceId, commands: [] }],
    ];
    for (const [url, body] of attempts) {
      const response = await call(full.app, 'POST', url, { token, body, headers: { 'idempotency-key': randomUUID() } });
      expect(response.json(), url).toMatchObject({ status: 403, code: 'SUPPORT_IS_READ_ONLY' });
    }
    const list = await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}/support-sessions`, { token });
    expect(list.json(), 'not even its own list: the console’s plain token reads it').toMatchObject({ status: 403, code: 'SUPPORT_IS_READ_ONLY' });
    expect(await full.countEvents()).toBe(before);
  });

  it('is refused when forged for a tenant the session is not of (401)', async () => {
    const forged = await signAccessToken(
      full.keys,
      full.auth,
      { userId: ownerId, tenantId: other.tenantId, role: 'platform_owner', employeeId: null, deviceId: null, branchIds: [], supportSessionId: sessionId },
      new Date(),
      randomUUID(),
    );
    const response = await call(full.app, 'GET', `/v1/tenants/${other.tenantId}`, { token: forged });
    expect(response.json()).toMatchObject({ status: 401, code: 'SESSION_ENDED' });
  });

  it('is refused when its claims break the shape of a support token (401)', async () => {
    const claims = { userId: ownerId, tenantId: null, role: 'platform_owner', employeeId: null, deviceId: null, branchIds: [], supportSessionId: sessionId } as const;
    const noTenant = await signAccessToken(full.keys, full.auth, claims, new Date(), randomUUID());
    expect((await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token: noTenant })).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });
});

describe('ending a session', () => {
  it('cuts its tokens off at once (401), refuses new ones (409), and shows in the list', async () => {
    const session = await started(shop.tenantId);
    const url = `/v1/tenants/${shop.tenantId}`;
    expect((await call(full.app, 'GET', url, { token: session.accessToken })).statusCode).toBe(200);

    const fresh = await call(full.app, 'POST', `${url}/support-sessions/${session.id}/token`, { token: shop.tokens.owner });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.headers['cache-control']).toBe('no-store');
    const refreshed = fresh.json<{ sessionId: string; accessToken: string; endsAt: string }>();
    expect(refreshed).toMatchObject({ sessionId: session.id, endsAt: session.endsAt });

    const ended = await call(full.app, 'POST', `${url}/support-sessions/${session.id}/end`, { token: shop.tokens.owner });
    expect(ended.json()).toMatchObject({ id: session.id, revision: session.revision + 1 });

    for (const token of [session.accessToken, refreshed.accessToken]) {
      const response = await call(full.app, 'GET', url, { token });
      expect(response.json()).toMatchObject({ status: 401, code: 'SESSION_ENDED' });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await call(full.app, 'POST', `${url}/support-sessions/${session.id}/token`, { token: shop.tokens.owner })).json()).toMatchObject({
      status: 409,
      code: 'SUPPORT_SESSION_NOT_ACTIVE',
    });
    expect((await call(full.app, 'POST', `${url}/support-sessions/${session.id}/end`, { token: shop.tokens.owner })).json()).toMatchObject({
      status: 409,
      code: 'SUPPORT_SESSION_NOT_ACTIVE',
    });
    const event = (await full.eventStore.readStream(`support-${shop.tenantId}`)).at(-1);
    expect(event).toMatchObject({ type: 'SupportSessionEnded', tenantId: shop.tenantId, data: { sessionId: session.id, endedBy: ownerId } });
  });

  it('answers 404 for a session that never was', async () => {
    const response = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/support-sessions/${randomUUID()}/end`, { token: shop.tokens.owner });
    expect(response.json()).toMatchObject({ status: 404, code: 'SUPPORT_SESSION_NOT_FOUND' });
    const token = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/support-sessions/${randomUUID()}/token`, { token: shop.tokens.owner });
    expect(token.json()).toMatchObject({ status: 404 });
  });
});

describe('an expired session', () => {
  let sessionId: string;
  const owner = (): Principal => ({
    userId: ownerId as UserId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null,
  });

  beforeAll(async () => {
    // Started two hours ago for 30 minutes, through the application with the clock set back.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const envelope = { principal: owner(), occurredAt: twoHoursAgo, correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null };
    const { grant } = await startSupportSession({ ...full.deps, clock: { now: () => twoHoursAgo } }, envelope, {
      tenantId: shop.tenantId, sessionId: randomUUID(), reason: REASON, minutes: 30,
    });
    sessionId = grant.sessionId;
  });

  it('refuses a token still valid as a JWT: the session is checked on every request (401)', async () => {
    const claims = { userId: ownerId, tenantId: shop.tenantId as TenantId, role: 'platform_owner', employeeId: null, deviceId: null, branchIds: [], supportSessionId: sessionId } as const;
    const token = await signAccessToken(full.keys, full.auth, claims, new Date(), randomUUID());
    expect((await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token })).json()).toMatchObject({ status: 401, code: 'SESSION_ENDED' });
  });

  it('gives no new token (409) and cannot be ended (409)', async () => {
    for (const action of ['token', 'end']) {
      const response = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/support-sessions/${sessionId}/${action}`, { token: shop.tokens.owner });
      expect(response.json(), action).toMatchObject({ status: 409, code: 'SUPPORT_SESSION_NOT_ACTIVE' });
    }
  });
});

describe('the list of support sessions', () => {
  it('shows the tenant admin who looked at the data, why, and how it ended', async () => {
    const session = await started(shop.tenantId, { reason: 'Customer call: refund not showing' });
    const response = await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}/support-sessions`, { token: shop.tokens.admin });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toMatch(/^"\d+"$/);
    const { sessions } = response.json<{ sessions: SessionView[] }>();
    expect(sessions.find((s) => s.sessionId === session.id)).toMatchObject({
      ownerId, reason: 'Customer call: refund not showing', status: 'active', endedAt: null, endedBy: null,
    });
    expect(new Set(sessions.map((s) => s.status))).toEqual(new Set(['active', 'ended', 'expired']));
    expect(sessions.find((s) => s.status === 'ended')).toMatchObject({ endedBy: ownerId });
  });

  it('is read by the platform owner’s console token too', async () => {
    const response = await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}/support-sessions`, { token: shop.tokens.owner });
    expect(response.statusCode).toBe(200);
    expect((await call(full.app, 'GET', `/v1/tenants/${randomUUID()}/support-sessions`, { token: shop.tokens.owner })).statusCode).toBe(404);
  });

  it('answers another tenant’s admin 404 and the tenant’s cashier and manager 403', async () => {
    const url = `/v1/tenants/${shop.tenantId}/support-sessions`;
    expect((await call(full.app, 'GET', url, { token: other.tokens.admin })).json()).toMatchObject({ status: 404 });
    for (const token of [shop.tokens.cashier, shop.tokens.manager]) {
      expect((await call(full.app, 'GET', url, { token })).json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    }
  });
});

describe('the access log', () => {
  it('logs every request made under a support session at info: the session, tenant, method and URL, refused ones too', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const app = await buildApp({
      logger: pino({ level: 'info' }, sink),
      authenticate: headerAuthenticator,
      readinessChecks: {},
      routes: (instance) => {
        const permission = { roles: ['platform_owner'], scope: 'tenant' } as const;
        instance.get('/v1/probe', { config: { permission: { ...permission, support: 'read' } } }, () => ({ ok: true }));
        instance.post('/v1/probe', { config: { permission } }, () => ({ ok: true }));
      },
    });
    const support: Principal = {
      userId: 'owner' as UserId, role: 'platform_owner', tenantId: 'tenant-a' as TenantId, employeeId: null, deviceId: null, branchIds: [],
      support: { sessionId: 'session-1', reason: REASON, endsAt: new Date(Date.now() + 60_000).toISOString() },
    };
    expect((await app.inject({ method: 'GET', url: '/v1/probe?x=1', headers: as(support) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/probe', headers: as(support) })).json()).toMatchObject({ status: 403, code: 'SUPPORT_IS_READ_ONLY' });
    expect((await app.inject({ method: 'GET', url: '/v1/probe', headers: as({ ...support, support: null }) })).statusCode).toBe(200);
    await app.close();
    const logged = lines.filter((line) => line.msg === 'support access');
    expect(logged).toEqual([
      expect.objectContaining({ level: 30, supportSessionId: 'session-1', tenantId: 'tenant-a', method: 'GET', url: '/v1/probe?x=1' }),
      expect.objectContaining({ level: 30, supportSessionId: 'session-1', tenantId: 'tenant-a', method: 'POST', url: '/v1/probe' }),
    ]);
  });
});
