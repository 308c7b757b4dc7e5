import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/infrastructure/http/app.js';
import { ApplicationError } from '../../src/application/errors.js';

const logger = pino({ level: 'silent' });
const denyAll: AppDeps['authenticate'] = () => Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'no token'));

describe('health and readiness', () => {
  it('/health answers while the process lives; /ready when dependencies answer', async () => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: { eventStore: () => Promise.resolve() } });
    const health = await app.inject({ method: 'GET', url: '/health' });
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { eventStore: 'ok' } });
    await app.close();
  });

  it('/ready answers 503 problem+json naming the dependency that is down, without its error', async () => {
    const app = await buildApp({
      logger,
      authenticate: denyAll,
      readinessChecks: { eventStore: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')) },
    });
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.json()).toMatchObject({ status: 503, code: 'NOT_READY', checks: { eventStore: 'unavailable' } });
    expect(ready.body).not.toContain('ECONNREFUSED');
    await app.close();
  });

  it('an unknown route is a 404 problem, and the request id is echoed', async () => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: {} });
    const response = await app.inject({ method: 'GET', url: '/v1/nothing?x=1', headers: { 'x-request-id': 'till-7:retry-2' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('till-7:retry-2');
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /v1/nothing',
      code: 'ROUTE_NOT_FOUND',
      instance: '/v1/nothing?x=1',
    });
    await app.close();
  });

  it('an unexpected error is a bare 500 that names nothing internal', async () => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: {} });
    app.get('/boom', () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. It has been logged.',
      code: 'INTERNAL_ERROR',
      instance: '/boom',
    });
    await app.close();
  });

  it('an unknown method on a known path, and a 4xx Fastify raises without a code, still answer a problem with a code', async () => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: {} });
    app.get('/teapot', () => {
      throw Object.assign(new Error('short and stout'), { statusCode: 418 });
    });
    const wrongMethod = await app.inject({ method: 'PATCH', url: '/health' });
    expect(wrongMethod.statusCode).toBe(404);
    expect(wrongMethod.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrongMethod.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    const teapot = await app.inject({ method: 'GET', url: '/teapot' });
    expect(teapot.statusCode).toBe(418);
    expect(teapot.json()).toMatchObject({ status: 418, code: 'HTTP_418' });
    await app.close();
  });

  it('a body over the limit is a 413 problem', async () => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: {}, bodyLimit: 1024 });
    app.post('/echo', (request) => request.body);
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, title: 'Content Too Large' });
    await app.close();
  });

  it.each([
    [false, '192.0.2.1'],
    [1, '203.0.113.7'],
    [2, '198.51.100.1'],
    [['192.0.2.0/24'], '203.0.113.7'],
  ] as const)('with trustProxy %o the client address of a request through two proxies is %s', async (trustProxy, expected) => {
    const app = await buildApp({ logger, authenticate: denyAll, readinessChecks: {}, trustProxy, routes: (a) => void a.get('/ip', (request) => ({ ip: request.ip })) });
    // Client 198.51.100.1 -> proxy 203.0.113.7 -> balancer 192.0.2.1 -> us.
    const response = await app.inject({ method: 'GET', url: '/ip', remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' } });
    expect(response.json()).toEqual({ ip: expected });
    await app.close();
  });

  it('a dependency that is behind answers 503 problem+json with Retry-After, not a 500', async () => {
    const app = await buildApp({
      logger,
      authenticate: denyAll,
      readinessChecks: {},
      routes: (a) =>
        void a.get('/behind', () => {
          throw new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'A read model this command needs is catching up; retry shortly');
        }),
    });
    const response = await app.inject({ method: 'GET', url: '/behind' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 503, code: 'READ_MODEL_BEHIND' });
    await app.close();
  });
});
