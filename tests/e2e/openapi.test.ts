import { randomUUID } from 'node:crypto';
import { compileErrors, validate } from '@readme/openapi-parser';
import type { LightMyRequestResponse } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openShop, startFullApp, TENANT_BODY, type FullApp, type Shop } from '../support/fullApp.js';

/** The OpenAPI document of the real app: valid 3.1, and every /v1 route is in it. */
describe('GET /v1/openapi.json', () => {
  let full: FullApp;
  let document: OpenAPIV3_1.Document;

  beforeAll(async () => {
    full = await startFullApp();
    const response = await full.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.json<OpenAPIV3_1.Document>();
  });
  afterAll(async () => {
    await full.close();
  });

  it('is public and a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Tillstream API', version: '1' });
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(document));
    expect(result.valid, compileErrors(result)).toBe(true);
  });

  it('describes every /v1 route the app registers (bar itself), with its path parameters', () => {
    const registered = full.routes
      .filter((route) => route.url.startsWith('/v1') && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      (['get', 'post', 'put', 'patch', 'delete'] as const).filter((method) => item?.[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(registered.length).toBeGreaterThan(45);
    expect(new Set(documented.filter((operation) => operation.includes(' /v1/')))).toEqual(new Set(registered));
    // Beside the API: probes and the public keys.
    expect(documented.filter((operation) => !operation.includes(' /v1/')).sort()).toEqual(['GET /.well-known/jwks.json', 'GET /health', 'GET /ready']);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const operation of [item?.get, item?.post]) {
        if (!operation) continue;
        const inPath = (operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : []));
        expect(inPath.sort(), path).toEqual(names.sort());
      }
    }
  });

  it('marks the sign-in routes public and everything else as needing a bearer token', () => {
    expect(document.components?.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const path of ['/v1/auth/login', '/v1/auth/pin', '/v1/auth/refresh', '/v1/auth/logout']) {
      expect(document.paths?.[path]?.post?.security, path).toEqual([]);
    }
    expect(document.paths?.['/v1/orders']?.post?.security).toBeUndefined();
  });

  it('serves the docs page at /docs', async () => {
    const docs = await full.app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
  });
});

// The document's operations and their problem responses, read as plain JSON.

type Method = 'get' | 'post';
type Operation = OpenAPIV3_1.OperationObject;
type Response = OpenAPIV3_1.ResponseObject;
const PROBLEM_REF = '#/components/schemas/Problem';
const PROBLEM_TYPE = 'application/problem+json';

function operationsOf(document: OpenAPIV3_1.Document): [string, Operation][] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'post'] as const).flatMap((method) => {
      const operation = item?.[method];
      return operation ? [[`${method.toUpperCase()} ${path}`, operation] as [string, Operation]] : [];
    }),
  );
}

function responsesOf(operation: Operation): Record<string, Response> {
  return Object.fromEntries(Object.entries(operation.responses ?? {}).flatMap(([status, r]) => ('$ref' in r ? [] : [[status, r]])));
}

function headerParameters(operation: Operation): string[] {
  return (operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'header' ? [p.name] : []));
}

/** Known codes of one status of an operation: the keys of its examples. */
function codesOf(response: Response): string[] {
  return Object.keys(response.content?.[PROBLEM_TYPE]?.examples ?? {});
}

const pathOf = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

