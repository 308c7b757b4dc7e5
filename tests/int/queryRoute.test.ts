import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApplicationError } from '../../src/application/errors.js';
import type { Principal } from '../../src/application/principal.js';
import { comparePositions, type GlobalPosition } from '../../src/application/ports/eventStore.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import { buildApp } from '../../src/infrastructure/http/app.js';
import { queryGet, queryList, type ModelRef } from '../../src/infrastructure/http/routes/queryRoute.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import type { ReadModelAccess, Tables } from '../../src/projections/readModel.js';
import { openTestStorage, type OpenedStorage } from '../support/storageTargets.js';

/**
 * The query seam over a tiny read model (`things`) and an in-test ReadModelAccess: paging,
 * cursors, limits, scoping, CSV streaming and the read-your-writes wait, at the HTTP edge.
 */
type ThingTables = { things: { tenant_id: string; branch_id: string; device_id: string; id: string; day: string; amount: number; label: string } };
const SCHEMA = 'things_model_1';
const things: ModelRef<ThingTables> = { name: 'things', createTables: () => Promise.resolve() };
const ROWS = 1234;

const principals: Record<string, Principal> = {
  admin: { userId: 'u-admin' as UserId, role: 'tenant_admin', tenantId: 't1' as TenantId, employeeId: 'e-admin' as EmployeeId, deviceId: null, branchIds: [], support: null },
  cashier: { userId: 'u-cash' as UserId, role: 'cashier', tenantId: 't1' as TenantId, employeeId: 'e-cash' as EmployeeId, deviceId: 'd1' as DeviceId, branchIds: ['b1' as BranchId], support: null },
  owner: { userId: 'u-owner' as UserId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null },
};

