import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerDeps } from '../../src/application/handleCommand.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import type { EmployeeId, UserId } from '../../src/domain/shared/ids.js';
import { streams } from '../../src/application/events/streams.js';
import { registerOrderRoutes } from '../../src/infrastructure/http/routes/orders.js';
import { as, commandApp, embeddedStore, handlerDeps, seedTenant, type SeededTenant } from '../support/commandApp.js';

describe('order commands over HTTP', () => {
  let store: EventStore;
  let deps: HandlerDeps;
  let app: FastifyInstance;
  let shop: SeededTenant;
  let other: SeededTenant;
  let cashier: Principal;
  let manager: Principal;

  beforeAll(async () => {
    store = await embeddedStore();
    deps = handlerDeps(store);
    app = await commandApp(deps, (a) => {
      registerOrderRoutes(a, deps);
    });
    shop = await seedTenant(deps);
    other = await seedTenant(deps);
    cashier = {
      userId: 'u-cashier' as UserId, role: 'cashier', tenantId: shop.tenantId, employeeId: 'e-cashier' as EmployeeId,
      deviceId: shop.devices[0]!, branchIds: [shop.branches[0]!], support: null,
    };
    manager = { ...cashier, userId: 'u-manager' as UserId, role: 'branch_manager', employeeId: 'e-manager' as EmployeeId, deviceId: null };
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (url: string, principal: Principal, payload: object = {}, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { ...as(principal), ...headers } });

  async function openSale(): Promise<string> {
    const orderId = randomUUID();
    const opened = await post('/v1/orders', cashier, { orderId, branchId: shop.branches[0], deviceId: shop.devices[0] });
    expect(opened.statusCode, opened.body).toBe(201);
    return orderId;
  }

  it('rings up a sale: lines priced by the server, cash with change, completion', async () => {
    const orderId = await openSale();
    const line = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 3, taxRateId: 'standard' });
    expect(line.statusCode, line.body).toBe(200);
    expect(line.json()).toMatchObject({ id: orderId, revision: 1 });
    expect(line.headers.etag).toBe('"1"');
    expect(line.json<{ position: string }>().position).toMatch(/^\d+\.\d+$/);

    // A till takes cash only into the drawer open at that till (none here); nothing is written.
    const noDrawer = await post(`/v1/orders/${orderId}/payments`, cashier, { paymentId: 'p1', tender: { method: 'cash', amount: 1000 } });
    expect(noDrawer.statusCode).toBe(409);
    expect(noDrawer.json()).toMatchObject({ code: 'DRAWER_NOT_OPEN' });
    // In the back office (no till session) cash stays outside any drawer.
    const paid = await post(`/v1/orders/${orderId}/payments`, manager, { paymentId: 'p1', tender: { method: 'cash', amount: 1000 } });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ revision: 2 });
    const done = await post(`/v1/orders/${orderId}/complete`, cashier);
    expect(done.statusCode, done.body).toBe(200);

    const order = await app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: as(cashier) });
    expect(order.statusCode).toBe(200);
    expect(order.headers.etag).toBe('"3"');
    expect(order.json()).toMatchObject({ status: 'completed', paid: 1000, change: 250, totals: { total: 750, tax: 125, net: 625 } });
  });

  it('ignores totals a client sends: the body is refused, nothing is written', async () => {
    const orderId = await openSale();
    const sneaky = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'X', name: 'X', unitPrice: 100, quantity: 1, taxRateId: 'standard', total: 1 });
    expect(sneaky.statusCode).toBe(400);
    expect(sneaky.headers['content-type']).toMatch(/problem\+json/);
    const tenantInBody = await post('/v1/orders', cashier, { orderId: randomUUID(), branchId: shop.branches[0], deviceId: shop.devices[0], tenantId: other.tenantId });
    expect(tenantInBody.statusCode).toBe(400);
  });

  it("another tenant's order answers 404 to reads and writes, and gets no event", async () => {
    const orderId = await openSale();
    const stranger: Principal = { ...other.admin };
    const read = await app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: as(stranger) });
    const write = await post(`/v1/orders/${orderId}/void`, stranger, { reason: 'mine now' });
    expect(read.statusCode).toBe(404);
    expect(write.statusCode).toBe(404);
    const order = await app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: as(cashier) });
    expect(order.json()).toMatchObject({ status: 'open', revision: 0 });
  });

  it('a cashier acts on their own till only; a refund needs a manager', async () => {
    const orderId = await openSale();
    const elsewhere = { ...cashier, deviceId: shop.devices[1]!, branchIds: shop.branches };
    expect((await post(`/v1/orders/${orderId}/complete`, elsewhere)).statusCode).toBe(403);
    const peek = await app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: as(elsewhere) });
    expect(peek.statusCode).toBe(403);
    expect(peek.json()).toMatchObject({ code: 'OUTSIDE_YOUR_DEVICE' });
    expect((await post(`/v1/orders/${orderId}/refunds`, cashier, { refundId: 'r1', scope: { kind: 'whole' }, method: 'cash', reason: 'x' })).statusCode).toBe(403);
  });

  it('If-Match with a stale revision answers 412 and writes nothing', async () => {
    const orderId = await openSale();
    await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'A', name: 'A', unitPrice: 100, quantity: 1, taxRateId: 'standard' });
    const stale = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l2', sku: 'B', name: 'B', unitPrice: 100, quantity: 1, taxRateId: 'standard' }, { 'if-match': '"0"' });
    expect(stale.statusCode).toBe(412);
    const fresh = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l2', sku: 'B', name: 'B', unitPrice: 100, quantity: 1, taxRateId: 'standard' }, { 'if-match': '"1"' });
    expect(fresh.statusCode).toBe(200);
  });

  it('domain refusals are precise problems: 422 for bad data, 409 for state, 403 for role', async () => {
    const orderId = await openSale();
    const tooMany = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'A', name: 'A', unitPrice: 100, quantity: 10_000, taxRateId: 'standard' });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json()).toMatchObject({ status: 422, code: 'QUANTITY_OUT_OF_RANGE' });
    const unknownRate = await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'A', name: 'A', unitPrice: 100, quantity: 1, taxRateId: 'luxury' });
    expect(unknownRate.json()).toMatchObject({ status: 422, code: 'UNKNOWN_TAX_RATE' });
    const unpaid = await post(`/v1/orders/${orderId}/complete`, cashier);
    expect(unpaid.json()).toMatchObject({ status: 409, code: 'ORDER_EMPTY' });
    await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'A', name: 'A', unitPrice: 100, quantity: 1, taxRateId: 'standard' });
    const voidByCashier = await post(`/v1/orders/${orderId}/void`, cashier, { reason: 'oops' });
    expect(voidByCashier.json()).toMatchObject({ status: 403, code: 'VOID_REQUIRES_MANAGER' });
    expect((await post(`/v1/orders/${orderId}/void`, manager, { reason: 'oops' })).statusCode).toBe(200);
  });

  it("cash goes only into the caller's own open drawer at this till", async () => {
    const orderId = await openSale();
    await post(`/v1/orders/${orderId}/lines`, cashier, { lineId: 'l1', sku: 'A', name: 'A', unitPrice: 100, quantity: 1, taxRateId: 'standard' });
    const elsewhere = await post(`/v1/orders/${orderId}/payments`, cashier, { paymentId: 'p1', tender: { method: 'cash', amount: 100 }, drawerId: 'someone-elses-drawer' });
    expect(elsewhere.json()).toMatchObject({ status: 422, code: 'DRAWER_NOT_OPEN_HERE' });
    const order = await app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: as(cashier) });
    expect(order.json()).toMatchObject({ paid: 0, revision: 1 });
  });

  it('ten lines rung up at once on one order all land, each on the revision its predecessor left', async () => {
    const orderId = await openSale();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(`/v1/orders/${orderId}/lines`, cashier, { lineId: `c${i}`, sku: `SKU${i}`, name: `Item ${i}`, unitPrice: 100, quantity: 1, taxRateId: 'standard' }),
      ),
    );
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
    expect(answers.map((a) => a.json<{ revision: number }>().revision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const events = await store.readStream(streams.order(shop.tenantId, orderId));
    expect(events.filter((e) => e.type === 'OrderLineAdded')).toHaveLength(10);
  });

  it('without a principal every order route answers 401', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/orders', payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});
