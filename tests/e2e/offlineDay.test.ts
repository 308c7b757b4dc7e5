import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, withShop } from '../support/fullApp.js';

type SyncResults = Readonly<{ results: readonly Readonly<{ idempotencyKey: string; outcome: string; status: number; body: unknown }>[] }>;

/**
 * A till that lost its connection for the morning: it clocked in, opened the drawer, sold and took
 * cash out offline, then posts the whole morning to /v1/sync over the real app. Posting it again
 * (the answer was lost) changes nothing; the manager's count afterwards includes the offline sales.
 */
describe('an offline morning synced by the till', () => {
  const f = withShop();

  const shiftId = randomUUID();
  const drawerId = randomUUID();
  const orderIds = [randomUUID(), randomUUID()];
  const started = Date.now() - 3 * 3_600_000;
  let step = 0;
  const cmd = (path: string, body: Readonly<Record<string, unknown>>) => ({
    idempotencyKey: `till-1:${shiftId}:${step}`,
    clientTime: new Date(started + (step += 1) * 60_000).toISOString(),
    method: 'POST' as const,
    path,
    body,
  });
  const sync = (commands: readonly ReturnType<typeof cmd>[]) =>
    call(f.full.app, 'POST', '/v1/sync', { token: f.shop.tokens.cashier, body: { deviceId: f.shop.deviceId, commands } });

  let morning: readonly ReturnType<typeof cmd>[] = [];

  it('applies every command of the morning in order, each exactly once', async () => {
    const employee = `/v1/employees/${f.shop.cashierId}`;
    const sale = (orderId: string, unitPrice: number, tendered: number) => [
      cmd('/v1/orders', { orderId, branchId: f.shop.branchId, deviceId: f.shop.deviceId }),
      cmd(`/v1/orders/${orderId}/lines`, { lineId: 'l1', sku: 'CROISSANT', name: 'Croissant', unitPrice, quantity: 2, taxRateId: 'standard' }),
      cmd(`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'cash', amount: tendered } }),
      cmd(`/v1/orders/${orderId}/complete`, {}),
    ];
    morning = [
      cmd(`${employee}/clock-in`, { shiftId, branchId: f.shop.branchId }),
      cmd(`${employee}/drawer/open`, { drawerId, deviceId: f.shop.deviceId, floatAmount: 10_000 }),
      ...sale(orderIds[0]!, 120, 500), // 240 due, 260 change: +240 in the drawer
      ...sale(orderIds[1]!, 350, 700), // exact: +700
      cmd(`${employee}/drawer/cash-out`, { movementId: 'bank-1', amount: 5_000, reason: 'Bank drop' }),
    ];
    const first = await sync(morning);
    expect(first.statusCode, first.body).toBe(200);
    const results = first.json<SyncResults>().results;
    expect(results.map((r) => [r.outcome, r.status])).toEqual(morning.map((c) => ['applied', c.path === '/v1/orders' ? 201 : 200]));

    // The orders carry the till's business time, not the time of the sync.
    const [opened] = await f.full.eventStore.readStream(`order-${f.shop.tenantId}/${orderIds[0]!}`);
    expect(opened?.occurredAt.toISOString()).toBe(morning[2]!.clientTime);
  });

  it('the same batch posted again replays every answer and writes nothing', async () => {
    const before = await f.full.countEvents();
    const again = await sync(morning);
    expect(again.json<SyncResults>().results.every((r) => r.outcome === 'replayed')).toBe(true);
    expect(await f.full.countEvents()).toBe(before);
  });

  it('the manager counts the drawer: the offline cash sales are expected', async () => {
    const closed = await call(f.full.app, 'POST', `/v1/employees/${f.shop.cashierId}/drawer/close`, { token: f.shop.tokens.manager, body: { countedAmount: 5_940 } });
    expect(closed.statusCode, closed.body).toBe(200);
    const events = await f.full.eventStore.readStream(`employee-${f.shop.tenantId}/${f.shop.cashierId}`);
    // 10 000 float − 5 000 out + (500 − 260 change) + 700 = 5 940.
    expect(events.at(-1)).toMatchObject({ type: 'DrawerClosed', data: { drawerId, cashSales: 940, expected: 5_940, counted: 5_940, variance: 0 } });
    const out = await sync([cmd(`/v1/employees/${f.shop.cashierId}/clock-out`, { shiftId })]);
    expect(out.json<SyncResults>().results).toMatchObject([{ outcome: 'applied', status: 200 }]);
  });
});
