import { randomUUID } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, type AccessClaims } from '../../src/infrastructure/auth/accessTokens.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { privateJwk } from './authHarness.js';
import { PASSWORD, PIN, call, openShop, startFullApp, type FullApp, type Shop } from '../support/fullApp.js';

/**
 * What a hostile or buggy client tries against the real app: another tenant's ids, oversized
 * bodies, fields it may not set, password guessing and forged tokens. Token forgery is covered in
 * depth on a dummy route by authAttacks.test.ts; here the main forgeries hit a real /v1 route.
 */
describe('attacks on the real app', () => {
  let full: FullApp;
  let shop: Shop;
  let rival: Shop;
  let orderId: string;

  beforeAll(async () => {
    full = await startFullApp();
    shop = await openShop(full);
    rival = await openShop(full, 'Rival Bakery Ltd');
    orderId = randomUUID();
    const opened = await till(shop, 'POST', '/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId });
    expect(opened.statusCode).toBe(201);
  });
  afterAll(async () => {
    await full.close();
  });

  function till(as: Shop, method: 'GET' | 'POST', url: string, body?: unknown, key: string = randomUUID()) {
    return call(full.app, method, url, { token: as.tokens.cashier, body, headers: { 'idempotency-key': key } });
  }
  /** Runs the attack; expects `status` and that the event log did not grow. */
  async function refused(attack: () => ReturnType<typeof call>, status: number): Promise<void> {
    const before = await full.countEvents();
    const response = await attack();
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await full.countEvents()).toBe(before);
  }

  describe("another tenant's resources answer 404, as if they did not exist, and nothing is written", () => {
    const asRivalAdmin = (method: 'GET' | 'POST', url: string, body?: unknown) => call(full.app, method, url, { token: rival.tokens.admin, body });

    it('an order, read or changed by id', async () => {
      await refused(() => asRivalAdmin('GET', `/v1/orders/${orderId}`), 404);
      await refused(() => asRivalAdmin('POST', `/v1/orders/${orderId}/void`, { reason: 'sabotage' }), 404);
      await refused(() => till(rival, 'POST', `/v1/orders/${orderId}/lines`, { lineId: 'x', sku: 'X', name: 'X', unitPrice: 1, quantity: 1, taxRateId: 'standard' }), 404);
    });

    it('an employee, read or administered by id', async () => {
      await refused(() => asRivalAdmin('GET', `/v1/employees/${shop.cashierId}`), 404);
      await refused(() => asRivalAdmin('POST', `/v1/employees/${shop.cashierId}/suspend`, { reason: 'sabotage' }), 404);
      await refused(() => asRivalAdmin('POST', `/v1/employees/${shop.managerId}/credentials`, { password: 'a new password 123' }), 404);
      await refused(() => asRivalAdmin('POST', `/v1/employees/${shop.cashierId}/clock-in`, { branchId: shop.branchId }), 404);
      // The manager's login still works with the old password.
      expect((await call(full.app, 'GET', `/v1/employees/${shop.managerId}`, { token: shop.tokens.manager })).statusCode).toBe(200);
    });

    it('a tenant and its devices, by id', async () => {
      await refused(() => asRivalAdmin('GET', `/v1/tenants/${shop.tenantId}`), 404);
      await refused(() => asRivalAdmin('POST', `/v1/tenants/${shop.tenantId}/legal-name`, { legalName: 'Hijacked' }), 404);
      await refused(() => asRivalAdmin('POST', `/v1/tenants/${shop.tenantId}/devices/${shop.deviceId}/deactivate`, { reason: 'sabotage' }), 404);
      // Our device id inside the rival's own tenant is no device of theirs.
      await refused(() => asRivalAdmin('POST', `/v1/tenants/${rival.tenantId}/devices/${shop.deviceId}/deactivate`, { reason: 'sabotage' }), 404);
      await refused(() => asRivalAdmin('POST', '/v1/employees', { personalData: { name: 'Mole', email: 'mole@rival.example' }, role: 'cashier', branchIds: [shop.branchId] }), 404);
    });

    it("an Idempotency-Key of another tenant's till does not replay that tenant's answer", async () => {
      const key = `till-1:${randomUUID()}`;
      const line = { lineId: 'l-key', sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 1, taxRateId: 'standard' };
      expect((await till(shop, 'POST', `/v1/orders/${orderId}/lines`, line, key)).statusCode).toBe(200);
      const stolen = await till(rival, 'POST', `/v1/orders/${orderId}/lines`, line, key);
      expect(stolen.headers['idempotent-replayed']).toBeUndefined();
      expect(stolen.statusCode).toBe(404);
    });
  });

  describe('bodies', () => {
    const LIMIT = 1024 * 1024;
    const sized = (bytes: number) => {
      const prefix = '{"reason":"';
      return `${prefix}${'x'.repeat(bytes - prefix.length - 2)}"}`;
    };
    const post = (payload: string) =>
      full.app.inject({ method: 'POST', url: `/v1/orders/${orderId}/void`, payload, headers: { authorization: `Bearer ${shop.tokens.manager}`, 'content-type': 'application/json' } });

    it('one byte over 1 MiB answers 413; exactly 1 MiB is read (and refused by its schema)', async () => {
      expect(Buffer.byteLength(sized(LIMIT + 1))).toBe(LIMIT + 1);
      const before = await full.countEvents();
      expect((await post(sized(LIMIT + 1))).statusCode).toBe(413);
      expect((await post(sized(LIMIT))).statusCode).toBe(400);
      expect(await full.countEvents()).toBe(before);
    });

    it('fields a client may not set are refused (400), never applied', async () => {
      const line = { lineId: 'l-mass', sku: 'X', name: 'X', unitPrice: 100, quantity: 1, taxRateId: 'standard' };
      const admin = (url: string, body: unknown) => call(full.app, 'POST', url, { token: shop.tokens.admin, body });
      await refused(() => till(shop, 'POST', '/v1/orders', { orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId, tenantId: rival.tenantId }), 400);
      await refused(() => till(shop, 'POST', `/v1/orders/${orderId}/lines`, { ...line, total: 1, tax: 0 }), 400);
      await refused(() => till(shop, 'POST', `/v1/orders/${orderId}/discounts`, {
        discountId: 'd-mass', target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 9000 }, reason: 'x', approvedBy: { userId: shop.managerId, role: 'branch_manager' },
      }), 400);
      const person = { name: 'Eve', email: `eve-${randomUUID()}@shop.example` };
      await refused(() => admin('/v1/employees', { personalData: person, role: 'platform_owner', branchIds: [], password: PASSWORD }), 400);
      await refused(() => admin('/v1/employees', { personalData: person, role: 'cashier', branchIds: [shop.branchId], tenantId: rival.tenantId }), 400);
      await refused(() => admin(`/v1/employees/${shop.cashierId}/role`, { role: 'platform_owner' }), 400);
      await refused(() => admin(`/v1/tenants/${shop.tenantId}/legal-name`, { legalName: 'X', status: 'active' }), 400);
      // The platform-owner login never came to be.
      expect((await call(full.app, 'POST', '/v1/auth/login', { body: { email: person.email, password: PASSWORD } })).statusCode).toBe(401);
    });
  });

  describe('guessing credentials', () => {
    const attempt = (remoteAddress: string, url: string, payload: object) => full.app.inject({ method: 'POST', url, payload, remoteAddress });

    it('a sixth wrong password for one account from one address answers 429 with Retry-After, even when right; the owner elsewhere signs in', async () => {
      const email = (await full.accounts.findById(shop.managerId))?.email ?? '';
      for (let i = 0; i < 5; i += 1) expect((await attempt('198.51.100.1', '/v1/auth/login', { email, password: `guess number ${i}` })).statusCode).toBe(401);
      // No lockout handed to the guesser: the owner from another address gets in.
      expect((await attempt('198.51.100.2', '/v1/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
      for (const password of ['guess number 5', PASSWORD]) {
        const throttled = await attempt('198.51.100.1', '/v1/auth/login', { email, password });
        expect(throttled.statusCode).toBe(429);
        expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
        expect(throttled.json()).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
      }
    });

    it('PIN guessing on a till is throttled the same way', async () => {
      const pin = (value: string) => attempt('198.51.100.3', '/v1/auth/pin', { deviceId: shop.deviceId, employeeId: shop.cashierId, pin: value });
      for (const guess of ['0000', '1111', '1234', '2222', '9999']) expect((await pin(guess)).statusCode).toBe(401);
      const throttled = await pin(PIN);
      expect(throttled.statusCode).toBe(429);
      expect(throttled.headers['retry-after']).toMatch(/^\d+$/);
    });

    it('one address spraying many accounts is throttled after 20 failures', async () => {
      for (let i = 0; i < 20; i += 1) {
        expect((await attempt('203.0.113.9', '/v1/auth/login', { email: `nobody-${i}@shop.example`, password: 'not the password' })).statusCode).toBe(401);
      }
      expect((await attempt('203.0.113.9', '/v1/auth/login', { email: 'someone-else@shop.example', password: 'not the password' })).statusCode).toBe(429);
    });

    it('a burst of parallel guesses gets no more tries than the limit', async () => {
      const email = `burst-${randomUUID()}@shop.example`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => attempt('203.0.113.77', '/v1/auth/login', { email, password: `parallel guess ${i}` })),
      );
      const statuses = answers.map((answer) => answer.statusCode);
      expect(statuses.filter((status) => status === 401)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    });

    it('behind a trusted proxy the throttle counts the forwarded client; an untrusted sender cannot pick its address', async () => {
      const proxied = await startFullApp({ TRUST_PROXY: '10.0.0.0/8' });
      try {
        const login = (remoteAddress: string, forwardedFor: string, i: number) =>
          proxied.app.inject({
            method: 'POST',
            url: '/v1/auth/login',
            payload: { email: `nobody-${i}@shop.example`, password: 'not the password' },
            remoteAddress,
            headers: { 'x-forwarded-for': forwardedFor },
          });
        for (let i = 0; i < 20; i += 1) expect((await login('10.0.0.2', '203.0.113.50', i)).statusCode).toBe(401);
        expect((await login('10.0.0.2', '203.0.113.50', 99)).statusCode).toBe(429);
        // Another client behind the same balancer is not locked out with the first.
        expect((await login('10.0.0.2', '203.0.113.51', 99)).statusCode).toBe(401);
        // A sender outside the trusted range is counted as itself, whatever it claims.
        expect((await login('198.51.100.77', '203.0.113.52', 99)).statusCode).toBe(401);
        for (let i = 0; i < 20; i += 1) await login('198.51.100.78', `203.0.113.${i}`, i);
        expect((await login('198.51.100.78', '203.0.113.200', 99)).statusCode).toBe(429);
      } finally {
        await proxied.close();
      }
    });
  });

  describe('forged or misused tokens on a real route answer 401 (in depth: authAttacks.test.ts)', () => {
    const read = (token: string) => call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token });
    const claims = (): AccessClaims => ({ userId: shop.adminId, tenantId: shop.tenantId, role: 'tenant_admin', employeeId: shop.adminId, deviceId: null, branchIds: [] });
    const part = (value: object) => base64url.encode(JSON.stringify(value));

    it('a genuine token passes (control)', async () => {
      expect((await read(shop.tokens.admin)).statusCode).toBe(200);
      expect((await read(await signAccessToken(full.keys, full.auth, claims(), new Date(), 'ok'))).statusCode).toBe(200);
    });

    it('alg none, and HS256 signed with the public key', async () => {
      const payload = shop.tokens.admin.split('.')[1] ?? '';
      expect((await read(`${part({ alg: 'none', typ: 'at+jwt', kid: full.keys.signer.kid })}.${payload}.`)).statusCode).toBe(401);
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({ token_use: 'access', tenant_id: shop.tenantId, role: 'tenant_admin', employee_id: shop.adminId, device_id: null, branch_ids: [] })
        .setProtectedHeader({ alg: 'HS256', kid: full.keys.signer.kid, typ: 'at+jwt' })
        .setIssuer(full.auth.issuer).setAudience(full.auth.audience).setSubject(shop.adminId).setJti('forged').setIssuedAt(now).setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(JSON.stringify(full.keys.jwks.keys[0])));
      expect((await read(forged)).statusCode).toBe(401);
    });

    it('expired, for another issuer or audience, or signed by an unknown kid', async () => {
      const expired = await signAccessToken(full.keys, full.auth, claims(), new Date(Date.now() - (full.auth.accessTokenTtlSeconds + 60) * 1000), 'old');
      const issuer = await signAccessToken(full.keys, { ...full.auth, issuer: 'someone-else' }, claims(), new Date(), 'iss');
      const audience = await signAccessToken(full.keys, { ...full.auth, audience: 'another-api' }, claims(), new Date(), 'aud');
      const stranger = await signAccessToken(await loadSigningKeys([await privateJwk('key-stranger')]), full.auth, claims(), new Date(), 'kid');
      for (const token of [expired, issuer, audience, stranger]) expect((await read(token)).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    });

    it('a refresh token used as an access token', async () => {
      const email = (await full.accounts.findById(shop.adminId))?.email ?? '';
      const { refreshToken } = (await call(full.app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } })).json<{ refreshToken: string }>();
      expect((await read(refreshToken)).statusCode).toBe(401);
    });

    it('a token whose claims were edited (role raised to platform owner)', async () => {
      const [header, payload, signature] = shop.tokens.manager.split('.') as [string, string, string];
      const edited = { ...(JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as object), role: 'platform_owner', tenant_id: null };
      expect((await call(full.app, 'POST', '/v1/tenants/x/suspend', { token: `${header}.${part(edited)}.${signature}`, body: { reason: 'x' } })).statusCode).toBe(401);
    });
  });
});
