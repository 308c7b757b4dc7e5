import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ApplicationError } from '../../src/application/errors.js';
import { buildApp } from '../../src/infrastructure/http/app.js';

describe('security headers', () => {
  it('every answer carries helmet’s headers, an error and a 404 too', async () => {
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      authenticate: () => Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'no token')),
      readinessChecks: {},
    });
    const expected = {
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;" +
        "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https:;upgrade-insecure-requests",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    for (const url of ['/health', '/v1/no-such-route', '/v1/openapi.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.headers, url).toMatchObject(expected);
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
    await app.close();
  });
});
