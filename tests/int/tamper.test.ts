import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealHistory, sealMessage, type Seal } from '../../src/application/audit/seals.js';
import { verifyTenant, type VerifyReport } from '../../src/application/audit/verify.js';
import { streams } from '../../src/application/events/streams.js';
import type { NewEvent } from '../../src/application/ports/eventStore.js';
import { createPostgresAuditLog } from '../../src/infrastructure/audit/postgresAuditLog.js';
import { loadSealingKeys } from '../../src/infrastructure/audit/sealingKeys.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

const keys = loadSealingKeys({ seed: Buffer.alloc(32, 9), trusted: [] });
const otherKeys = loadSealingKeys({ seed: Buffer.alloc(32, 10), trusted: [] });
const ACTOR = { userId: 'auditor-test', role: 'tenant_admin', correlationId: 'tamper-test' };

function event(tenantId: string, type: string, data: Record<string, unknown>): NewEvent {
  return {
    eventId: randomUUID(), type, schemaVersion: 1, tenantId, occurredAt: new Date(), data,
    metadata: { actor: { userId: 'u-1', role: 'cashier', deviceId: 'pos-1' }, correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null },
  };
}

/**
 * Tamper evidence (issue 11 "Done when"): each tenant's history is edited directly in PostgreSQL,
 * as the superuser with the immutability trigger disabled, in one of the ways an insider could;
 * verify must name the place. One tenant per kind of edit, all in one database.
 */
