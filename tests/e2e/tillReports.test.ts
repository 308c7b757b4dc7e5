import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TillFigures } from '../../src/domain/till/index.js';
import { PIN, call, command, openShop, pinLogin, withShop } from '../support/fullApp.js';

type ZAnswer = { id: string; zNumber: number; revision: number; position: string };
type XReport = { nextZNumber: number; figures: TillFigures; grandTotals: { total: number; receipts: number; gross: number } | null; header: { legalName: string; deviceName: string } };
type ZReport = { zNumber: number; figures: TillFigures; grandTotals: { total: number; receipts: number; gross: number; tax: number } };

/** Z-reports and the X-report over the real HTTP API: gapless Z numbers, late sales, grand totals, scope. */
describe('Z- and X-reports of a till', () => {
  const ctx = withShop();
  const key = () => ({ 'idempotency-key': randomUUID() });

  /** Rings up and completes a card sale; answers the completion's position (for `?after`). */
  async function sellByCard(token: string, deviceId: string, unitPrice: number, quantity = 1): Promise<string> {
    const { app } = ctx.full;
    const orderId = randomUUID();
    const post = async (url: string, body?: unknown): Promise<string> => {
      const answer = await call(app, 'POST', url, { token, body, headers: key() });
      expect(answer.statusCode, answer.body).toBeLessThan(300);
      return answer.json<{ position: string }>().position;
    };
    await post('/v1/orders', { orderId, branchId: ctx.shop.branchId, deviceId });
    await post(`/v1/orders/${orderId}/lines`, { lineId: 'l1', sku: 'SKU-1', name: 'Bread', unitPrice, quantity, taxRateId: 'standard' });
    await post(`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: unitPrice * quantity, processorReference: 'AUTH-1' } });
    return post(`/v1/orders/${orderId}/complete`);
  }

  const close = (token: string, deviceId = ctx.shop.deviceId) =>
    call(ctx.full.app, 'POST', `/v1/devices/${deviceId}/z-reports`, { token, headers: key() });
  // Reads after a command pass its position (`?after`): a read model is only eventually current.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape, as json<T>() does
  const read = async <T,>(url: string, token = ctx.shop.tokens.manager): Promise<{ status: number; body: T }> => {
    const answer = await call(ctx.full.app, 'GET', url, { token });
    return { status: answer.statusCode, body: answer.json<T>() };
  };

  it('the X-report shows the open period, and the Z closes exactly it with number 1', async () => {
    const { shop } = ctx;
    await sellByCard(shop.tokens.cashier, shop.deviceId, 1_200);
    const sold = await sellByCard(shop.tokens.cashier, shop.deviceId, 600, 2);
    const x = await read<XReport>(`/v1/devices/${shop.deviceId}/x-report?after=${sold}`);
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    // Prices include 20 % tax: 1200 has 200 of tax, 1200 (2 × 600) again 200.
    expect(x.body).toMatchObject({
      nextZNumber: 1, grandTotals: null, header: { legalName: 'Boulangerie Martin SARL', deviceName: 'Till 1' },
      figures: { receipts: { count: 2 }, gross: 2_400, net: 2_000, tax: 400, total: 2_400, tenders: [{ method: 'card', count: 2, amount: 2_400 }] },
    });

    const closed = await close(shop.tokens.manager);
    expect(closed.statusCode, closed.body).toBe(201);
    const z = closed.json<ZAnswer>();
    expect(z).toMatchObject({ id: shop.deviceId, zNumber: 1, revision: 0 });
    expect(closed.headers.location).toBe(`/v1/devices/${shop.deviceId}/z-reports/1`);

    const z1 = await read<ZReport>(`/v1/devices/${shop.deviceId}/z-reports/1?after=${z.position}`);
    expect(z1.status).toBe(200);
    expect(z1.body.figures).toEqual(x.body.figures);
    expect(z1.body.grandTotals).toMatchObject({ receipts: 2, total: 2_400 });
    const after = await read<XReport>(`/v1/devices/${shop.deviceId}/x-report?after=${z.position}`);
    expect(after.body).toMatchObject({ nextZNumber: 2, figures: { receipts: { count: 0, first: null }, total: 0 }, grandTotals: { total: 2_400 } });
  });

  it('a sale after the Z lands in the next Z, and grand totals equal the sum of the Zs', async () => {
    const { shop } = ctx;
    const sold = await sellByCard(shop.tokens.cashier, shop.deviceId, 3_000);
    const x = await read<XReport>(`/v1/devices/${shop.deviceId}/x-report?after=${sold}`);
    expect(x.body.figures).toMatchObject({ receipts: { count: 1 }, total: 3_000 });
    // The till's own cashier may close it.
    const closed = await close(shop.tokens.cashier);
    expect(closed.statusCode, closed.body).toBe(201);
    expect(closed.json<ZAnswer>().zNumber).toBe(2);
    const z2 = await read<ZReport>(`/v1/devices/${shop.deviceId}/z-reports/2?after=${closed.json<ZAnswer>().position}`);
    expect(z2.body.figures).toEqual(x.body.figures);
    expect(z2.body.grandTotals).toMatchObject({ receipts: 3, gross: 5_400, total: 5_400, tax: 900 });
  });

  it('concurrent closes get consecutive Z numbers, none twice, none skipped, nothing counted in two Zs', async () => {
    const { shop } = ctx;
    await sellByCard(shop.tokens.cashier, shop.deviceId, 500);
    const answers = await Promise.all(Array.from({ length: 5 }, () => close(shop.tokens.manager)));
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(201);
    const numbers = answers.map((a) => a.json<ZAnswer>().zNumber).sort((a, b) => a - b);
    expect(numbers).toEqual([3, 4, 5, 6, 7]);
    const last = answers.map((a) => a.json<ZAnswer>()).find((a) => a.zNumber === 7);
    const list = await read<{ items: ZReport[]; nextCursor: string | null }>(`/v1/devices/${shop.deviceId}/z-reports?limit=3&after=${last?.position ?? ''}`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items.map((z) => z.zNumber)).toEqual([7, 6, 5]);
    const rest = await read<{ items: ZReport[]; nextCursor: string | null }>(`/v1/devices/${shop.deviceId}/z-reports?limit=10&cursor=${encodeURIComponent(list.body.nextCursor ?? '')}`);
    const all = [...list.body.items, ...rest.body.items];
    expect(all.map((z) => z.zNumber)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    // The 5.00 sale is in exactly one of the five concurrent Zs.
    expect(all.filter((z) => z.zNumber >= 3).map((z) => z.figures.total).sort((a, b) => b - a)).toEqual([500, 0, 0, 0, 0]);
    // Grand totals are the running sum of every Z.
    const newest = all[0];
    expect(newest?.grandTotals.total).toBe(all.reduce((sum, z) => sum + z.figures.total, 0));
    expect(newest?.grandTotals.receipts).toBe(all.reduce((sum, z) => sum + z.figures.receipts.count, 0));
    const csv = await call(ctx.full.app, 'GET', `/v1/devices/${shop.deviceId}/z-reports`, { token: shop.tokens.manager, headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toMatch(/^zNumber,businessDate,periodStart,periodEnd,receipts,gross/);
    expect(csv.body.split('\r\n').filter((l) => l.length > 0)).toHaveLength(8);
  });

  it("a cashier of another till may neither close nor read this till's reports (403); another tenant gets 404", async () => {
    const { full, shop } = ctx;
    const { id: otherDevice, position: registered } = await command(full.app, `/v1/tenants/${shop.tenantId}/devices`, { token: shop.tokens.admin, body: { branchId: shop.branchId, name: 'Till 2' } });
    const { id: otherCashier } = await command(full.app, '/v1/employees', {
      token: shop.tokens.admin,
      body: { personalData: { name: 'Noé Petit', email: `noe-${randomUUID()}@shop.example` }, role: 'cashier', branchIds: [shop.branchId], deviceIds: [otherDevice], pin: PIN },
    });
    const token = (await pinLogin(full.app, { deviceId: otherDevice, employeeId: otherCashier, pin: PIN })).accessToken;
    const refused = await close(token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'OUTSIDE_YOUR_DEVICE' });
    expect((await read(`/v1/devices/${shop.deviceId}/x-report`, token)).status).toBe(403);
    expect((await read(`/v1/devices/${shop.deviceId}/z-reports/1`, token)).status).toBe(403);
    // Their own till is theirs to read and close.
    expect((await read<XReport>(`/v1/devices/${otherDevice}/x-report?after=${registered ?? ''}`, token)).body).toMatchObject({ nextZNumber: 1, header: { deviceName: 'Till 2' } });
    expect((await close(token, otherDevice)).json()).toMatchObject({ zNumber: 1 });

    const stranger = await openShop(full, 'Other Shop SAS');
    expect((await close(stranger.tokens.admin)).statusCode).toBe(404);
    const x = await read(`/v1/devices/${shop.deviceId}/x-report`, stranger.tokens.admin);
    expect(x.status).toBe(404);
    expect((await read(`/v1/devices/${shop.deviceId}/z-reports`, stranger.tokens.admin)).status).toBe(404);
  });
});
