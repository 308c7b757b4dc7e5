import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatPosition } from '../../src/application/ports/eventStore.js';
import { call, command, withShop } from '../support/fullApp.js';

type Row = Readonly<{
  name: string;
  kind: 'read_model' | 'reactor';
  generation: number;
  state: string;
  position: string | null;
  lagEvents: number;
  lagSeconds: number;
  halt: Readonly<{ eventId: string; eventType: string; position: string; attempts: number; error: string }> | null;
}>;

const READ_MODELS = ['directory', 'drawer_cash', 'drawers', 'orders', 'sales', 'tenant_orders', 'till_periods'];

/**
 * What an operator reads of the projections over HTTP (GET /v1/operations/projections) and what a
 * poison event does to /ready, on the app as the composition root wires it.
 */
describe('operations: projections status and a degraded /ready', () => {
  const ctx = withShop();
  const status = async (): Promise<readonly Row[]> => {
    const answer = await call(ctx.full.app, 'GET', '/v1/operations/projections', { token: ctx.shop.tokens.owner });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json<{ projections: Row[] }>().projections;
  };

  it('lists every live read model and the reactors, and each reaches the position a command returned', async () => {
    const { position } = await command(ctx.full.app, `/v1/tenants/${ctx.shop.tenantId}/branches`, { token: ctx.shop.tokens.admin, body: { name: 'Gare' } });
    await expect
      .poll(async () => (await status()).filter((row) => row.position !== position || row.lagEvents !== 0).map((row) => row.name), { timeout: 5_000 })
      .toEqual([]);
    const rows = await status();
    expect(rows.filter((row) => row.kind === 'read_model').map((row) => row.name).sort()).toEqual(READ_MODELS);
    expect(rows.filter((row) => row.kind === 'reactor').map((row) => row.name)).toEqual(['account_sync', 'seal_on_z']);
    for (const row of rows) {
      expect(row, row.name).toMatchObject({ state: 'live', lagSeconds: 0, halt: null });
      if (row.kind === 'read_model') expect(row.generation, row.name).toBeGreaterThan(0);
    }
  });

  it('answers only the platform owner: 403 for a tenant admin, 401 without a token', async () => {
    expect((await call(ctx.full.app, 'GET', '/v1/operations/projections', { token: ctx.shop.tokens.admin })).statusCode).toBe(403);
    expect((await call(ctx.full.app, 'GET', '/v1/operations/projections')).statusCode).toBe(401);
  });

  it('a poison event halts the models that read it, shown in the status and in /ready; the others stay current', { timeout: 40_000 }, async () => {
    const { full, shop } = ctx;
    // An order event of a schema version this code cannot read: every model handling it fails on it.
    const streamId = `order-${shop.tenantId}/${randomUUID()}`;
    await full.eventStore.appendToStream(
      streamId,
      [
        {
          eventId: randomUUID(),
          type: 'OrderOpened',
          schemaVersion: 99,
          tenantId: shop.tenantId,
          occurredAt: new Date(),
          data: {},
          metadata: { actor: { userId: shop.adminId, role: 'tenant_admin' }, correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const [poison] = await full.eventStore.readStream(streamId);
    expect(poison).toBeDefined();
    const halted = (rows: readonly Row[]) => rows.filter((row) => row.halt !== null).map((row) => row.name).sort();
    // Five attempts with back-off (1, 2, 4, 4 s) before it halts.
    await expect.poll(async () => halted(await status()), { timeout: 30_000, interval: 500 }).toEqual(['orders', 'sales', 'tenant_orders', 'till_periods']);

    const rows = await status();
    const orders = rows.find((row) => row.name === 'orders');
    expect(orders).toMatchObject({
      state: 'halted',
      halt: { eventId: poison?.eventId, eventType: 'OrderOpened', position: poison && formatPosition(poison.position), attempts: 5 },
    });
    expect(orders?.halt?.error).toBe('RangeError: OrderOpened v99 is newer than this code knows (v1)');
    expect(orders?.lagEvents).toBeGreaterThan(0);

    // The rest go on: a later branch reaches the directory; drawer_cash does not read OrderOpened.
    expect(rows.find((row) => row.name === 'drawer_cash')).toMatchObject({ state: 'live', halt: null });
    const { position } = await command(full.app, `/v1/tenants/${shop.tenantId}/branches`, { token: shop.tokens.admin, body: { name: 'Port' } });
    await expect.poll(async () => (await status()).find((row) => row.name === 'directory')?.position, { timeout: 5_000 }).toBe(position);

    const ready = await full.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    const body = ready.json<{ status: string; degraded: { component: string; name: string; eventId: string; position: string }[] }>();
    expect(body.status).toBe('degraded');
    expect(body.degraded.map((entry) => entry.name).sort()).toEqual(halted(rows));
    expect(body.degraded.find((entry) => entry.name === 'orders')).toMatchObject({ component: 'projection', eventId: poison?.eventId, position: orders?.halt?.position });
  });
});