describe.each(storageTargets())('verify finds every kind of tampering on %s', (_name, open) => {
  let storage: OpenedStorage;
  let db: Kysely<Database>;
  const log = () => createPostgresAuditLog(storage.postgres);
  const seals = new Map<string, Seal>();
  const orders = (tenantId: string) => [1, 2, 3].map((n) => streams.order(tenantId, `o${n}`));

  async function history(tenantId: string): Promise<void> {
    await storage.eventStore.appendToStream(streams.tenant(tenantId), [event(tenantId, 'TenantRegistered', { legalName: 'Shop', tenantId })], { expectedRevision: 'no_stream' });
    for (const streamId of orders(tenantId)) {
      await storage.eventStore.appendToStream(streamId, [event(tenantId, 'OrderOpened', { branchId: 'b1' })], { expectedRevision: 'no_stream' });
      for (let revision = 1; revision <= 3; revision += 1) {
        await storage.eventStore.appendToStream(streamId, [event(tenantId, 'OrderLineAdded', { lineId: `l${revision}`, amount: 120 * revision })], { expectedRevision: revision - 1 });
      }
    }
    await storage.eventStore.appendToStream(streams.till(tenantId, 'pos-1'), [event(tenantId, 'TillDayClosed', { zNumber: 1 })], { expectedRevision: 'no_stream' });
    const deps = { eventStore: storage.eventStore, auditLog: log(), archive: log(), signer: keys.signer, clock: systemClock, ids: randomIds };
    seals.set(tenantId, await sealHistory(deps, tenantId, { kind: 'on_demand', userId: 'auditor-test' }, ACTOR));
  }

  /** The edit, as an insider with the superuser's rights would make it. */
  async function tamper(statements: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE events DISABLE TRIGGER events_immutable`.execute(trx);
      await statements(trx);
      await sql`ALTER TABLE events ENABLE TRIGGER events_immutable`.execute(trx);
    });
  }

  const verify = (tenantId: string, seal: Seal | null = seals.get(tenantId) ?? null, verifier = keys.verifier): Promise<VerifyReport> =>
    verifyTenant(log(), tenantId, { seal, verifier, pageSize: 5 });

  const T = Object.fromEntries(['untouched', 'byte', 'middle', 'tail', 'forged', 'forgedStream', 'swap', 'stream', 'directory'].map((k) => [k, `t-${k}-${randomUUID().slice(0, 8)}`])) as Record<string, string>;
  const t = (key: string): string => T[key] ?? '';

  beforeAll(async () => {
    storage = await open();
    db = storage.postgres.db;
    for (const tenantId of Object.values(T)) await history(tenantId);
  });
  afterAll(() => storage.dispose());

  it('an untouched history verifies OK against its seal, every event checked, the seal’s own event the one not sealed yet', async () => {
    const report = await verify(t('untouched'));
    expect(report).toMatchObject({ ok: true, problem: null, eventsChecked: 15, streamsChecked: 6, unsealedEvents: 1, seal: { sealNumber: 1, eventCount: 14 } });
  });

  it('one byte of an event’s data changed: the hash of that stream and revision', async () => {
    const [stream] = orders(t('byte'));
    await tamper((trx) => sql`UPDATE events SET data = replace(data::text, '"amount":240', '"amount":241')::json WHERE stream_id = ${stream} AND stream_revision = 2`.execute(trx).then(() => undefined));
    const report = await verify(t('byte'));
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ kind: 'hash_mismatch', streamId: stream, revision: 2 });
    expect(report.problem?.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(report.problem?.found).toMatch(/^[0-9a-f]{64}$/);
    expect(report.problem?.expected).not.toBe(report.problem?.found);
  });

  it('a middle event deleted: the missing revision', async () => {
    const stream = orders(t('middle'))[1];
    await tamper((trx) => sql`DELETE FROM events WHERE stream_id = ${stream} AND stream_revision = 1`.execute(trx).then(() => undefined));
    expect((await verify(t('middle'))).problem).toMatchObject({ kind: 'revision_gap', streamId: stream, revision: 1, expected: '1', found: '2' });
  });

  it('the last events of a stream deleted: the seal knows where the stream ended', async () => {
    const stream = orders(t('tail'))[2];
    const [sealedHead] = await storage.eventStore.readStream(stream ?? '', { direction: 'backwards', maxCount: 1 });
    await tamper((trx) => sql`DELETE FROM events WHERE stream_id = ${stream} AND stream_revision >= 2`.execute(trx).then(() => undefined));
    const report = await verify(t('tail'));
    expect(report.problem).toMatchObject({ kind: 'tail_missing', streamId: stream, revision: 2, expected: sealedHead?.hash });
    // The chain alone cannot tell: what is left of the stream is a valid chain.
    expect((await verify(t('tail'), null)).ok).toBe(true);
  });

  it('a forged event appended with a valid hash, placed at a position the seal covers: not in the seal', async () => {
    const [stream] = orders(t('forged'));
    await tamper(async (trx) => {
      // The insider computes the hash as the store would and reuses an old transaction id to place it in the past.
      await sql`
        INSERT INTO events (transaction_id, global_position, event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at, recorded_at, hash)
        OVERRIDING SYSTEM VALUE
        SELECT p.transaction_id, p.global_position + 1000000, ${randomUUID()}::uuid, p.stream_id, 4, p.tenant_id, 'OrderRefunded', 1, '{"amount":999}'::json, p.metadata, p.occurred_at, p.recorded_at,
               ts_event_hash(p.hash, ts_event_envelope(p.stream_id, 4, ${randomUUID()}::uuid, p.tenant_id, 'OrderRefunded', 1, '{"amount":999}', p.metadata::text, p.occurred_at, p.recorded_at))
          FROM events p WHERE p.stream_id = ${stream} AND p.stream_revision = 3`.execute(trx);
    });
    const report = await verify(t('forged'));
    // The event id in the hash differs from the stored one here, so the chain breaks first; either way: that stream, revision 4.
    expect(report.problem).toMatchObject({ streamId: stream, revision: 4 });
    expect(['hash_mismatch', 'not_sealed']).toContain(report.problem?.kind);
  });

  it('a forged event whose hash is exactly right still shows: the seal ends the stream before it', async () => {
    const [stream] = orders(t('forgedStream'));
    const id = randomUUID();
    await tamper(async (trx) => {
      await sql`
        INSERT INTO events (transaction_id, global_position, event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at, recorded_at, hash)
        OVERRIDING SYSTEM VALUE
        SELECT p.transaction_id, p.global_position + 1000000, ${id}::uuid, p.stream_id, 4, p.tenant_id, 'OrderRefunded', 1, '{"amount":999}'::json, p.metadata, p.occurred_at, p.recorded_at,
               ts_event_hash(p.hash, ts_event_envelope(p.stream_id, 4, ${id}::uuid, p.tenant_id, 'OrderRefunded', 1, '{"amount":999}', p.metadata::text, p.occurred_at, p.recorded_at))
          FROM events p WHERE p.stream_id = ${stream} AND p.stream_revision = 3`.execute(trx);
    });
    expect((await verify(t('forgedStream'), null)).ok).toBe(true);
    expect((await verify(t('forgedStream'))).problem).toMatchObject({ kind: 'not_sealed', streamId: stream, revision: 4 });
  });

  it('two revisions swapped: the first of them no longer hashes', async () => {
    const stream = orders(t('swap'))[1];
    await tamper(async (trx) => {
      await sql`UPDATE events SET stream_revision = 100 WHERE stream_id = ${stream} AND stream_revision = 1`.execute(trx);
      await sql`UPDATE events SET stream_revision = 1 WHERE stream_id = ${stream} AND stream_revision = 2`.execute(trx);
      await sql`UPDATE events SET stream_revision = 2 WHERE stream_id = ${stream} AND stream_revision = 100`.execute(trx);
    });
    expect((await verify(t('swap'))).problem).toMatchObject({ kind: 'hash_mismatch', streamId: stream, revision: 1 });
  });

  it('a whole stream deleted: the seal names it', async () => {
    const stream = orders(t('stream'))[0];
    await tamper((trx) => sql`DELETE FROM events WHERE stream_id = ${stream}`.execute(trx).then(() => undefined));
    expect((await verify(t('stream'), null)).ok).toBe(true);
    expect((await verify(t('stream'))).problem).toMatchObject({ kind: 'stream_missing', streamId: stream, revision: 3 });
  });

  it('the seal’s stored directory altered while the history is intact: still OK, the signed root is what counts', async () => {
    await sql`UPDATE seal_heads SET revision = revision + 1 WHERE tenant_id = ${t('directory')}`.execute(db);
    expect((await verify(t('directory'))).ok).toBe(true);
  });

  it('refuses a seal signed with another key, one whose figures were altered, and another tenant’s', async () => {
    const seal = seals.get(t('untouched'));
    if (!seal) throw new Error('no seal');
    // Signed by a key the verifier does not trust.
    expect((await verify(t('untouched'), seal, otherKeys.verifier)).problem).toMatchObject({ kind: 'seal_signature' });
    // Signed by another key but claiming the trusted key's id.
    const forged = { ...seal, signature: Buffer.from(await otherKeys.signer.sign(sealMessage(seal))).toString('base64url') };
    expect((await verify(t('untouched'), forged)).problem).toMatchObject({ kind: 'seal_signature' });
    // The trusted signature over other figures.
    expect((await verify(t('untouched'), { ...seal, eventCount: seal.eventCount - 1 })).problem).toMatchObject({ kind: 'seal_signature' });
    expect((await verify(t('byte'), seal)).problem).toMatchObject({ kind: 'seal_tenant' });
  });
});
