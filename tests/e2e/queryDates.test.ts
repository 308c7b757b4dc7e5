import type { OpenAPIV3_1 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { call, withShop } from '../support/fullApp.js';

/**
 * Every date a query takes (`from`, `to`), on every route the OpenAPI document lists with one:
 * a date PostgreSQL cannot hold, or no date at all, is a 400 problem, never a 500 (the fuzz test
 * found `from=0000-02-29` answering 500: PostgreSQL has no year 0).
 */
describe('date filters of every query', () => {
  const ctx = withShop();
  const BAD = ['0000-02-29', '0000-01-01', '2026-13-01', '2026-02-30', '20261201', '2026-1-1', '9999-99-99'];

  it('refuse dates that do not exist with 400 VALIDATION_FAILED, and take real ones', async () => {
    const { app } = ctx.full;
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<OpenAPIV3_1.Document>();
    const dated = Object.entries(document.paths ?? {}).flatMap(([path, item]) => {
      const parameters = (item?.get?.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      // Business dates (YYYY-MM-DD); a recorded-time bound (the audit export's) is a date-time, never sent to SQL as a date.
      const isDate = (p: OpenAPIV3_1.ParameterObject): boolean => (p.schema as OpenAPIV3_1.SchemaObject | undefined)?.format === 'date';
      return parameters.some((p) => p.in === 'query' && p.name === 'from' && isDate(p)) ? [path] : [];
    });
    expect(dated.length).toBeGreaterThanOrEqual(9);
    for (const path of dated) {
      const url = path.replace('{deviceId}', ctx.shop.deviceId);
      for (const name of ['from', 'to']) {
        for (const date of BAD) {
          const answer = await call(app, 'GET', `${url}?${name}=${date}`, { token: ctx.shop.tokens.admin });
          expect(answer.statusCode, `${url}?${name}=${date}: ${answer.body}`).toBe(400);
          expect(answer.json(), `${url}?${name}=${date}`).toMatchObject({ code: 'VALIDATION_FAILED' });
        }
      }
      const fine = await call(app, 'GET', `${url}?from=0001-01-01&to=9999-12-31`, { token: ctx.shop.tokens.admin });
      expect(fine.statusCode, `${url}: ${fine.body}`).toBe(200);
    }
  });
});
