import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyStore, type Claim, type IdempotencyStore } from '../../src/infrastructure/idempotency/idempotencyStore.js';
import type { KeyScope } from '../../src/infrastructure/idempotency/key.js';
import { canonicalJson, requestHash } from '../../src/infrastructure/idempotency/requestHash.js';
import { connectPostgres, type Postgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';

const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
let scopes = 0;
const scope = (): KeyScope => ({ tenantId: 'tenant-a', deviceId: 'till-1', key: `key-${++scopes}` });
const ok = { status: 201, body: '{"revision":0}', headers: { etag: '"0"', 'content-type': 'application/json; charset=utf-8' } };

function claimed(outcome: Awaited<ReturnType<IdempotencyStore['claim']>>): Claim {
  if (outcome.kind !== 'claimed') throw new Error(`expected a claim, got ${outcome.kind}`);
  return outcome.claim;
}

describe('idempotency key store', () => {
  let postgres: Postgres;
  let store: IdempotencyStore;
  beforeAll(async () => {
    postgres = await connectPostgres({ kind: 'embedded', dataDir: undefined });
    await migrateToLatest(postgres.db);
    store = createIdempotencyStore(postgres.db, { leaseMs: 60_000 });
  });
  afterAll(async () => {
    await postgres.db.destroy();
  });

  it('keeps the response bytes as sent and replays them', async () => {
    const s = scope();
    const body = '{"z":1,  "a":[2,1]}';
    expect(await store.complete(claimed(await store.claim(s, 'h', t0)), { ...ok, body }, t0)).toBe(true);
    expect(await store.claim(s, 'h', at(1))).toEqual({ kind: 'replay', response: { ...ok, body } });
    expect(await store.claim(s, 'other', at(1))).toEqual({ kind: 'mismatch' });
  });

  it('a released key can be claimed again', async () => {
    const s = scope();
    await store.release(claimed(await store.claim(s, 'h', t0)));
    expect((await store.claim(s, 'h', at(1))).kind).toBe('claimed');
  });

  it('of two retries after a lapsed lease exactly one takes over, and the stale holder can no longer finish', async () => {
    const s = scope();
    const stale = claimed(await store.claim(s, 'h', t0));
    const [a, b] = await Promise.all([store.claim(s, 'h', at(61_000)), store.claim(s, 'h', at(61_000))]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['claimed', 'in_flight']);
    const winner = a.kind === 'claimed' ? a : b;
    expect(winner).toMatchObject({ takenOver: true });

    expect(await store.complete(stale, ok, at(62_000))).toBe(false);
    await store.release(stale);
    expect(await store.complete(claimed(winner), ok, at(62_000))).toBe(true);
  });

  it('keeps keys 7 days by default; purgeExpired forgets older ones, and an expired key is forgotten on claim', async () => {
    const old = scope();
    const recent = scope();
    await store.complete(claimed(await store.claim(old, 'h', t0)), ok, t0);
    await store.complete(claimed(await store.claim(recent, 'h', at(DAY))), ok, at(DAY));

    expect((await store.claim(old, 'other', at(7 * DAY - 1))).kind).toBe('mismatch');
    expect(await store.purgeExpired(at(7 * DAY - 1))).toBe(0);
    expect(await store.purgeExpired(at(7 * DAY))).toBeGreaterThanOrEqual(1);
    expect((await store.claim(old, 'other', at(7 * DAY))).kind).toBe('claimed');

    expect((await store.claim(recent, 'h', at(8 * DAY - 1))).kind).toBe('replay');
    // Expired, not purged yet: a new request with the key is a new request.
    expect(await store.claim(recent, 'other', at(8 * DAY))).toMatchObject({ kind: 'claimed', takenOver: false });
  });

  it('the time to live is configurable', async () => {
    const short = createIdempotencyStore(postgres.db, { ttlMs: 1000 });
    const s = scope();
    await short.complete(claimed(await short.claim(s, 'h', t0)), ok, t0);
    expect((await short.claim(s, 'other', at(1000))).kind).toBe('claimed');
  });
});

describe('request hash', () => {
  it('ignores key order and undefined members, not values, method or URL', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    const hash = requestHash('POST', '/v1/orders/1/lines', { sku: 'A', quantity: 1 });
    expect(requestHash('post', '/v1/orders/1/lines', { quantity: 1, sku: 'A' })).toBe(hash);
    expect(requestHash('POST', '/v1/orders/1/lines', { quantity: 2, sku: 'A' })).not.toBe(hash);
    expect(requestHash('POST', '/v1/orders/2/lines', { quantity: 1, sku: 'A' })).not.toBe(hash);
    expect(requestHash('PUT', '/v1/orders/1/lines', { quantity: 1, sku: 'A' })).not.toBe(hash);
  });
});
