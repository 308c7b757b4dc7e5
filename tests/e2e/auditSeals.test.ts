import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sealMessage, type Seal } from '../../src/application/audit/seals.js';
import { streams } from '../../src/application/events/streams.js';
import { loadSealingKeys } from '../../src/infrastructure/audit/sealingKeys.js';
import { call, command, openShop, withShop, type Shop, hireAuditor } from '../support/fullApp.js';

type Report = {
  tenantId: string; ok: boolean; eventsChecked: number; streamsChecked: number; unsealedEvents: number;
  seal: { sealNumber: number; through: string | null; eventCount: number; keyId: string } | null;
  problem: { kind: string; streamId: string | null; revision: number | null } | null;
};
type Streams = { streams: { streamId: string; category: string; lastRevision: number }[]; nextCursor: string | null };

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never: ${what}`);
}

/** Seals and verify over HTTP (issue 11, ADR 0024): a seal at each Z and on demand, listed, exported, verified. */
describe('audit: seals over the tenant’s history, and verify', () => {
  const ctx = withShop();
  let auditor = '';
  let other: Shop;
  const get = (url: string, token = auditor) => call(ctx.full.app, 'GET', url, { token });

  beforeAll(async () => {
    const { full, shop } = ctx;
    auditor = await hireAuditor(full, shop);
    other = await openShop(full, 'Autre Boulangerie SARL');
    const till = () => ({ token: shop.tokens.cashier, headers: { 'idempotency-key': randomUUID() } });
    const orderId = randomUUID();
    await command(full.app, '/v1/orders', { ...till(), status: 201, body: { orderId, branchId: shop.branchId, deviceId: shop.deviceId } });
    await command(full.app, `/v1/orders/${orderId}/lines`, { ...till(), body: { lineId: 'l1', sku: 'BAG', name: 'Baguette', unitPrice: 120, quantity: 2, taxRateId: 'standard' } });
    await command(full.app, `/v1/orders/${orderId}/payments`, { ...till(), body: { paymentId: 'p1', tender: { method: 'card', amount: 240, processorReference: 'AUTH-1' } } });
    await command(full.app, `/v1/orders/${orderId}/complete`, till());
    const z = await call(full.app, 'POST', `/v1/devices/${shop.deviceId}/z-reports`, { token: shop.tokens.manager, headers: { 'idempotency-key': randomUUID() } });
    expect(z.statusCode, z.body).toBe(201);
  });

  it('seals the tenant’s history at the Z closure, signed by the configured key, and verify says OK against it', async () => {
    const seal = await eventually(async () => {
      const answer = await get('/v1/audit/seals');
      return answer.json<{ seals: Seal[] }>().seals[0];
    }, 'a seal after the Z');
    expect(seal).toMatchObject({ tenantId: ctx.shop.tenantId, sealNumber: 1, reason: { kind: 'z_closure', deviceId: ctx.shop.deviceId, zNumber: 1 }, algorithm: 'Ed25519' });
    // The Z itself is covered: the seal's position is at or after the till stream's head.
    const [zEvent] = await ctx.full.eventStore.readStream(streams.till(ctx.shop.tenantId, ctx.shop.deviceId));
    const [commit = '0', prepare = '0'] = (seal.through ?? '0.0').split('.');
    expect(BigInt(commit) > (zEvent?.position.commit ?? 0n) || (BigInt(commit) === zEvent?.position.commit && BigInt(prepare) >= zEvent.position.prepare)).toBe(true);
    // The signature holds under the development key the test app runs with, over exactly the figures.
    const keys = loadSealingKeys({ seed: null, trusted: [] });
    expect(seal.keyId).toBe(keys.signer.keyId);
    expect(await keys.verifier.verify(seal.keyId, sealMessage(seal), Buffer.from(seal.signature, 'base64url'))).toBe(true);
    expect(await keys.verifier.verify(seal.keyId, sealMessage({ ...seal, eventCount: seal.eventCount + 1 }), Buffer.from(seal.signature, 'base64url'))).toBe(false);

    const report = (await get('/v1/audit/verify')).json<Report>();
    expect(report).toMatchObject({ tenantId: ctx.shop.tenantId, ok: true, problem: null, seal: { sealNumber: 1, eventCount: seal.eventCount } });
    expect(report.eventsChecked).toBe(seal.eventCount + report.unsealedEvents);
    expect(report.streamsChecked).toBeGreaterThanOrEqual(seal.streamCount);
  });

  it('seals on demand for the tenant’s admin, numbered on; another tenant’s admin gets 404 and the auditor 403', async () => {
    const before = (await get('/v1/audit/seals')).json<{ seals: Seal[] }>().seals.length;
    const made = await call(ctx.full.app, 'POST', `/v1/tenants/${ctx.shop.tenantId}/seals`, { token: ctx.shop.tokens.admin });
    expect(made.statusCode, made.body).toBe(201);
    const seal = made.json<Seal>();
    expect(seal).toMatchObject({ sealNumber: before + 1, reason: { kind: 'on_demand', userId: ctx.shop.adminId } });
    expect((await get(`/v1/audit/seals/${seal.sealNumber}`)).json<Seal>()).toEqual(seal);
    expect((await get(`/v1/audit/seals/${seal.sealNumber + 1}`)).statusCode).toBe(404);
    expect((await call(ctx.full.app, 'POST', `/v1/tenants/${ctx.shop.tenantId}/seals`, { token: other.tokens.admin })).statusCode).toBe(404);
    expect((await call(ctx.full.app, 'POST', `/v1/tenants/${ctx.shop.tenantId}/seals`, { token: auditor })).statusCode).toBe(403);
    // Everything up to now is sealed by it: verify against it checks every event as sealed.
    const report = (await get('/v1/audit/verify')).json<Report>();
    expect(report).toMatchObject({ ok: true, seal: { sealNumber: seal.sealNumber } });
    // An older seal verifies too: the directory of each seal is kept.
    expect((await get('/v1/audit/verify?sealNumber=1')).json<Report>()).toMatchObject({ ok: true, seal: { sealNumber: 1 } });
    expect((await get('/v1/audit/verify?sealNumber=99')).statusCode).toBe(404);
  });

  it('ends the export with the latest seal', async () => {
    const latest = (await get('/v1/audit/seals?limit=200')).json<{ seals: Seal[] }>().seals.at(-1);
    const lines = (await get('/v1/audit/export')).body.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; seal?: Seal; hash?: string });
    const end = lines.at(-1);
    expect(end).toMatchObject({ kind: 'end', seal: latest });
    expect(lines.filter((line) => line.kind === 'event').every((line) => /^[0-9a-f]{64}$/.test(line.hash ?? ''))).toBe(true);
  });

  it('lists the tenant’s streams in pages, by category, and none of another tenant’s', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await get(`/v1/audit/streams?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.statusCode, answer.body).toBe(200);
      const page: Streams = answer.json<Streams>();
      expect(page.streams.length).toBeLessThanOrEqual(2);
      all.push(...page.streams.map((s) => s.streamId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toContain(streams.tenant(ctx.shop.tenantId));
    expect(all).toContain(streams.seal(ctx.shop.tenantId));
    expect(all).toContain(streams.till(ctx.shop.tenantId, ctx.shop.deviceId));
    expect(all.every((id) => id.includes(ctx.shop.tenantId))).toBe(true);
    expect([...all].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(all);
    const orders = (await get('/v1/audit/streams?category=order')).json<Streams>();
    expect(orders.streams.length).toBe(1);
    expect(orders.streams[0]).toMatchObject({ category: 'order', lastRevision: 3 });
    const theirs = (await get('/v1/audit/streams', other.tokens.admin)).json<Streams>();
    expect(theirs.streams.every((s) => s.streamId.includes(other.tenantId) && !s.streamId.includes(ctx.shop.tenantId))).toBe(true);
    expect((await get('/v1/audit/streams?cursor=not-a-cursor!')).statusCode).toBe(400);
    expect((await get('/v1/audit/streams?limit=201')).statusCode).toBe(400);
  });
});
