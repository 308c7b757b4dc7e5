import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalText, chainedHash, chainedHashOf, envelopeText, GENESIS_HASH } from '../../src/application/audit/canonical.js';
import type { NewEvent } from '../../src/application/ports/eventStore.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

const TENANT = 'tenant-hash';

function event(data: Record<string, unknown>, type = 'Tested'): NewEvent {
  return {
    eventId: randomUUID().toUpperCase(),
    type,
    schemaVersion: 1,
    tenantId: TENANT,
    occurredAt: new Date('2026-12-16T09:30:00.123Z'),
    data,
    metadata: { actor: { userId: 'u-1', role: 'cashier', deviceId: 'pos-1' }, correlationId: 'c-1', causationId: null, idempotencyKey: null, traceContext: null },
  };
}

type RawRow = {
  stream_id: string; stream_revision: string; event_id: string; tenant_id: string; type: string; schema_version: number;
  data: string; metadata: string; occurred_at: string; recorded_at: string; hash: string | null;
};

describe.each(storageTargets())('the hash chain on %s', (_name, open) => {
  let storage: OpenedStorage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(() => storage.dispose());

  async function rawStream(streamId: string): Promise<RawRow[]> {
    const { rows } = await sql<RawRow>`
      SELECT stream_id, stream_revision::text AS stream_revision, event_id::text AS event_id, tenant_id, type, schema_version,
             data::text AS data, metadata::text AS metadata,
             to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
             to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
             encode(hash, 'hex') AS hash
        FROM events WHERE stream_id = ${streamId} ORDER BY stream_revision`.execute(storage.postgres.db);
    return rows;
  }

  it('stores canonical data and chains every event, single and multi-event appends alike, as the TypeScript envelope computes', async () => {
    const streamId = `order-${TENANT}/${randomUUID()}`;
    const awkward = { z: 1, a: [3, 1e21, -0, 0.5], 'é': 'naïve “quotes” \\ / \n\t\u0001', b: { y: null, x: true }, '€': 'x', '\u{1F600}': 'emoji' };
    await storage.eventStore.appendToStream(streamId, [event(awkward)], { expectedRevision: 'no_stream' });
    await storage.eventStore.appendToStream(streamId, [event({ second: 2, awkward }), event({ third: [awkward] }, 'Other')], { expectedRevision: 0 });
    await storage.eventStore.appendToStream(streamId, [event({ fourth: 'x' })], { expectedRevision: 2, unchanged: [{ streamId: `tenant-${TENANT}`, revision: null }] });

    const rows = await rawStream(streamId);
    expect(rows).toHaveLength(4);
    let previous: Buffer = GENESIS_HASH;
    for (const row of rows) {
      // Stored as RFC 8785 text, byte for byte.
      expect(row.data).toBe(canonicalText(JSON.parse(row.data)));
      expect(row.metadata).toBe(canonicalText(JSON.parse(row.metadata)));
      const envelope = envelopeText({
        streamId: row.stream_id, revision: row.stream_revision, eventId: row.event_id, tenantId: row.tenant_id, type: row.type,
        schemaVersion: row.schema_version, dataText: row.data, metadataText: row.metadata, occurredAt: row.occurred_at, recordedAt: row.recorded_at,
      });
      // The envelope the database hashed is the RFC 8785 form of the envelope object.
      expect(canonicalText(JSON.parse(envelope))).toBe(envelope);
      const [sqlEnvelope] = (await sql<{ text: string }>`
        SELECT ts_event_envelope(stream_id, stream_revision, event_id, tenant_id, type, schema_version, data::text, metadata::text, occurred_at, recorded_at) AS text
          FROM events WHERE stream_id = ${streamId} AND stream_revision = ${Number(row.stream_revision)}`.execute(storage.postgres.db)).rows;
      expect(sqlEnvelope?.text).toBe(envelope);
      const expected = chainedHash(previous, envelope);
      expect(row.hash).toBe(expected.toString('hex'));
      // The verifier's way, hashing the parts without building the envelope, agrees.
      expect(chainedHashOf(previous, {
        streamId: row.stream_id, revision: row.stream_revision, eventId: row.event_id, tenantId: row.tenant_id, type: row.type,
        schemaVersion: row.schema_version, dataText: row.data, metadataText: row.metadata, occurredAt: row.occurred_at, recordedAt: row.recorded_at,
      }).equals(expected)).toBe(true);
      previous = expected;
    }

    // Readers get the same hashes and a recorded time the envelope can state exactly (milliseconds).
    const read = await storage.eventStore.readStream(streamId);
    expect(read.map((e) => e.hash)).toEqual(rows.map((r) => r.hash));
    expect(read.map((e) => e.recordedAt.toISOString())).toEqual(rows.map((r) => r.recorded_at));
  });

  it('keeps one chain per stream: the first event of every stream chains to the genesis hash', async () => {
    const a = `order-${TENANT}/${randomUUID()}`;
    const b = `order-${TENANT}/${randomUUID()}`;
    await storage.eventStore.appendToStream(a, [event({ same: true })], { expectedRevision: 'no_stream' });
    await storage.eventStore.appendToStream(b, [event({ same: true })], { expectedRevision: 'no_stream' });
    const [rowA] = await rawStream(a);
    const [rowB] = await rawStream(b);
    for (const row of [rowA, rowB]) {
      if (!row) throw new Error('missing row');
      const envelope = envelopeText({
        streamId: row.stream_id, revision: row.stream_revision, eventId: row.event_id, tenantId: row.tenant_id, type: row.type,
        schemaVersion: row.schema_version, dataText: row.data, metadataText: row.metadata, occurredAt: row.occurred_at, recordedAt: row.recorded_at,
      });
      expect(row.hash).toBe(chainedHash(null, envelope).toString('hex'));
    }
    expect(rowA?.hash).not.toBe(rowB?.hash);
  });

  it('records that a new database has nothing to upgrade', async () => {
    const { rows } = await sql<{ name: string; done: boolean }>`SELECT name, completed_at IS NOT NULL AS done FROM audit_upgrades`.execute(storage.postgres.db);
    expect(rows).toEqual([{ name: 'hash_chain', done: true }]);
  });
});
