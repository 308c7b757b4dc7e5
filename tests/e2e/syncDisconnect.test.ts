import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, cashier, deferred, startHarness, type Harness } from '../int/idempotency.harness.js';

/** A till that posts a batch over a real socket and goes away while the first command runs. */
describe('a sync batch whose client disconnects', () => {
  let h: Harness;
  const serverSockets: Socket[] = [];
  beforeAll(async () => {
    h = await startHarness();
    h.app.server.on('connection', (socket: Socket) => serverSockets.push(socket));
    await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('stops before its next command: the rest are not run', async () => {
    const gate = deferred();
    h.hold(gate.promise);
    const order = 'gone-1';
    const commands = Array.from({ length: 50 }, (_, i) => ({
      idempotencyKey: `${order}:${i}`,
      clientTime: '2026-11-22T09:00:00.000Z',
      method: 'POST',
      path: `/v1/test/orders/${order}/lines`,
      body: { sku: `SKU-${i}`, quantity: 1 },
    }));
    const { port } = h.app.server.address() as AddressInfo;
    const client = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/sync', headers: { ...as(cashier), 'content-type': 'application/json' } });
    client.on('error', () => undefined);
    client.end(JSON.stringify({ deviceId: 'till-1', commands }));

    await until(() => h.calls() === 1);
    client.destroy();
    await until(() => serverSockets.length > 0 && serverSockets.every((socket) => socket.destroyed));
    gate.resolve();

    // Give a batch that went on every chance to run its next commands.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.calls()).toBe(1);
    expect(await h.eventStore.readStream(h.streamOf(order))).toHaveLength(1);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not reached');
}
