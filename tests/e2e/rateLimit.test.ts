import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShop, startFullApp, type FullApp, type Shop } from '../support/fullApp.js';

/** Small limits so a test can reach them; the defaults are in plugins/rateLimit.ts. */
const ENV = { RATE_LIMIT_PER_ADDRESS: '20', RATE_LIMIT_PER_TENANT: '1000', RATE_LIMIT_SYNC_PER_ADDRESS: '3', RATE_LIMIT_SYNC_PER_TENANT: '100' };

let full: FullApp;
let shop: Shop;
beforeAll(async () => {
  full = await startFullApp(ENV);
  shop = await openShop(full);
});
afterAll(async () => {
  await full.close();
});

const get = (remoteAddress: string, url: string, headers: Record<string, string> = {}) =>
  full.app.inject({ method: 'GET', url, remoteAddress, headers: { authorization: `Bearer ${shop.tokens.admin}`, ...headers } });

describe('rate limits', () => {
  it('given 20 per address, when an address sends a 21st request, then 429 problem+json RATE_LIMITED with Retry-After and the RateLimit headers; another address is served', async () => {
    for (let i = 0; i < 20; i += 1) {
      const answer = await get('192.0.2.1', `/v1/tenants/${shop.tenantId}`);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['ratelimit-limit']).toBe('20');
      expect(answer.headers['ratelimit-remaining']).toBe(String(19 - i));
    }
    const refused = await get('192.0.2.1', `/v1/tenants/${shop.tenantId}`);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
    // Unauthenticated sign-in floods from that address are refused too, before any hashing.
    const signIn = await full.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '192.0.2.1', payload: { email: 'x@y.example', password: 'not the password' } });
    expect(signIn.statusCode).toBe(429);
    expect((await get('192.0.2.2', `/v1/tenants/${shop.tenantId}`)).statusCode).toBe(200);
  });

  it('health and readiness are never limited', async () => {
    for (let i = 0; i < 25; i += 1) {
      expect((await full.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.3' })).statusCode).toBe(200);
      expect((await full.app.inject({ method: 'GET', url: '/ready', remoteAddress: '192.0.2.3' })).statusCode).toBe(200);
    }
  });

  it('a sync batch of more commands than the per-address limit is served: its commands are not counted again', async () => {
    const commands = Array.from({ length: 30 }, () => ({
      idempotencyKey: randomUUID(),
      clientTime: new Date().toISOString(),
      method: 'POST',
      path: '/v1/orders',
      body: { orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId },
    }));
    const answer = await full.app.inject({
      method: 'POST',
      url: '/v1/sync',
      remoteAddress: '192.0.2.4',
      headers: { authorization: `Bearer ${shop.tokens.cashier}` },
      payload: { deviceId: shop.deviceId, commands },
    });
    expect(answer.statusCode).toBe(200);
    const results = answer.json<{ results: { status: number }[] }>().results;
    expect(results.map((result) => result.status)).toEqual(commands.map(() => 201));
    // Sync has its own budget (3 a window here).
    expect(answer.headers['ratelimit-limit']).toBe('3');
  });

  it('a client that sets the sync dispatch header itself is counted like any other request', async () => {
    for (let i = 0; i < 20; i += 1) expect((await get('192.0.2.5', `/v1/tenants/${shop.tenantId}`, { 'x-tillstream-sync': '1' })).statusCode).toBe(200);
    expect((await get('192.0.2.5', `/v1/tenants/${shop.tenantId}`, { 'x-tillstream-sync': '1' })).statusCode).toBe(429);
  });
});
