import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toJson } from '../../src/application/audit/history.js';
import { orderKind } from '../../src/application/commands/kinds.js';
import { foldEvent } from '../../src/application/aggregateCache.js';
import { streams } from '../../src/application/events/streams.js';
import type { RecordedEvent } from '../../src/application/ports/eventStore.js';
import { ORDER_EVENT_VERSIONS, type OrderState } from '../../src/domain/order/index.js';
import { call, command, openShop, withShop, type Shop, hireAuditor } from '../support/fullApp.js';

type Audited = {
  eventId: string; streamId: string; revision: number; position: string; type: string; schemaVersion: number; tenantId: string;
  occurredAt: string; recordedAt: string; actor: { userId: string; role: string; deviceId: string | null };
  correlationId: string; causationId: string | null; idempotencyKey: string | null; data: Record<string, unknown>;
};
type Page = { streamId: string; category: string; events: Audited[]; nextRevision: number | null };
type AsOf = { streamId: string; category: string; revision: number | null; recordedAt: string | null; state: Record<string, unknown> };

/** The auditor over HTTP (issue 11): a stream's history with its envelope, state as of a revision or a time, read-only. */
describe('audit: an auditor reads history and state as of a point, and changes nothing', () => {
  const ctx = withShop();
  let auditor = '';
  let other: Shop;
  const orderId = randomUUID();
  const keys = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  let completedAt = '';

  const streamOf = (id: string) => encodeURIComponent(streams.order(ctx.shop.tenantId, id));
  const get = (url: string, token = auditor) => call(ctx.full.app, 'GET', url, { token });

  beforeAll(async () => {
    const { full, shop } = ctx;
    auditor = await hireAuditor(full, shop);
    other = await openShop(full, 'Autre Boulangerie SARL');
    const till = (i: number) => ({ token: shop.tokens.cashier, headers: { 'idempotency-key': keys[i] ?? '' } });
    await command(full.app, '/v1/orders', { ...till(0), status: 201, body: { orderId, branchId: shop.branchId, deviceId: shop.deviceId } });
    await command(full.app, `/v1/orders/${orderId}/lines`, { ...till(1), body: { lineId: 'l1', sku: 'BAG', name: 'Baguette', unitPrice: 120, quantity: 2, taxRateId: 'standard' } });
    await command(full.app, `/v1/orders/${orderId}/lines`, { ...till(2), body: { lineId: 'l2', sku: 'CRO', name: 'Croissant', unitPrice: 150, quantity: 1, taxRateId: 'standard' } });
    await command(full.app, `/v1/orders/${orderId}/lines/l1/quantity`, { ...till(3), body: { quantity: 3 } });
    await command(full.app, `/v1/orders/${orderId}/payments`, { ...till(4), body: { paymentId: 'p1', tender: { method: 'card', amount: 510, processorReference: 'AUTH-1' } } });
    const done = await command(full.app, `/v1/orders/${orderId}/complete`, till(5));
    completedAt = done.position ?? '';
  });

  it('lists the sale’s events in order, each with its whole envelope', async () => {
    const answer = await get(`/v1/audit/streams/${streamOf(orderId)}/events`);
    expect(answer.statusCode, answer.body).toBe(200);
    const page = answer.json<Page>();
    expect(page).toMatchObject({ streamId: streams.order(ctx.shop.tenantId, orderId), category: 'order', nextRevision: null });
    expect(page.events.map((e) => [e.revision, e.type])).toEqual([
      [0, 'OrderOpened'], [1, 'OrderLineAdded'], [2, 'OrderLineAdded'], [3, 'OrderLineQuantityChanged'], [4, 'PaymentAdded'], [5, 'OrderCompleted'],
    ]);
    for (const [i, event] of page.events.entries()) {
      expect(event, `revision ${i}`).toMatchObject({
        tenantId: ctx.shop.tenantId,
        actor: { userId: ctx.shop.cashierId, role: 'cashier', deviceId: ctx.shop.deviceId },
        idempotencyKey: keys[i],
        schemaVersion: ORDER_EVENT_VERSIONS[event.type as keyof typeof ORDER_EVENT_VERSIONS],
      });
      expect(event.correlationId).toMatch(/\S/);
      expect(Date.parse(event.recordedAt)).not.toBeNaN();
      expect(Date.parse(event.occurredAt)).not.toBeNaN();
    }
    expect(page.events.at(-1)?.position).toBe(completedAt);
    expect(page.events[1]?.data).toMatchObject({ lineId: 'l1', sku: 'BAG', unitPrice: 120, quantity: 2 });
  });

  it('pages by revision', async () => {
    const first = (await get(`/v1/audit/streams/${streamOf(orderId)}/events?limit=4`)).json<Page>();
    expect(first.events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect(first.nextRevision).toBe(4);
    const rest = (await get(`/v1/audit/streams/${streamOf(orderId)}/events?limit=4&fromRevision=${first.nextRevision ?? 0}`)).json<Page>();
    expect(rest.events.map((e) => e.revision)).toEqual([4, 5]);
    expect(rest.nextRevision).toBeNull();
    const past = await get(`/v1/audit/streams/${streamOf(orderId)}/events?fromRevision=99`);
    expect(past.statusCode).toBe(200);
    expect(past.json<Page>().events).toEqual([]);
    expect((await get(`/v1/audit/streams/${streamOf(orderId)}/events?limit=1001`)).statusCode).toBe(400);
  });

  it('answers the state as of a revision or a recorded time, as the decider folds it (property)', async () => {
    const recorded = await ctx.full.eventStore.readStream(streams.order(ctx.shop.tenantId, orderId));
    const foldThrough = (events: readonly RecordedEvent[]): unknown => toJson(events.reduce<OrderState>((state, event) => foldEvent(orderKind, state, event), orderKind.decider.initialState));
    const first = recorded[0]?.recordedAt.getTime() ?? 0;
    const last = recorded.at(-1)?.recordedAt.getTime() ?? 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: recorded.length + 2 }), async (revision) => {
        const answer = await get(`/v1/audit/streams/${streamOf(orderId)}/state?asOfRevision=${revision}`);
        expect(answer.statusCode, answer.body).toBe(200);
        const body = answer.json<AsOf>();
        const upTo = recorded.slice(0, revision + 1);
        expect(body.revision).toBe(upTo.at(-1)?.streamRevision);
        expect(body.state).toEqual(foldThrough(upTo));
      }),
      { numRuns: 12, seed: 20261204 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: first - 1_000, max: last + 1_000 }), async (time) => {
        const asOf = new Date(time).toISOString();
        const answer = await get(`/v1/audit/streams/${streamOf(orderId)}/state?asOf=${encodeURIComponent(asOf)}`);
        expect(answer.statusCode, answer.body).toBe(200);
        const upTo = recorded.filter((event) => event.recordedAt.getTime() <= Date.parse(asOf));
        const body = answer.json<AsOf>();
        expect(body.revision).toBe(upTo.at(-1)?.streamRevision ?? null);
        expect(body.state).toEqual(foldThrough(upTo));
      }),
      { numRuns: 12, seed: 20261204 },
    );
    // Before its first event the stream had no state yet; now, the sale is completed.
    const before = (await get(`/v1/audit/streams/${streamOf(orderId)}/state?asOf=${encodeURIComponent(new Date(first - 60_000).toISOString())}`)).json<AsOf>();
    expect(before).toMatchObject({ revision: null, recordedAt: null, state: { status: 'none' } });
    const now = (await get(`/v1/audit/streams/${streamOf(orderId)}/state`)).json<AsOf>();
    expect(now).toMatchObject({ revision: 5, state: { status: 'completed', paid: 510 } });
    const both = await get(`/v1/audit/streams/${streamOf(orderId)}/state?asOfRevision=1&asOf=${encodeURIComponent(new Date().toISOString())}`);
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: 'ONE_POINT_IN_TIME' });
  });

  it('reads the tenant’s own streams of every kind', async () => {
    const tenant = (await get(`/v1/audit/streams/${encodeURIComponent(streams.tenant(ctx.shop.tenantId))}/state`)).json<AsOf>();
    expect(tenant).toMatchObject({ category: 'tenant', state: { status: 'active' } });
    expect(JSON.stringify(tenant.state)).toContain(ctx.shop.branchId);
    const employee = await get(`/v1/audit/streams/${encodeURIComponent(streams.employee(ctx.shop.tenantId, ctx.shop.cashierId))}/events`);
    expect(employee.statusCode).toBe(200);
    expect(employee.json<Page>().events[0]?.type).toBe('EmployeeHired');
  });

  it('exports the tenant’s events as NDJSON in global order, ending with a line that says what it covers', async () => {
    const { full, shop } = ctx;
    type Line = Audited & { kind: 'event' | 'end'; count?: number; through?: string | null; tenantId: string };
    const exported = async (query = '', token = auditor): Promise<Line[]> => {
      const answer = await call(full.app, 'GET', `/v1/audit/export${query}`, { token });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(answer.body.endsWith('\n')).toBe(true);
      return answer.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
    };
    const lines = await exported();
    const events = lines.filter((line) => line.kind === 'event');
    const end = lines.at(-1);
    const stored: RecordedEvent[] = [];
    for (let page = await full.eventStore.readAll({ tenantId: shop.tenantId }); page.length > 0; page = await full.eventStore.readAll({ after: page.at(-1)!.position, tenantId: shop.tenantId })) stored.push(...page);
    expect(events.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
    expect(events.length).toBeGreaterThan(10);
    expect(new Set(events.map((e) => e.tenantId))).toEqual(new Set([shop.tenantId]));
    expect(end).toMatchObject({ kind: 'end', tenantId: shop.tenantId, count: events.length, through: events.at(-1)?.position, seal: null });
    expect(events.find((e) => e.streamId === streams.order(shop.tenantId, orderId) && e.revision === 5)).toMatchObject({ type: 'OrderCompleted', idempotencyKey: keys[5] });
    // Nothing of another tenant, whose admin exports its own.
    expect(JSON.stringify(lines)).not.toContain(other.tenantId);
    const theirs = await exported('', other.tokens.admin);
    expect(JSON.stringify(theirs)).not.toContain(shop.tenantId);
    expect(theirs.at(-1)).toMatchObject({ kind: 'end', tenantId: other.tenantId });

    const completions = await exported('?types=OrderCompleted,OrderRefunded');
    expect(completions.filter((l) => l.kind === 'event').map((l) => l.type)).toEqual(stored.filter((e) => e.type === 'OrderCompleted' || e.type === 'OrderRefunded').map((e) => e.type));
    expect(completions.at(-1)).toMatchObject({ kind: 'end', types: ['OrderCompleted', 'OrderRefunded'] });
    const opened = stored.find((e) => e.streamId === streams.order(shop.tenantId, orderId));
    const since = opened?.recordedAt.toISOString() ?? '';
    const window = await exported(`?from=${encodeURIComponent(since)}`);
    expect(window.filter((l) => l.kind === 'event').map((l) => l.eventId)).toEqual(stored.filter((e) => e.recordedAt.getTime() >= Date.parse(since)).map((e) => e.eventId));
    const none = await exported(`?to=${encodeURIComponent(new Date(Date.parse(stored[0]?.recordedAt.toISOString() ?? '') - 1).toISOString())}`);
    expect(none).toEqual([expect.objectContaining({ kind: 'end', count: 0 })]);

    for (const bad of ['?types=NoSuchEvent', '?from=yesterday', '?format=csv']) {
      const answer = await call(full.app, 'GET', `/v1/audit/export${bad}`, { token: auditor });
      expect(answer.statusCode, bad).toBe(400);
      expect(answer.json(), bad).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    for (const token of [shop.tokens.cashier, shop.tokens.manager]) {
      expect((await call(full.app, 'GET', '/v1/audit/export', { token })).json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    }
  });

  it('another tenant’s stream, a missing one and a foreign name all answer 404, for its admin too', async () => {
    const mine = `/v1/audit/streams/${streamOf(orderId)}/events`;
    expect((await get(mine, other.tokens.admin)).statusCode).toBe(404);
    expect((await get(`/v1/audit/streams/${streamOf(orderId)}/state`, other.tokens.admin)).statusCode).toBe(404);
    expect((await get(`/v1/audit/streams/${streamOf(randomUUID())}/events`)).statusCode).toBe(404);
    expect((await get(`/v1/audit/streams/${streamOf(randomUUID())}/state`)).statusCode).toBe(404);
    for (const name of ['nothing', 'order-', `order-${other.tenantId}`, `tenant-${other.tenantId}`, encodeURIComponent(`order-${other.tenantId}/${orderId}`)]) {
      const answer = await get(`/v1/audit/streams/${name}/events`);
      expect(answer.statusCode, name).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('cashiers and managers may not read the audit routes; the auditor reads reports and support sessions but may not act', async () => {
    const { shop, full } = ctx;
    for (const token of [shop.tokens.cashier, shop.tokens.manager]) {
      expect((await get(`/v1/audit/streams/${streamOf(orderId)}/events`, token)).json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    }
    expect((await get(`/v1/audit/streams/${streamOf(orderId)}/events`, shop.tokens.admin)).statusCode).toBe(200);
    expect((await get(`/v1/reports/daily-sales?after=${completedAt}`)).statusCode).toBe(200);
    expect((await get(`/v1/orders/${orderId}`)).statusCode).toBe(200);
    expect((await get(`/v1/tenants/${shop.tenantId}/support-sessions`)).statusCode).toBe(200);
    const before = await full.countEvents();
    for (const [url, body] of [
      ['/v1/orders', { orderId: randomUUID(), branchId: shop.branchId, deviceId: shop.deviceId }],
      [`/v1/orders/${orderId}/refunds`, { refundId: randomUUID(), scope: { kind: 'whole' }, method: 'card', reason: 'Audit' }],
      [`/v1/tenants/${shop.tenantId}/branches`, { name: 'Audit branch' }],
      [`/v1/devices/${shop.deviceId}/z-reports`, undefined],
    ] as const) {
      const answer = await call(full.app, 'POST', url, { token: auditor, body, headers: { 'idempotency-key': randomUUID() } });
      expect(answer.json(), url).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    }
    expect(await full.countEvents()).toBe(before);
  });

  // Last: it suspends the shop.
  it('the auditor still reads a suspended tenant’s history and export (DOMAIN.md: queries for auditors still work)', async () => {
    const { full, shop } = ctx;
    const suspended = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/suspend`, { token: shop.tokens.owner, body: { reason: 'Unpaid invoice' } });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect((await get(`/v1/audit/streams/${streamOf(orderId)}/events`)).statusCode).toBe(200);
    const state = (await get(`/v1/audit/streams/${encodeURIComponent(streams.tenant(shop.tenantId))}/state`)).json<AsOf>();
    expect(state.state).toMatchObject({ status: 'suspended' });
    const exported = await get('/v1/audit/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('"type":"TenantSuspended"');
  });
});
