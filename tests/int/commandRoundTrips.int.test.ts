import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIN, call, openShop, pinLogin, type CallOptions, type FullApp, type Shop } from '../support/fullApp.js';
import { installRoundTripCounter, listenCounted, type CountedServer, type RoundTrips } from '../support/roundTrips.js';
import { startFullAppOn, storageTargets } from '../support/storageTargets.js';

/**
 * Issue 10: a till's happy-path command (open an order, add a line, take cash, complete) makes at
 * most 3 database round trips, authentication and idempotency included. Counted on the client
 * side of the database (tests/support/roundTrips.ts), over a real socket: a statement, a BEGIN and a COMMIT each
 * count; only the request's own work is counted, not the projection follower running beside it.
 */
const MAX_ROUND_TRIPS = 3;

installRoundTripCounter();

describe.each(storageTargets())('round trips of a till command (%s)', (_name, openStorage) => {
  let full: FullApp;
  let shop: Shop;
  let server: CountedServer;
  let cashier = '';

  beforeAll(async () => {
    full = await startFullAppOn(await openStorage());
    shop = await openShop(full);
    server = await listenCounted(full.app);
  });
  afterAll(async () => {
    await full.close();
  });

  const atTill = (url: string, body?: unknown, more: CallOptions = {}) =>
    call(full.app, 'POST', url, { token: cashier, body, ...more, headers: { 'idempotency-key': randomUUID(), ...more.headers } });

  type Sent = Readonly<{ status: number; body: string; headers: Readonly<Record<string, string | null>>; trips: RoundTrips }>;

  /** Runs one till command over HTTP with this Idempotency-Key, and answers what it sent to the database. */
  async function send(url: string, body: unknown, key: string): Promise<Sent> {
    const headers: Record<string, string> = { authorization: `Bearer ${cashier}`, 'idempotency-key': key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { response, text, trips } = await server.request('POST', url, { headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const kept = Object.fromEntries(['content-type', 'etag', 'location', 'idempotent-replayed'].map((name) => [name, response.headers.get(name)]));
    return { status: response.status, body: text, headers: kept, trips };
  }

  async function measured(url: string, body: unknown, status = 200, key = randomUUID()): Promise<Sent> {
    const sent = await send(url, body, key);
    expect(sent.status, sent.body).toBe(status);
    // Nothing counted would mean the counter lost the request, not a command without a database.
    expect(sent.trips.statements.length).toBeGreaterThan(0);
    return sent;
  }

  function sale(orderId: string, drawerId: string): readonly Readonly<{ name: string; url: string; body: unknown; status?: number }>[] {
    const line = (lineId: string, unitPrice: number) => ({ lineId, sku: `SKU-${lineId}`, name: `Item ${lineId}`, unitPrice, quantity: 1, taxRateId: 'standard' });
    return [
      { name: 'open order', url: '/v1/orders', body: { orderId, branchId: shop.branchId, deviceId: shop.deviceId }, status: 201 },
      { name: 'add line 1', url: `/v1/orders/${orderId}/lines`, body: line('l1', 250) },
      { name: 'add line 2', url: `/v1/orders/${orderId}/lines`, body: line('l2', 180) },
      { name: 'add line 3', url: `/v1/orders/${orderId}/lines`, body: line('l3', 320) },
      { name: 'cash payment', url: `/v1/orders/${orderId}/payments`, body: { paymentId: 'p1', tender: { method: 'cash', amount: 1000 }, drawerId } },
      { name: 'complete', url: `/v1/orders/${orderId}/complete`, body: undefined },
    ];
  }

  it(`a till's sale makes at most ${MAX_ROUND_TRIPS} round trips per command`, async () => {
    // The till's day starts as in a shop: PIN sign-in, clock in, open the drawer.
    cashier = (await pinLogin(full.app, { deviceId: shop.deviceId, employeeId: shop.cashierId, pin: PIN })).accessToken;
    const clockedIn = await atTill(`/v1/employees/${shop.cashierId}/clock-in`, { branchId: shop.branchId });
    expect(clockedIn.statusCode, clockedIn.body).toBe(200);
    const opened = await atTill(`/v1/employees/${shop.cashierId}/drawer/open`, { deviceId: shop.deviceId, floatAmount: 10_000 });
    expect(opened.statusCode, opened.body).toBe(200);
    const drawerId = opened.json<{ id: string }>().id;

    // A first sale warms what a till in service has warm (connections, prepared statements).
    for (const step of sale(randomUUID(), drawerId)) await measured(step.url, step.body, step.status);

    const counts: Record<string, number> = {};
    const over: string[] = [];
    const answered: (Sent & Readonly<{ url: string; payload: unknown; key: string }>)[] = [];
    for (const step of sale(randomUUID(), drawerId)) {
      const key = randomUUID();
      const sent = await measured(step.url, step.body, step.status, key);
      answered.push({ ...sent, url: step.url, payload: step.body, key });
      counts[step.name] = sent.trips.statements.length;
      if (sent.trips.statements.length > MAX_ROUND_TRIPS) over.push(`${step.name}: ${sent.trips.statements.length}\n    ${sent.trips.statements.join('\n    ')}`);
    }
    console.info(`round trips per command (${_name}): ${JSON.stringify(counts)}`);
    expect(over, `commands over ${MAX_ROUND_TRIPS} round trips:\n${over.join('\n')}`).toEqual([]);

    // The key's answer was kept with the events (ADR 0019): a retry gets the very same bytes.
    for (const first of answered) {
      const again = await send(first.url, first.payload, first.key);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect({ status: again.status, body: again.body, type: again.headers['content-type'], etag: again.headers.etag, location: again.headers.location }).toEqual({
        status: first.status, body: first.body, type: first.headers['content-type'], etag: first.headers.etag, location: first.headers.location,
      });
    }
  });
});
