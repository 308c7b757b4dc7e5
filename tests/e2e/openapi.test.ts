import { compileErrors, validate } from '@readme/openapi-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullApp, type FullApp } from '../support/fullApp.js';

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