describe('the problems and headers of each operation', () => {
  let full: FullApp;
  let document: OpenAPIV3_1.Document;
  let operations: [string, Operation][];

  beforeAll(async () => {
    full = await startFullApp({ PUBLIC_URL: 'https://api.shop.example/' });
    document = (await full.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<OpenAPIV3_1.Document>();
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await full.close();
  });

  const operation = (method: string, url: string): Operation => {
    const found = document.paths?.[pathOf(url)]?.[method.toLowerCase() as Method];
    if (!found) throw new Error(`no operation ${method} ${url}`);
    return found;
  };

  it('names the configured public URL as its server, without the trailing slash', () => {
    expect(document.servers).toEqual([{ url: 'https://api.shop.example' }]);
  });

  it('has one RFC 9457 Problem schema with the members the error handler sends', () => {
    const schema = document.components?.schemas?.Problem;
    expect(schema?.required).toEqual(['type', 'title', 'status', 'code']);
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors', 'details']));
  });

  it('answers every 4xx and 5xx it lists as application/problem+json of the Problem schema, with the headers those answers carry', () => {
    let problems = 0;
    for (const [name, op] of operations) {
      for (const [status, response] of Object.entries(responsesOf(op))) {
        if (Number(status) < 400) continue;
        problems += 1;
        expect(Object.keys(response.content ?? {}), `${name} ${status}`).toEqual([PROBLEM_TYPE]);
        expect(response.content?.[PROBLEM_TYPE]?.schema, `${name} ${status}`).toEqual({ $ref: PROBLEM_REF });
        const headers = Object.keys(response.headers ?? {});
        // The router answers 414 before any hook runs.
        if (status !== '414') expect(headers, `${name} ${status}`).toContain('X-Request-Id');
        if (status === '429') expect(headers, name).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']));
        if (status === '503') expect(headers, name).toContain('Retry-After');
        if (status === '401') expect(headers, name).toContain('WWW-Authenticate');
        for (const code of codesOf(response)) {
          expect(response.description, `${name} ${status}`).toContain(`\`${code}\``);
        }
      }
    }
    expect(problems).toBeGreaterThan(400);
    // Every header a response refers to is in the components.
    const declared = Object.keys(document.components?.headers ?? {});
    for (const [name, op] of operations) {
      for (const response of Object.values(responsesOf(op))) {
        for (const header of Object.values(response.headers ?? {})) {
          if ('$ref' in header) expect(declared, name).toContain(header.$ref.replace('#/components/headers/', ''));
        }
      }
    }
  });

  it('lists per kind of route the statuses it can answer: commands, queries, sign-in and the probes', () => {
    const statuses = (op: Operation): number[] => Object.keys(op.responses ?? {}).map(Number).filter((status) => status >= 400);
    const commands = full.routes.filter((route) => route.method === 'POST' && route.permission && route.url !== '/v1/sync');
    const queries = full.routes.filter((route) => route.method === 'GET' && route.permission);
    expect(commands.length).toBeGreaterThan(40);
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const route of commands) {
      expect(statuses(operation(route.method, route.url)), `POST ${route.url}`).toEqual(expect.arrayContaining([400, 401, 403, 404, 409, 413, 415, 422, 429, 503]));
    }
    for (const route of queries) {
      const listed = statuses(operation(route.method, route.url));
      expect(listed, `GET ${route.url}`).toEqual(expect.arrayContaining([400, 401, 403, 404, 429, 503]));
      // A query changes nothing: no conflict, no precondition, no body.
      expect(listed.filter((status) => [409, 412, 413, 415, 422].includes(status)), `GET ${route.url}`).toEqual([]);
    }
    for (const [name, op] of operations.filter(([name]) => name.includes('{'))) {
      expect(statuses(op), name).toContain(414);
    }
    // Sign-in: no token to refuse, so no 403 and no 404; throttled and hashing-bound.
    for (const path of ['/v1/auth/login', '/v1/auth/pin']) {
      const login = operation('POST', path);
      expect(statuses(login).sort()).toEqual([400, 401, 413, 415, 429, 503]);
      expect(codesOf(responsesOf(login)['429'] ?? { description: '' })).toEqual(['RATE_LIMITED', 'TOO_MANY_ATTEMPTS']);
      expect(codesOf(responsesOf(login)['503'] ?? { description: '' })).toEqual(['SERVICE_UNAVAILABLE', 'SIGN_IN_BUSY']);
      expect(codesOf(responsesOf(login)['401'] ?? { description: '' })).toEqual(['INVALID_CREDENTIALS']);
    }
    expect(statuses(operation('POST', '/v1/auth/logout')).sort()).toEqual([400, 413, 415, 429, 503]);
    // The probes are never rate limited; /ready answers 503 NOT_READY.
    expect(statuses(operation('GET', '/health'))).toEqual([400]);
    expect(statuses(operation('GET', '/ready'))).toEqual([400, 503]);
    expect(codesOf(responsesOf(operation('GET', '/ready'))['503'] ?? { description: '' })).toEqual(['NOT_READY']);
    // Sync is refused as a whole only: the commands' own refusals are in its results.
    const sync = operation('POST', '/v1/sync');
    expect(statuses(sync)).toEqual([400, 401, 403, 409, 413, 415, 429, 503]);
    expect(codesOf(responsesOf(sync)['409'] ?? { description: '' })).toEqual(['SYNC_IN_PROGRESS']);
    expect(Object.keys(responsesOf(sync)['409']?.headers ?? {})).toContain('Retry-After');
    expect(sync.description).toContain('EARLIER_COMMAND_NOT_SETTLED');
  });

  it('documents Idempotency-Key exactly where a route honours it, with its 409, 422 and the replay header', () => {
    const routes = full.routes.filter((route) => route.url.startsWith('/v1') && route.method !== 'HEAD');
    expect(routes.filter((route) => route.honoursIdempotencyKey).length).toBeGreaterThan(15);
    for (const route of routes) {
      const op = operation(route.method, route.url);
      const name = `${route.method} ${route.url}`;
      const responses = responsesOf(op);
      const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
      expect(headerParameters(op).includes('Idempotency-Key'), name).toBe(route.honoursIdempotencyKey);
      expect(codesOf(responses['409'] ?? { description: '' }).includes('IDEMPOTENCY_KEY_IN_FLIGHT'), name).toBe(route.honoursIdempotencyKey);
      expect(codesOf(responses['422'] ?? { description: '' }).includes('IDEMPOTENCY_KEY_REUSED'), name).toBe(route.honoursIdempotencyKey);
      for (const [status, response] of success) {
        expect(Object.keys(response.headers ?? {}).includes('Idempotent-Replayed'), `${name} ${status}`).toBe(route.honoursIdempotencyKey);
        expect(Object.keys(response.headers ?? {}), `${name} ${status}`).toContain('X-Request-Id');
      }
      expect(headerParameters(op), name).toContain('X-Request-Id');
    }
  });

  it('documents If-Match with its 412 on every command that pins a revision, and not on those that create their resource', () => {
    // A Z closes whatever the till's stream holds: it is numbered from the stream, never refused for a revision.
    const creating = ['POST /v1/tenants', 'POST /v1/employees', 'POST /v1/tenants/{tenantId}/admins', 'POST /v1/tenants/{tenantId}/support-sessions/{sessionId}/end', 'POST /v1/devices/{deviceId}/z-reports'];
    // Not built as commands on a revision: they take no If-Match at all.
    const other = ['POST /v1/orders', 'POST /v1/sync', 'POST /v1/tenants/{tenantId}/support-sessions', 'POST /v1/tenants/{tenantId}/support-sessions/{sessionId}/token', 'POST /v1/employees/{employeeId}/credentials', 'POST /v1/tenants/{tenantId}/seals'];
    const commands = full.routes.filter((route) => route.method === 'POST' && route.permission).map((route) => `POST ${pathOf(route.url)}`);
    for (const name of commands) {
      const [method = '', path = ''] = name.split(' ');
      const op = operation(method, path);
      const pins = !creating.includes(name) && !other.includes(name);
      expect(headerParameters(op).includes('If-Match'), name).toBe(pins);
      expect(Object.keys(op.responses ?? {}).includes('412'), name).toBe(pins);
      if (pins) expect(codesOf(responsesOf(op)['412'] ?? { description: '' }), name).toEqual(['REVISION_MISMATCH']);
      // A malformed If-Match is refused by every command built on a revision, pinning or not.
      expect(codesOf(responsesOf(op)['400'] ?? { description: '' }).includes('INVALID_IF_MATCH'), name).toBe(!other.includes(name));
      // What the till's clock says: read by every command that writes events with an envelope.
      // A seal is stamped with the server's time, never a till's.
      const envelope = !['POST /v1/sync', 'POST /v1/tenants/{tenantId}/support-sessions/{sessionId}/token', 'POST /v1/employees/{employeeId}/credentials', 'POST /v1/tenants/{tenantId}/seals'].includes(name);
      expect(headerParameters(op).includes('X-Client-Time'), name).toBe(envelope);
    }
    for (const [name, op] of operations.filter(([name]) => name.startsWith('GET'))) {
      expect(headerParameters(op), name).not.toContain('If-Match');
    }
  });
});

