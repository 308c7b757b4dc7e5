import { DEFAULT_LEASE_MS } from '../../src/infrastructure/idempotency/idempotencyStore.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/application/principal.js';
import type { DeviceId, TenantId } from '../../src/domain/shared/ids.js';
import { requestHash } from '../../src/infrastructure/idempotency/requestHash.js';
import { as, cashier, deferred, manager, startHarness, type Harness } from './idempotency.harness.js';

const line = { sku: 'COFFEE', quantity: 2 };

describe('Idempotency-Key on command routes', () => {
  // One database for the file; each test works on an order of its own.
  let h: Harness;
  let ORDER = '';
  let URL = '';
  let orders = 0;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.reset();
    ORDER = `order-${++orders}`;
    URL = `/v1/test/orders/${ORDER}/lines`;
  });
  // Keys are scoped to tenant and device, not to the URL: each test uses keys of its own.
  const k = (name: string): string => `${ORDER}:${name}`;

  const post = (principal: Principal, key: string | undefined, body: object = line, url = URL) =>
    h.app.inject({ method: 'POST', url, headers: as(principal, key), payload: body });
  const events = async (orderId = ORDER) => h.eventStore.readStream(h.streamOf(orderId));

  it('same key, same body: the stored answer is replayed, with its ETag, and nothing is written again', async () => {
    const first = await post(cashier, k('1'));
    // The same body with its keys in another order is the same request.
    const second = await post(cashier, k('1'), { quantity: 2, sku: 'COFFEE' });

    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.body).toBe(first.body);
    expect(h.calls()).toBe(1);
    expect(await events()).toHaveLength(1);
  });

  it('same key, different body: 422 IDEMPOTENCY_KEY_REUSED, and the handler does not run', async () => {
    await post(cashier, k('1'));
    const reused = await post(cashier, k('1'), { sku: 'TEA', quantity: 2 });
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(h.calls()).toBe(1);
  });

  it('the same key on another order is another request (the URL is part of it)', async () => {
    await post(cashier, k('1'));
    const other = await post(cashier, k('1'), line, `/v1/test/orders/another/lines`);
    expect(other.statusCode).toBe(422);
  });

  it('same key while the first is still running: 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After', async () => {
    const gate = deferred();
    h.hold(gate.promise);
    const first = post(cashier, k('1'));
    await until(() => h.calls() === 1);
    const second = await post(cashier, k('1'));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    gate.resolve();
    expect((await first).statusCode).toBe(201);
    const third = await post(cashier, k('1'));
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(await events()).toHaveLength(1);
  });

  it('20 concurrent requests with one key write one set of events', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(cashier, k('burst'))));
    const applied = responses.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
    const others = responses.filter((r) => !applied.includes(r));
    expect(applied).toHaveLength(1);
    for (const response of others) {
      const replayed = response.statusCode === 201 && response.headers['idempotent-replayed'] === 'true';
      expect(replayed || response.statusCode === 409, `status ${response.statusCode}`).toBe(true);
    }
    expect(h.calls()).toBe(1);
    expect(await events()).toHaveLength(1);
  });

  it('a cashier without a key gets 400 IDEMPOTENCY_KEY_REQUIRED; a manager may go without one', async () => {
    const cashierCall = await post(cashier, undefined);
    expect(cashierCall.statusCode).toBe(400);
    expect(cashierCall.json()).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
    expect(h.calls()).toBe(0);

    expect((await post(manager, undefined)).statusCode).toBe(201);
    expect((await post(manager, undefined)).statusCode).toBe(201);
    expect(await events()).toHaveLength(2);
  });

  it('a malformed key is refused', async () => {
    for (const key of ['has space', 'x'.repeat(129), 'é']) {
      const response = await h.app.inject({ method: 'POST', url: URL, headers: { ...as(cashier), 'idempotency-key': key }, payload: line });
      expect(response.json()).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_INVALID' });
    }
    expect(h.calls()).toBe(0);
  });

  it('keys are per device and per tenant', async () => {
    const otherTill: Principal = { ...cashier, deviceId: 'till-2' as DeviceId };
    const otherTenant: Principal = { ...cashier, tenantId: 'tenant-b' as TenantId };
    for (const principal of [cashier, otherTill, otherTenant]) {
      const response = await post(principal, k('shared'));
      expect(response.statusCode).toBe(201);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await events()).toHaveLength(3);
  });

  it('a domain refusal is kept and replayed: the same request would be refused again', async () => {
    const first = await post(cashier, k('bad'), { sku: 'COFFEE', quantity: 0 });
    const again = await post(cashier, k('bad'), { sku: 'COFFEE', quantity: 0 });
    expect(first.statusCode).toBe(422);
    expect(again.statusCode).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(h.calls()).toBe(1);
  });

  it('a 500 is not kept: the key is released and the retry runs', async () => {
    const failed = await post(cashier, k('flaky'), { ...line, fail: 'server' });
    expect(failed.statusCode).toBe(500);
    const retry = await post(cashier, k('flaky'), { ...line, fail: 'server' });
    expect(retry.statusCode).toBe(500);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(h.calls()).toBe(2);
  });

  it('after a crash between commit and response, the retry takes the lapsed key over and answers the original result', async () => {
    // The crashed attempt: it claimed the key a while ago and committed its event, then died.
    const crashedAt = new Date(h.clock.now().getTime() - 5 * 60 * 1000);
    const claim = await h.keys.claim(
      { tenantId: 'tenant-a', deviceId: 'till-1', key: k('crash') },
      requestHash('POST', URL, line),
      crashedAt,
    );
    expect(claim.kind).toBe('claimed');
    const original = await h.eventStore.appendToStream(
      h.streamOf(ORDER),
      [
        {
          eventId: '0b1f6a52-5b7e-4a44-9d43-1b6f0c1a0001',
          type: 'TestLineAdded',
          schemaVersion: 1,
          tenantId: 'tenant-a',
          occurredAt: crashedAt,
          data: line,
          metadata: {
            actor: { userId: cashier.userId, role: 'cashier', deviceId: 'till-1' },
            correlationId: 'crashed',
            causationId: null,
            idempotencyKey: k('crash'),
            traceContext: null,
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );

    const retry = await post(cashier, k('crash'));
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ revision: original.nextExpectedRevision });
    expect(retry.headers.etag).toBe(`"${original.nextExpectedRevision}"`);
    expect(await events()).toHaveLength(1);

    // From now on it is an ordinary completed key.
    const again = await post(cashier, k('crash'));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(retry.body);
  });

  it('a key whose holder is still within its lease is not taken over', async () => {
    await h.keys.claim({ tenantId: 'tenant-a', deviceId: 'till-1', key: k('live') }, requestHash('POST', URL, line), h.clock.now());
    // The lease is short (3 s, ADR 0008): a holder that stops renewing it loses the key soon after.
    h.clock.set(new Date(h.clock.now().getTime() + DEFAULT_LEASE_MS - 500));
    expect((await post(cashier, k('live'))).statusCode).toBe(409);
    h.clock.set(new Date(h.clock.now().getTime() + 501));
    expect((await post(cashier, k('live'))).statusCode).toBe(201);
    expect(h.calls()).toBe(1);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not reached');
}