describe('the query seam (queryRoute.ts)', () => {
  let storage: OpenedStorage;
  let app: Awaited<ReturnType<typeof buildApp>>;
  /** What the model has applied; `after` beyond it is behind. */
  const applied: GlobalPosition = { commit: 10n, prepare: 10n };
  const asked: string[] = [];

  beforeAll(async () => {
    storage = await openTestStorage();
    const db = storage.postgres.db;
    await sql`CREATE SCHEMA ${sql.id(SCHEMA)}`.execute(db);
    await sql`CREATE TABLE ${sql.id(SCHEMA, 'things')} (tenant_id text, branch_id text, device_id text, id text, day text, amount integer, label text, PRIMARY KEY (tenant_id, id))`.execute(db);
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      tenant_id: i % 10 === 9 ? 't2' : 't1',
      branch_id: i % 2 === 0 ? 'b1' : 'b2',
      device_id: i % 4 === 0 ? 'd1' : 'd2',
      id: `thing-${String(i).padStart(5, '0')}`,
      day: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
      amount: i % 3 === 0 ? -i : i,
      label: i === 4 ? '=cmd|"/c calc"' : `thing, number ${i}`,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.withSchema(SCHEMA).withTables<ThingTables>().insertInto('things').values(rows.slice(i, i + 500)).execute();

    const access: ReadModelAccess = {
      tables<T extends Tables>(name: string, options: Readonly<{ after?: GlobalPosition }> = {}): Promise<Kysely<Database & T>> {
        asked.push(name);
        if (options.after && comparePositions(options.after, applied) > 0) {
          return Promise.reject(new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'behind', { readModel: name }));
        }
        return Promise.resolve(db.withSchema(SCHEMA).withTables<T>());
      },
    };
    app = await buildApp({
      logger: pino({ level: 'silent' }),
      authenticate: (request) => {
        const who = principals[String(request.headers['x-test-principal'])];
        return who ? Promise.resolve(who) : Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'who?'));
      },
      readinessChecks: {},
      routes: (instance) => {
        const item = z.object({ id: z.string(), branchId: z.string(), deviceId: z.string(), day: z.string(), amount: z.number().int(), label: z.string() });
        queryList(
          instance,
          { readModels: access },
          '/v1/things',
          {
            summary: 'Things',
            tags: ['test'],
            query: z.object({ branchId: z.string().optional(), deviceId: z.string().optional(), from: z.iso.date().optional() }),
            item,
            permission: { roles: ['cashier', 'branch_manager', 'tenant_admin', 'platform_owner'], scope: 'device', support: 'read' },
            readModel: things,
            cursor: { key: z.tuple([z.string(), z.string()]), of: (row) => [row.day, row.id] as const },
            csv: { filename: 'things.csv', columns: [{ header: 'id', value: (r) => r.id }, { header: 'amount', value: (r) => r.amount }, { header: 'label', value: (r) => r.label }] },
          },
          async ({ db, filter, query, page }) => {
            let q = db.selectFrom('things').selectAll().where('tenant_id', '=', filter.tenantId);
            if (filter.branchIds) q = q.where('branch_id', 'in', filter.branchIds);
            if (filter.deviceId) q = q.where('device_id', '=', filter.deviceId);
            if (query.from) q = q.where('day', '>=', query.from);
            if (page.after) {
              const [day, id] = page.after;
              q = q.where((eb) => eb(eb.refTuple('day', 'id'), '<', eb.tuple(day, id)));
            }
            const rows = await q.orderBy('day', 'desc').orderBy('id', 'desc').limit(page.size).execute();
            return rows.map((r) => ({ id: r.id, branchId: r.branch_id, deviceId: r.device_id, day: r.day, amount: r.amount, label: r.label }));
          },
        );
        queryGet(
          instance,
          { readModels: access },
          '/v1/things/:id',
          { summary: 'A thing', tags: ['test'], params: z.object({ id: z.string() }), response: item, permission: { roles: ['tenant_admin'], scope: 'tenant' }, readModel: things },
          async ({ db, scope, params }) => {
            const row = await db.selectFrom('things').selectAll().where('tenant_id', '=', scope.tenantId).where('id', '=', params.id).executeTakeFirst();
            if (!row) throw new ApplicationError('not_found', 'NOT_FOUND', 'Thing not found');
            return { id: row.id, branchId: row.branch_id, deviceId: row.device_id, day: row.day, amount: row.amount, label: row.label };
          },
        );
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const get = (url: string, who = 'admin', headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { 'x-test-principal': who, ...headers } });
  type Page = { items: { id: string; branchId: string; deviceId: string; day: string }[]; nextCursor: string | null };

  it('pages through every row of the caller’s tenant once, in a stable order, 50 by default', async () => {
    const seen: string[] = [];
    let url = '/v1/things';
    let pages = 0;
    for (;;) {
      const response = await get(url);
      expect(response.statusCode).toBe(200);
      const page = response.json<Page>();
      pages += 1;
      if (pages === 1) expect(page.items).toHaveLength(50);
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) {
        expect(response.headers.link).toBeUndefined();
        break;
      }
      expect(response.headers.link).toBe(`</v1/things?cursor=${page.nextCursor}>; rel="next"`);
      url = `/v1/things?cursor=${page.nextCursor}`;
    }
    const expected = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % 10 !== 9);
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(expected.length / 50));
  });

  it('takes limit 1 to 200; 0, 201 and junk are 400', async () => {
    expect((await get('/v1/things?limit=200')).json<Page>().items).toHaveLength(200);
    for (const limit of ['0', '201', 'many', '1.5']) {
      const response = await get(`/v1/things?limit=${limit}`);
      expect(response.statusCode, limit).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await get('/v1/things?colour=red')).statusCode).toBe(400);
  });

  it('refuses a cursor edited by hand, or one of other filters, with 400 INVALID_CURSOR', async () => {
    const first = (await get('/v1/things?branchId=b1&limit=5')).json<Page>();
    expect(first.nextCursor).not.toBeNull();
    const cursor = first.nextCursor ?? '';
    expect((await get(`/v1/things?branchId=b1&limit=5&cursor=${cursor}`)).statusCode).toBe(200);
    const tampered = `${cursor.slice(0, -3)}${cursor.endsWith('A') ? 'B' : 'A'}${cursor.slice(-2)}`;
    for (const url of [`/v1/things?branchId=b1&cursor=${tampered}`, `/v1/things?branchId=b2&cursor=${cursor}`, '/v1/things?cursor=%3D%3D']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_CURSOR' });
    }
    // A cursor of the admin's query is no use to a cashier (another scope).
    const mine = (await get('/v1/things?limit=5')).json<Page>().nextCursor ?? '';
    expect((await get(`/v1/things?limit=5&cursor=${mine}`, 'cashier')).json()).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('scopes the rows: a cashier sees their till, a filter outside it is 403, no tenant is 404', async () => {
    const page = (await get('/v1/things?limit=200', 'cashier')).json<Page>();
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((i) => i.deviceId === 'd1' && i.branchId === 'b1')).toBe(true);
    expect((await get('/v1/things?deviceId=d2', 'cashier')).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_DEVICE' });
    expect((await get('/v1/things?branchId=b2', 'cashier')).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_BRANCHES' });
    expect((await get('/v1/things', 'owner')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    // The admin's tenant only: t2's rows (and an id of another tenant's branch) match nothing.
    expect((await get('/v1/things/thing-00009')).statusCode).toBe(404);
    expect((await get('/v1/things/thing-00008')).json()).toMatchObject({ id: 'thing-00008', amount: 8 });
  });

  it('streams every row as CSV for Accept: text/csv, quoted and guarded, amounts as integers', async () => {
    const response = await get('/v1/things?limit=3', 'admin', { accept: 'text/csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="things.csv"');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('id,amount,label');
    expect(lines.at(-1)).toBe('');
    // Every page, not the first: limit does not cut a CSV.
    expect(lines).toHaveLength(1 + ROWS - Math.floor(ROWS / 10) + 1);
    expect(lines).toContain('thing-00004,4,"\'=cmd|""/c calc"""');
    expect(lines).toContain('thing-00003,-3,"thing, number 3"');
  });

  it('waits for ?after, answers 503 READ_MODEL_BEHIND with Retry-After when behind, 400 on a malformed position', async () => {
    asked.length = 0;
    expect((await get('/v1/things?after=10.10&limit=1')).statusCode).toBe(200);
    expect(asked).toEqual(['things']);
    const behind = await get('/v1/things?after=11.0');
    expect(behind.statusCode).toBe(503);
    expect(behind.headers['retry-after']).toBeDefined();
    expect(behind.json()).toMatchObject({ code: 'READ_MODEL_BEHIND' });
    expect((await get('/v1/things/thing-00008?after=12.1')).statusCode).toBe(503);
    for (const after of ['12', 'x.y', '-1.2', '1.2.3']) expect((await get(`/v1/things?after=${after}`)).statusCode, after).toBe(400);
  });

  it('documents the query, the paging parameters, CSV and the Link header in OpenAPI', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, { content: Record<string, unknown>; headers: Record<string, unknown>; description: string }> } }> }>();
    const operation = document.paths['/v1/things']?.get;
    expect(operation?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['branchId', 'deviceId', 'from', 'cursor', 'limit', 'after']));
    expect(Object.keys(operation?.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(operation?.responses['200']?.headers ?? {})).toContain('Link');
    expect(operation?.responses['400']?.description).toContain('INVALID_CURSOR');
    expect(operation?.responses['503']?.description).toContain('READ_MODEL_BEHIND');
  });
});
