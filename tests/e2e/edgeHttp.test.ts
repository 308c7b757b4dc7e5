import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/infrastructure/http/app.js';
import { idSchema, zodApp } from '../../src/infrastructure/http/routes/commandRoute.js';
import { as, headerAuthenticator } from '../support/commandApp.js';

/**
 * Every error the HTTP layer answers on its own, before a route runs (a URL that does not decode,
 * a path segment over the router's limit, a bad CORS preflight, a body that is not JSON, too large
 * or empty, a request that is not HTTP at all), is problem+json with a stable code, like the rest.
 */
describe('errors answered before any route are problem+json', () => {
  let app: FastifyInstance;
  const origin = 'https://backoffice.example';
  const caller = as({ userId: 'u', role: 'tenant_admin', tenantId: 't', employeeId: 'e', deviceId: null, branchIds: [], support: null } as never);

  beforeAll(async () => {
    app = await buildApp({
      logger: pino({ level: 'silent' }),
      authenticate: headerAuthenticator,
      readinessChecks: {},
      corsOrigins: [origin],
      bodyLimit: 1024,
      routes: (instance) => {
        const permission = { roles: ['tenant_admin'], scope: 'tenant' } as const;
        zodApp(instance).post(
          '/v1/things/:thingId',
          { schema: { params: z.object({ thingId: idSchema }), body: z.object({ name: z.string().max(100) }) }, config: { permission } },
          (request) => ({ id: request.params.thingId, name: request.body.name }),
        );
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status, code, type: 'about:blank', title: expect.any(String) as string });
  }
  const post = (url: string, payload: string, headers: Readonly<Record<string, string>> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url, payload, headers: { ...caller, ...headers } });

  it('a path segment over the router’s limit is 414 URI_TOO_LONG; an id a little over the schema’s is the schema’s 400', async () => {
    expectProblem(await post(`/v1/things/${'a'.repeat(300)}`, '{"name":"x"}'), 414, 'URI_TOO_LONG');
    expectProblem(await post(`/v1/things/${'a'.repeat(129)}`, '{"name":"x"}'), 400, 'VALIDATION_FAILED');
    expect((await post(`/v1/things/${'a'.repeat(128)}`, '{"name":"x"}')).statusCode).toBe(200);
  });

  it('a URL that does not decode is 400 INVALID_URL', async () => {
    expectProblem(await post('/v1/things/%E0%A4%A', '{"name":"x"}'), 400, 'INVALID_URL');
  });

  it('a bad CORS preflight is 400 INVALID_PREFLIGHT; a good one 204 with the headers a till needs', async () => {
    expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/things/a' }), 400, 'INVALID_PREFLIGHT');
    expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/things/a', headers: { origin } }), 400, 'INVALID_PREFLIGHT');
    const good = await app.inject({ method: 'OPTIONS', url: '/v1/things/a', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key, if-match, x-client-time' } });
    expect(good.statusCode).toBe(204);
    expect(good.headers['access-control-allow-origin']).toBe(origin);
    expect(String(good.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');
    expect(String(good.headers['access-control-allow-headers']).toLowerCase()).toContain('x-client-time');
  });

  it('answers expose ETag, Idempotent-Replayed, X-Request-Id and Retry-After to a browser', async () => {
    const response = await app.inject({ method: 'GET', url: '/health', headers: { origin } });
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'idempotent-replayed', 'x-request-id', 'retry-after']));
  });

  it('a body that is not JSON is 415; malformed JSON 400; an empty JSON body 400; too large 413', async () => {
    expectProblem(await post('/v1/things/a', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
    expectProblem(await post('/v1/things/a', 'name', { 'content-type': 'text/plain' }), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
    expectProblem(await post('/v1/things/a', '{"name":'), 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
    expectProblem(await post('/v1/things/a', ''), 400, 'FST_ERR_CTP_EMPTY_JSON_BODY');
    expectProblem(await post('/v1/things/a', JSON.stringify({ name: 'x'.repeat(2000) })), 413, 'FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('an unknown route is 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  /** Raw bytes on a socket: what Node's HTTP parser refuses before Fastify sees a request. */
  async function rawExchange(bytes: string): Promise<string> {
    const { port } = app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end(bytes);
      });
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.on('close', () => {
        resolve(answer);
      });
      socket.on('error', reject);
    });
  }

  it.each([
    ['headers over Node’s limit', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['a request that is not HTTP', 'HELLO\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ['a NUL in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ])('%s is %i %s on the socket', async (_name, bytes, status, code) => {
    const answer = await rawExchange(bytes);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status, code });
  });
});
