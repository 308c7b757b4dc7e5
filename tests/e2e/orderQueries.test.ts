import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, command, openShop, PIN, pinLogin, startFullApp, type FullApp, type Shop } from '../support/fullApp.js';

type Item = { orderId: string; branchId: string; deviceId: string; status: string; businessDate: string; total: number; paid: number; change: number; revision: number };
type Page = { items: Item[]; nextCursor: string | null };

/**
 * GET /v1/orders and /v1/orders/:orderId/detail over the real app: the orders read model kept
 * by the runner, read through the query seam (scope, cursor, CSV, ?after).
 *
 * Shop A: branch Centre (till 1, the shop's cashier and manager) and branch Gare (till 2 and its
 * own cashier). Shop B: another tenant.
 */
describe('orders queries over HTTP', () => {
  let full: FullApp;
  let a: Shop;
  let b: Shop;
  let gare: Readonly<{ branchId: string; deviceId: string; cashier: string }>;
  let last = '';
  const sold: Record<string, string> = {};

  const get = (url: string, token: string, headers: Record<string, string> = {}) => call(full.app, 'GET', url, { token, headers });
  const page = async (url: string, token: string): Promise<Page> => {
    const response = await get(url, token);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page>();
  };

  async function post(url: string, token: string, body: object = {}): Promise<string> {
    const answer = await command(full.app, url, { token, body, headers: { 'idempotency-key': randomUUID() } });
    last = answer.position ?? last;
    return answer.id;
  }

  /** A sale at a till: a line of `price`, paid by card, completed; or left open. */
  async function sale(token: string, branchId: string, deviceId: string, price: number, complete = true): Promise<string> {
    const orderId = randomUUID();
    await command(full.app, '/v1/orders', { token, body: { orderId, branchId, deviceId }, status: 201, headers: { 'idempotency-key': randomUUID() } }).then((x) => {
      last = x.position ?? last;
    });
    await post(`/v1/orders/${orderId}/lines`, token, { lineId: 'l1', sku: 'PAIN', name: 'Pain de campagne', unitPrice: price, quantity: 2, taxRateId: 'standard' });
    if (!complete) return orderId;
    await post(`/v1/orders/${orderId}/payments`, token, { paymentId: 'p1', tender: { method: 'card', amount: price * 2, processorReference: 'ref-1' } });
    await post(`/v1/orders/${orderId}/complete`, token);
    return orderId;
  }

  beforeAll(async () => {
    full = await startFullApp();
    a = await openShop(full);
    b = await openShop(full, 'Autre Maison SAS');
    const { id: branchId } = await command(full.app, `/v1/tenants/${a.tenantId}/branches`, { token: a.tokens.admin, body: { name: 'Gare' } });
    const { id: deviceId } = await command(full.app, `/v1/tenants/${a.tenantId}/devices`, { token: a.tokens.admin, body: { branchId, name: 'Till 2' } });
    const { id: employeeId } = await command(full.app, '/v1/employees', {
      token: a.tokens.admin,
      body: { personalData: { name: 'Noé Petit', email: `gare-${randomUUID()}@shop.example` }, role: 'cashier', branchIds: [branchId], deviceIds: [deviceId], pin: PIN },
    });
    gare = { branchId, deviceId, cashier: (await pinLogin(full.app, { deviceId, employeeId, pin: PIN })).accessToken };
    sold.centre1 = await sale(a.tokens.cashier, a.branchId, a.deviceId, 300);
    sold.centreOpen = await sale(a.tokens.cashier, a.branchId, a.deviceId, 150, false);
    sold.gare1 = await sale(gare.cashier, gare.branchId, gare.deviceId, 420);
    sold.other = await sale(b.tokens.cashier, b.branchId, b.deviceId, 999);
  }, 120_000);
  afterAll(async () => {
    await full.close();
  });

  it('reads its own writes with ?after, newest first', async () => {
    const list = await page(`/v1/orders?after=${last}`, a.tokens.admin);
    expect(list.items.map((i) => i.orderId).sort()).toEqual([sold.centre1, sold.centreOpen, sold.gare1].sort());
    expect(list.nextCursor).toBeNull();
    const gareSale = list.items.find((i) => i.orderId === sold.gare1);
    expect(gareSale).toMatchObject({ status: 'completed', branchId: gare.branchId, deviceId: gare.deviceId, total: 840, paid: 840, change: 0, revision: 3 });
    // A position past the log's head was never answered to anyone: refused at once, not waited for
    // (a position the log holds but the model has not applied yet waits, then 503: tests/int/queryRoute.test.ts).
    const started = performance.now();
    const beyond = await get('/v1/orders?after=999999999999.0', a.tokens.admin);
    expect(beyond.json()).toMatchObject({ status: 400, code: 'POSITION_NOT_IN_LOG' });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await get('/v1/orders?after=soon', a.tokens.admin)).statusCode).toBe(400);
  });

  it('scopes the list: a cashier their till, a manager their branches, an admin the tenant, nobody another tenant', async () => {
    const ids = (list: Page) => list.items.map((i) => i.orderId).sort();
    expect(ids(await page(`/v1/orders?after=${last}`, a.tokens.cashier))).toEqual([sold.centre1, sold.centreOpen].sort());
    expect(ids(await page('/v1/orders', gare.cashier))).toEqual([sold.gare1]);
    expect(ids(await page('/v1/orders', a.tokens.manager))).toEqual([sold.centre1, sold.centreOpen].sort());
    expect(ids(await page(`/v1/orders?branchId=${gare.branchId}`, a.tokens.admin))).toEqual([sold.gare1]);
    expect(ids(await page('/v1/orders?status=open', a.tokens.admin))).toEqual([sold.centreOpen]);
    // Outside one's own till or branches: refused like a command there.
    expect((await get(`/v1/orders?deviceId=${gare.deviceId}`, a.tokens.cashier)).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_DEVICE' });
    expect((await get(`/v1/orders?branchId=${gare.branchId}`, a.tokens.manager)).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_BRANCHES' });
    // Another tenant's branch or till in an admin's filter matches nothing of theirs.
    expect((await page(`/v1/orders?branchId=${b.branchId}`, a.tokens.admin)).items).toEqual([]);
    expect((await page(`/v1/orders?deviceId=${b.deviceId}`, a.tokens.admin)).items).toEqual([]);
    expect(ids(await page('/v1/orders', b.tokens.admin))).toEqual([sold.other]);
    // The platform owner reads no tenant's sales without a support session.
    expect((await get('/v1/orders', a.tokens.owner)).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('shows the detail to those in scope, 403 to another till, 404 to another tenant', async () => {
    const detail = await get(`/v1/orders/${sold.centre1}/detail`, a.tokens.manager);
    expect(detail.statusCode, detail.body).toBe(200);
    const order = detail.json<{ lines: unknown[]; tenders: unknown[]; timeline: { type: string; actor: { role: string; deviceId: string | null } }[]; taxes: unknown[]; total: number; tax: number; net: number }>();
    // 300 × 2 = 600 incl. 20 % VAT: tax 600·20/120 = 100, net 500.
    expect(order).toMatchObject({ total: 600, tax: 100, net: 500 });
    expect(order.lines).toEqual([expect.objectContaining({ lineId: 'l1', sku: 'PAIN', name: 'Pain de campagne', unitPrice: 300, quantity: 2, base: 600, tax: 100, net: 500, gross: 600 })]);
    expect(order.taxes).toEqual([{ taxRateId: 'standard', basisPoints: 2000, net: 500, tax: 100 }]);
    expect(order.tenders).toEqual([{ method: 'card', count: 1, amount: 600 }]);
    expect(order.timeline.map((t) => t.type)).toEqual(['OrderOpened', 'OrderLineAdded', 'PaymentAdded', 'OrderCompleted']);
    expect(order.timeline[0]?.actor).toMatchObject({ role: 'cashier', deviceId: a.deviceId });

    expect((await get(`/v1/orders/${sold.gare1}/detail`, a.tokens.cashier)).json()).toMatchObject({ status: 403, code: 'OUTSIDE_YOUR_BRANCHES' });
    expect((await get(`/v1/orders/${sold.centre1}/detail`, b.tokens.admin)).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await get(`/v1/orders/${randomUUID()}/detail`, a.tokens.admin)).statusCode).toBe(404);
    // The till's own GET (folded from the aggregate, with its ETag) keeps its contract.
    const till = await get(`/v1/orders/${sold.centre1}`, a.tokens.cashier);
    expect(till.headers.etag).toBe('"3"');
    expect(till.json()).toMatchObject({ orderId: sold.centre1, status: 'completed', revision: 3, due: 0, paid: 600 });
  });

  it('pages by a cursor that stays put while sales come in; limit above 200 and an edited cursor are 400', async () => {
    for (let i = 0; i < 5; i += 1) await sale(a.tokens.cashier, a.branchId, a.deviceId, 100 + i);
    const first = await page(`/v1/orders?limit=3&after=${last}`, a.tokens.admin);
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    // New sales land on top (newest first): they never shift the pages after the cursor.
    await sale(a.tokens.cashier, a.branchId, a.deviceId, 77);
    const seen = [...first.items.map((i) => i.orderId)];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await page(`/v1/orders?limit=3&cursor=${cursor}&after=${last}`, a.tokens.admin);
      seen.push(...next.items.map((i) => i.orderId));
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect((await page('/v1/orders?limit=200', a.tokens.admin)).items).toHaveLength(9);
    expect((await get('/v1/orders?limit=201', a.tokens.admin)).json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const edited = `${first.nextCursor?.slice(0, -2) ?? ''}xx`;
    expect((await get(`/v1/orders?limit=3&cursor=${edited}`, a.tokens.admin)).json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
    expect((await get(`/v1/orders?limit=3&status=open&cursor=${first.nextCursor ?? ''}`, a.tokens.admin)).json()).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('answers text/csv with every order of the scope, streamed', async () => {
    const response = await get(`/v1/orders?limit=1&after=${last}`, a.tokens.manager, { accept: 'text/csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'orderId,businessDate,status,branchId,deviceId,cashierId,currency,priceMode,openedAt,completedAt,voidedAt,gross,discountTotal,net,tax,total,paid,change,refunded,lineCount,itemCount,revision',
    );
    // The manager's branch: 2 at first, 6 since. Not Gare's.
    expect(lines).toHaveLength(1 + 8);
    expect(lines.find((l) => l.startsWith(sold.centre1 ?? '-'))).toMatch(/,completed,.*,EUR,inclusive,.*,600,0,500,100,600,600,0,0,1,2,3$/);
    expect(response.body).not.toContain(sold.gare1);
  });
});
