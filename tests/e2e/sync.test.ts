import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/application/principal.js';
import { as, cashier, manager, startHarness, type Harness } from '../int/idempotency.harness.js';

type SyncResults = { results: { idempotencyKey: string; outcome: string; status: number; body: unknown }[] };

describe('POST /v1/sync', () => {
  let h: Harness;
  let batch = 0;
  let order = '';
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.reset();
    order = `sync-order-${++batch}`;
  });

  const command = (key: string, body: object, path = `/v1/test/orders/${order}/lines`) => ({
    idempotencyKey: `${order}:${key}`,
    clientTime: '2026-11-21T16:30:00.000Z',
    method: 'POST',
    path,
    body,
  });
  const sync = async (commands: object[], principal: Principal = cashier, deviceId = 'till-1') =>
    h.app.inject({ method: 'POST', url: '/v1/sync', headers: as(principal), payload: { deviceId, commands } });

  it('applies each command once, in order; posting the batch again replays every one', async () => {
    const commands = [command('1', { sku: 'COFFEE', quantity: 1 }), command('2', { sku: 'CAKE', quantity: 2 }), command('3', { sku: 'TEA', quantity: 1 })];
    const first = await sync(commands);
    expect(first.statusCode).toBe(200);
    const applied = first.json<SyncResults>().results;
    expect(applied.map((r) => [r.idempotencyKey, r.outcome, r.status])).toEqual([
      [`${order}:1`, 'applied', 201],
      [`${order}:2`, 'applied', 201],
      [`${order}:3`, 'applied', 201],
    ]);
    expect(applied.map((r) => r.body)).toMatchObject([{ revision: 0 }, { revision: 1 }, { revision: 2 }]);

    const second = await sync(commands);
    const replayed = second.json<SyncResults>().results;
    expect(replayed.map((r) => r.outcome)).toEqual(['replayed', 'replayed', 'replayed']);
    expect(replayed.map((r) => r.body)).toEqual(applied.map((r) => r.body));

    const events = await h.eventStore.readStream(h.streamOf(order));
    expect(events.map((e) => e.data.sku)).toEqual(['COFFEE', 'CAKE', 'TEA']);
    expect(h.calls()).toBe(3);
    // The till's own time of each command is the events' business time.
    expect(events.every((e) => e.occurredAt.toISOString() === '2026-11-21T16:30:00.000Z')).toBe(true);
    expect(events[0]?.metadata.idempotencyKey).toBe(`${order}:1`);
  });

  it('a rejected command does not stop the ones after it', async () => {
    const result = await sync([
      command('1', { sku: 'COFFEE', quantity: 1 }),
      command('2', { sku: 'BROKEN', quantity: 0 }),
      command('3', { sku: 'NOT-A-NUMBER', quantity: 'one' }),
      command('4', { sku: 'TEA', quantity: 1 }),
    ]);
    const results = result.json<SyncResults>().results;
    expect(results.map((r) => [r.outcome, r.status])).toEqual([
      ['applied', 201],
      ['rejected', 422],
      ['rejected', 400],
      ['applied', 201],
    ]);
    expect(results[1]?.body).toMatchObject({ status: 422, code: 'QUANTITY_OUT_OF_RANGE' });
    expect(results[2]?.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await h.eventStore.readStream(h.streamOf(order))).toHaveLength(2);
  });

  it('a reused key within or across batches is refused like a direct call', async () => {
    const results = (await sync([command('1', { sku: 'COFFEE', quantity: 1 }), command('1', { sku: 'TEA', quantity: 1 })])).json<SyncResults>().results;
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'rejected']);
    expect(results[1]?.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses items that are not command routes under /v1, or routes that do not honour Idempotency-Key', async () => {
    const paths = ['/v1/sync', '/v1/auth/login', '/v1/AUTH/login', '/v1/test/../sync', '/v2/orders', '/v1/%73ync', '/v1/x?y=1', '/v1/test/plain'];
    const results = (await sync(paths.map((path, i) => command(String(i), {}, path)))).json<SyncResults>().results;
    expect(results.map((r) => [r.outcome, r.status])).toEqual(paths.map(() => ['rejected', 400]));
    expect(results.slice(0, -1).every((r) => (r.body as { code?: string }).code === 'INVALID_SYNC_PATH')).toBe(true);
    expect(results.at(-1)?.body).toMatchObject({ code: 'NOT_SYNCABLE' });
  });

  it('a till may only sync its own commands', async () => {
    const response = await sync([command('1', { sku: 'COFFEE', quantity: 1 })], cashier, 'till-2');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'DEVICE_MISMATCH' });
    expect(h.calls()).toBe(0);
  });

  it('a manager without a device syncs under their own permissions', async () => {
    const results = (await sync([command('1', { sku: 'COFFEE', quantity: 1 })], manager, 'till-9')).json<SyncResults>().results;
    expect(results.map((r) => r.outcome)).toEqual(['applied']);
  });

  it('the batch itself is validated: at most 500 commands, each with a key, a time and a POST', async () => {
    const tooMany = Array.from({ length: 501 }, (_, i) => command(String(i), { sku: 'A', quantity: 1 }));
    expect((await sync(tooMany)).statusCode).toBe(400);
    expect((await sync([{ ...command('1', {}), method: 'DELETE' }])).statusCode).toBe(400);
    expect((await sync([{ ...command('1', {}), idempotencyKey: 'no spaces' }])).statusCode).toBe(400);
    expect((await sync([{ ...command('1', {}), clientTime: 'yesterday' }])).statusCode).toBe(400);
    expect((await sync([])).statusCode).toBe(400);
    expect(h.calls()).toBe(0);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(doc.paths).toHaveProperty(['/v1/sync', 'post']);
  });

  it('needs a caller', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/v1/sync', payload: { deviceId: 'till-1', commands: [command('1', {})] } });
    expect(response.statusCode).toBe(401);
  });
});
