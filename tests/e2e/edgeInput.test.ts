import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { call, withShop } from '../support/fullApp.js';

/**
 * One rule at the edge for every string and every body (finding 3 of issue 8): what no field may
 * hold (NUL and other control characters, lone surrogates, non-characters) and how deep a body may
 * nest are refused with 400 problem+json before any handler, store or serializer sees them.
 */
describe('hostile input at the edge of the real app', () => {
  const given = withShop();

  function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status, code });
  }
  const raw = (url: string, payload: string, headers: Readonly<Record<string, string>> = {}) =>
    given.full.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
  const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  describe('control characters in a string of any body', () => {
    it('a NUL in the sign-in email is 400 INVALID_CHARACTERS, pointing at the field', async () => {
      const response = await call(given.full.app, 'POST', '/v1/auth/login', { body: { email: 'a\u0000@shop.example', password: 'whatever it is' } });
      expectProblem(response, 400, 'INVALID_CHARACTERS');
      expect(response.json()).toMatchObject({ errors: [{ path: '/email' }] });
    });

    it('a NUL in a hired employee’s email is 400, and no employee is hired', async () => {
      const before = await given.full.countEvents();
      const response = await call(given.full.app, 'POST', '/v1/employees', {
        token: given.shop.tokens.admin,
        body: { personalData: { name: 'Nul Byte', email: 'nul\u0000@shop.example' }, role: 'branch_manager', branchIds: [given.shop.branchId], password: 'a good long password' },
      });
      expectProblem(response, 400, 'INVALID_CHARACTERS');
      expect(response.json()).toMatchObject({ errors: [{ path: '/personalData/email' }] });
      expect(await given.full.countEvents()).toBe(before);
    });

    it.each([
      ['a NUL', 'a\u0000b'],
      ['a bell', 'a\u0007b'],
      ['an escape', '\u001b[31m'],
      ['a DEL', 'a\u007fb'],
      ['a lone high surrogate', 'a\ud800b'],
      ['a lone low surrogate', 'a\udc00b'],
      ['U+FFFE', 'a\ufffeb'],
      ['U+FFFF', 'a\uffffb'],
    ])('%s anywhere in a body, even in a key or deep in an array, is refused', async (_name, bad) => {
      for (const body of [{ email: bad, password: 'x' }, { email: 'a@b.example', password: 'x', [bad]: 1 }, { email: 'a@b.example', password: ['x', [bad]] }]) {
        const response = await raw('/v1/auth/login', JSON.stringify(body));
        expectProblem(response, 400, 'INVALID_CHARACTERS');
      }
    });

    it('an escaped NUL is the same NUL', async () => {
      expectProblem(await raw('/v1/auth/login', '{"email":"a\\u0000@b.example","password":"x"}'), 400, 'INVALID_CHARACTERS');
    });

    it('tabs, line breaks and every other character are let through to the schema', async () => {
      const response = await call(given.full.app, 'POST', '/v1/auth/login', { body: { email: 'no-such-user@shop.example', password: 'tab\there\nnewline\r 😀 ü' } });
      expect(response.statusCode, response.body).toBe(401);
    });
  });

  describe('single-line fields (ids, emails, names) take no line breaks or tabs', () => {
    it.each(['\n', '\t', '\r', '\u2028', '\u0085'])('a name with %j is a validation failure', async (bad) => {
      const response = await call(given.full.app, 'POST', `/v1/tenants/${given.shop.tenantId}/branches`, { token: given.shop.tokens.admin, body: { name: `North${bad}Side` } });
      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('a free-text reason may hold a line break', async () => {
      const response = await call(given.full.app, 'POST', `/v1/employees/${randomUUID()}/suspend`, { token: given.shop.tokens.admin, body: { reason: 'first line\nsecond line' } });
      expectProblem(response, 404, 'NOT_FOUND');
    });
  });

  describe('nesting depth', () => {
    it('a sync command body nested 5,000 deep is 400 BODY_TOO_DEEP, not a stack overflow', async () => {
      const { shop } = given;
      const command = `{"idempotencyKey":"deep-1","clientTime":"${new Date().toISOString()}","method":"POST","path":"/v1/orders","body":${nested(5000)}}`;
      const response = await raw('/v1/sync', `{"deviceId":"${shop.deviceId}","commands":[${command}]}`, { authorization: `Bearer ${shop.tokens.cashier}` });
      expectProblem(response, 400, 'BODY_TOO_DEEP');
    });

    it('the same on a public route, before anything else looks at the body', async () => {
      const response = await raw('/v1/auth/login', nested(100_000));
      expectProblem(response, 400, 'BODY_TOO_DEEP');
      expectProblem(await raw('/v1/auth/login', `${'['.repeat(40)}${']'.repeat(40)}`), 400, 'BODY_TOO_DEEP');
    });

    it('32 levels are enough for any command and are let through to the schema', async () => {
      expectProblem(await raw('/v1/auth/login', nested(31)), 400, 'VALIDATION_FAILED');
    });
  });

  it('__proto__ and constructor.prototype in a body are still refused', async () => {
    expectProblem(await raw('/v1/auth/login', '{"email":"a@b.example","password":"x","__proto__":{"admin":true}}'), 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
    expectProblem(await raw('/v1/auth/login', '{"email":"a@b.example","password":"x","constructor":{"prototype":{"admin":true}}}'), 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
  });

  describe('X-Client-Time is read as strictly as a synced command’s clientTime', () => {
    const openOrder = (clientTime: string) =>
      call(given.full.app, 'POST', '/v1/orders', {
        token: given.shop.tokens.cashier,
        body: { orderId: randomUUID(), branchId: given.shop.branchId, deviceId: given.shop.deviceId },
        headers: { 'idempotency-key': randomUUID(), 'x-client-time': clientTime },
      });
    const year = new Date().getUTCFullYear();

    it.each([
      ['a day that does not exist', `${year}-11-31T10:00:00Z`],
      ['February 30th', `${year}-02-30T10:00:00+01:00`],
      ['hour 24', `${year}-11-21T24:00:00Z`],
      ['no offset (read in the server’s zone)', `${year}-11-21T10:00:00`],
      ['a date alone', `${year}-11-21`],
      ['a bare number', '1700000000000'],
    ])('%s is 400 INVALID_CLIENT_TIME', async (_name, value) => {
      expectProblem(await openOrder(value), 400, 'INVALID_CLIENT_TIME');
    });

    it('an offset time within the window is taken', async () => {
      const now = new Date(Date.now() - 60_000);
      const response = await openOrder(now.toISOString().replace('Z', '+00:00'));
      expect(response.statusCode, response.body).toBe(201);
    });
  });

  describe('headers the app records never carry a control character to the database', () => {
    const openOrder = (headers: Readonly<Record<string, string>>) =>
      call(given.full.app, 'POST', '/v1/orders', {
        token: given.shop.tokens.manager,
        body: { orderId: randomUUID(), branchId: given.shop.branchId, deviceId: given.shop.deviceId },
        headers,
      });

    it.each(['idempotency-key', 'x-client-time', 'if-match', 'x-correlation-id', 'x-causation-id', 'x-request-id', 'traceparent', 'tracestate', 'authorization', 'x-anything'])(
      'a NUL or a line break in %s is 400 INVALID_CHARACTERS, before authentication',
      async (name) => {
        for (const bad of ['a\u0000b', 'a\nb', 'a\u001fb']) {
          const response = await given.full.app.inject({ method: 'POST', url: '/v1/orders', headers: { 'content-type': 'application/json', [name]: bad }, payload: '{}' });
          expectProblem(response, 400, 'INVALID_CHARACTERS');
          expect(response.json()).toMatchObject({ errors: [{ path: `header ${name}` }] });
        }
      },
    );

    it('a NUL in a route parameter or the query string is refused the same way', async () => {
      expectProblem(await call(given.full.app, 'GET', '/v1/orders/a%00b', { token: given.shop.tokens.manager }), 400, 'INVALID_CHARACTERS');
      expectProblem(await call(given.full.app, 'GET', `/v1/tenants/${given.shop.tenantId}?q=%00`, { token: given.shop.tokens.manager }), 400, 'INVALID_CHARACTERS');
    });

    it('correlation ids, causation ids, trace state and request ids that are not sane are dropped, not stored', async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const response = await openOrder({
        'x-correlation-id': 'not an id',
        'x-causation-id': 'x'.repeat(129),
        'x-request-id': 'r'.repeat(10_000),
        traceparent,
        tracestate: `vendor=${'v'.repeat(600)}`,
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.headers['x-request-id']).toMatch(/^[\da-f-]{36}$/);
      const events = await given.full.eventStore.readStream(`order-${given.shop.tenantId}/${response.json<{ id: string }>().id}`);
      expect(events).toHaveLength(1);
      expect(events[0]?.metadata).toMatchObject({ correlationId: response.headers['x-request-id'], causationId: null, traceContext: { traceparent } });
      expect(events[0]?.metadata.traceContext).not.toHaveProperty('tracestate');
    });
  });
});