/**
 * Real answers against the document: each bad request is sent to the real app, and the status it
 * gets must be one the document lists for that operation, with the code among that status's
 * known codes (the rules of the resource, 403/409/422 on commands, have codes of their own) and
 * the headers it documents for that answer.
 */
describe('real answers are the ones the document lists', () => {
  let full: FullApp;
  let shop: Shop;
  let document: OpenAPIV3_1.Document;

  beforeAll(async () => {
    full = await startFullApp({ RATE_LIMIT_PER_ADDRESS: '1000', CORS_ORIGINS: 'https://backoffice.shop.example' });
    shop = await openShop(full);
    document = (await full.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<OpenAPIV3_1.Document>();
  });
  afterAll(async () => {
    await full.close();
  });

  /** `route` is the route pattern, `{name}` for parameters. */
  function expectDocumented(route: string, answer: LightMyRequestResponse, status: number, code?: string): void {
    const [method = '', path = ''] = route.split(' ');
    const op = document.paths?.[path]?.[method.toLowerCase() as Method];
    expect(op, route).toBeDefined();
    expect(answer.statusCode, `${route}: ${answer.body}`).toBe(status);
    const response = responsesOf(op ?? {})[String(status)];
    expect(response, `${route} does not list ${status}`).toBeDefined();
    for (const header of Object.keys(response?.headers ?? {})) {
      // Each documented header of this answer is really sent (ETag and the replay mark only when they apply).
      if (header === 'Idempotent-Replayed' || header === 'Location') continue;
      expect(answer.headers[header.toLowerCase()], `${route} ${status} ${header}`).toBeDefined();
    }
    if (status < 400) return;
    expect(answer.headers['content-type'], route).toMatch(/^application\/problem\+json/);
    const body = answer.json<{ status: number; code?: string }>();
    expect(body.status).toBe(status);
    if (code !== undefined) expect(body.code).toBe(code);
    const domainRule = method === 'POST' && [403, 409, 422].includes(status);
    if (!domainRule) expect(codesOf(response ?? { description: '' }), `${route} ${status}`).toContain(body.code);
  }

  const legalName = (tenantId: string) => `/v1/tenants/${tenantId}/legal-name`;
  const LEGAL_NAME = 'POST /v1/tenants/{tenantId}/legal-name';

  it('a command: bad body, no token, a role refused, another tenant, bad and stale If-Match, not JSON, too large', async () => {
    const { admin, cashier, owner } = shop.tokens;
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 42 } }), 400, 'VALIDATION_FAILED');
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(shop.tenantId), { body: { legalName: 'X SARL' } }), 401, 'UNAUTHENTICATED');
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(shop.tenantId), { token: 'not-a-token', body: { legalName: 'X SARL' } }), 401, 'INVALID_TOKEN');
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(shop.tenantId), { token: cashier, body: { legalName: 'X SARL' } }), 403, 'ROLE_NOT_ALLOWED');
    const { id: otherTenant } = (await call(full.app, 'POST', '/v1/tenants', { token: owner, body: { ...TENANT_BODY, legalName: 'Autre SARL' } })).json<{ id: string }>();
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(otherTenant), { token: admin, body: { legalName: 'X SARL' } }), 404);
    const ifMatch = (value: string) => call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 'X SARL' }, headers: { 'if-match': value } });
    expectDocumented(LEGAL_NAME, await ifMatch('"999"'), 412, 'REVISION_MISMATCH');
    expectDocumented(LEGAL_NAME, await ifMatch('seven'), 400, 'INVALID_IF_MATCH');
    const raw = (payload: string, contentType: string) =>
      full.app.inject({ method: 'POST', url: legalName(shop.tenantId), payload, headers: { authorization: `Bearer ${admin}`, 'content-type': contentType } });
    expectDocumented(LEGAL_NAME, await raw('legalName=X', 'text/plain'), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
    expectDocumented(LEGAL_NAME, await raw('{"legalName":', 'application/json'), 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
    expectDocumented(LEGAL_NAME, await raw(JSON.stringify({ legalName: 'x'.repeat(1_100_000) }), 'application/json'), 413, 'FST_ERR_CTP_BODY_TOO_LARGE');
    expectDocumented(LEGAL_NAME, await raw(`${'['.repeat(40)}${']'.repeat(40)}`, 'application/json'), 400, 'BODY_TOO_DEEP');
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 'X\u0000' } }), 400, 'INVALID_CHARACTERS');
    expectDocumented(LEGAL_NAME, await call(full.app, 'POST', legalName(`t${'x'.repeat(300)}`), { token: admin, body: { legalName: 'X SARL' } }), 414, 'URI_TOO_LONG');
    expectDocumented(
      LEGAL_NAME,
      await call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 'X SARL' }, headers: { 'x-client-time': 'yesterday' } }),
      400,
      'INVALID_CLIENT_TIME',
    );
    expectDocumented(
      LEGAL_NAME,
      await call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 'X SARL' }, headers: { 'x-client-time': '2001-01-01T00:00:00Z' } }),
      422,
      'CLIENT_TIME_OUT_OF_RANGE',
    );
    const done = await call(full.app, 'POST', legalName(shop.tenantId), { token: admin, body: { legalName: 'Boulangerie Martin et Fils SARL' } });
    expectDocumented(LEGAL_NAME, done, 200);
    expect(done.headers.etag).toMatch(/^"\d+"$/);
    // A rule of the tenant's state: 409 (its own code) is listed.
    expectDocumented('POST /v1/tenants/{tenantId}/activate', await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/activate`, { token: owner }), 409);
    // A business rule: 422.
    expectDocumented(
      'POST /v1/tenants/{tenantId}/support-sessions',
      await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/support-sessions`, { token: owner, body: { reason: 'short' } }),
      422,
    );
  });

  it('a till command: Idempotency-Key required of a cashier, replayed, and refused when reused for another body', async () => {
    const { cashier } = shop.tokens;
    const open = (orderId: string, key?: string) =>
      call(full.app, 'POST', '/v1/orders', {
        token: cashier,
        body: { orderId, branchId: shop.branchId, deviceId: shop.deviceId },
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    expectDocumented('POST /v1/orders', await open(randomUUID()), 400, 'IDEMPOTENCY_KEY_REQUIRED');
    expectDocumented('POST /v1/orders', await open(randomUUID(), 'not a key!'), 400, 'IDEMPOTENCY_KEY_INVALID');
    const key = `k-${randomUUID()}`;
    const orderId = randomUUID();
    const first = await open(orderId, key);
    expectDocumented('POST /v1/orders', first, 201);
    expect(first.headers.location).toBe(`/v1/orders/${orderId}`);
    const again = await open(orderId, key);
    expectDocumented('POST /v1/orders', again, 201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expectDocumented('POST /v1/orders', await open(randomUUID(), key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expectDocumented('GET /v1/orders/{orderId}', await call(full.app, 'GET', `/v1/orders/${orderId}`, { token: cashier }), 200);
    expectDocumented('GET /v1/orders/{orderId}', await call(full.app, 'GET', `/v1/orders/${randomUUID()}`, { token: cashier }), 404, 'NOT_FOUND');
    expectDocumented('GET /v1/orders/{orderId}', await call(full.app, 'GET', '/v1/orders/not-a-uuid', { token: cashier }), 400, 'VALIDATION_FAILED');
  });

  it('queries, sync and the public routes', async () => {
    const { admin, cashier } = shop.tokens;
    expectDocumented('GET /v1/tenants/{tenantId}', await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token: admin }), 200);
    expectDocumented('GET /v1/tenants/{tenantId}', await call(full.app, 'GET', `/v1/tenants/${shop.tenantId}`), 401, 'UNAUTHENTICATED');
    expectDocumented('GET /v1/employees/{employeeId}', await call(full.app, 'GET', `/v1/employees/${shop.adminId}`, { token: cashier }), 403);
    expectDocumented(
      'POST /v1/sync',
      await call(full.app, 'POST', '/v1/sync', {
        token: cashier,
        body: { deviceId: 'another-till', commands: [{ idempotencyKey: 'k1', clientTime: new Date().toISOString(), method: 'POST', path: '/v1/orders', body: {} }] },
      }),
      403,
      'DEVICE_MISMATCH',
    );
    expectDocumented('POST /v1/sync', await call(full.app, 'POST', '/v1/sync', { token: cashier, body: { deviceId: shop.deviceId, commands: [] } }), 400, 'VALIDATION_FAILED');
    expectDocumented('POST /v1/auth/login', await call(full.app, 'POST', '/v1/auth/login', { body: { email: 'nobody@shop.example', password: 'wrong' } }), 401, 'INVALID_CREDENTIALS');
    expectDocumented('POST /v1/auth/refresh', await call(full.app, 'POST', '/v1/auth/refresh', { body: { refreshToken: 'abc' } }), 401, 'INVALID_REFRESH_TOKEN');
    expectDocumented('POST /v1/auth/logout', await call(full.app, 'POST', '/v1/auth/logout', { body: {} }), 400, 'VALIDATION_FAILED');
    expectDocumented('GET /ready', await full.app.inject({ method: 'GET', url: '/ready' }), 200);
  });

  it('every answer header the document names is exposed to a browser by CORS', async () => {
    const answer = await full.app.inject({ method: 'GET', url: `/v1/tenants/${shop.tenantId}`, headers: { origin: 'https://backoffice.shop.example', authorization: `Bearer ${shop.tokens.admin}` } });
    const exposed = String(answer.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'idempotent-replayed', 'x-request-id', 'retry-after']));
    // A browser sees a 401's status without it; every other documented header must be readable.
    const documented = Object.keys(document.components?.headers ?? {}).filter((name) => name !== 'WWW-Authenticate');
    expect(exposed).toEqual(expect.arrayContaining(documented.map((name) => name.toLowerCase())));
  });
});

describe('rate-limited answers are the ones the document lists', () => {
  let full: FullApp;
  let document: OpenAPIV3_1.Document;

  beforeAll(async () => {
    full = await startFullApp({ RATE_LIMIT_PER_ADDRESS: '3' });
    document = (await full.app.inject({ method: 'GET', url: '/v1/openapi.json', remoteAddress: '198.51.100.9' })).json<OpenAPIV3_1.Document>();
  });
  afterAll(async () => {
    await full.close();
  });

  it('given 3 requests per address, the fourth is 429 RATE_LIMITED, listed with Retry-After and the RateLimit headers', async () => {
    const address = '198.51.100.1';
    const login = () => full.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: address, payload: { email: 'x@shop.example', password: 'wrong' } });
    for (let i = 0; i < 3; i += 1) expect((await login()).statusCode).toBe(401);
    const refused = await login();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const response = responsesOf(document.paths?.['/v1/auth/login']?.post ?? {})['429'];
    expect(codesOf(response ?? { description: '' })).toContain('RATE_LIMITED');
    for (const header of Object.keys(response?.headers ?? {})) expect(refused.headers[header.toLowerCase()], header).toBeDefined();
    const query = await full.app.inject({ method: 'GET', url: '/v1/tenants/t-1', remoteAddress: address });
    expect(query.statusCode).toBe(429);
    expect(Object.keys(document.paths?.['/v1/tenants/{tenantId}']?.get?.responses ?? {})).toContain('429');
  });
});
