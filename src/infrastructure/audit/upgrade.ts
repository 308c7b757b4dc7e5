import { sql, type Kysely } from 'kysely';
import { canonicalText, chainedHash, envelopeText } from '../../application/audit/canonical.js';
import { encryptLegacyPersonalData } from '../personalData/legacy.js';
import type { PersonalDataKeyring } from '../personalData/keyring.js';
import type { Database } from '../postgres/database.js';

/**
 * The one rewrite of stored events the product ever does (ADR 0023, 0025): a database written
 * before issue 11 holds personal data in clear and events without hashes. `tillstream audit
 * upgrade` encrypts the personal data, then stores every event's data and metadata in canonical
 * form and chains it, in one transaction, and records that it ran; until then the API refuses to
 * start on the database (`assertAuditUpgraded`).
 */

export class AuditUpgradePendingError extends Error {
  constructor() {
    super(
      'This database holds events written before tamper evidence and personal-data encryption (issue 11). ' +
        'Stop every API process, back the database up, and run `npm run cli -- audit upgrade` (node dist/src/cli.js audit upgrade) once: ' +
        'it encrypts personal data and chains every event, then the API starts.',
    );
    this.name = 'AuditUpgradePendingError';
  }
}

export async function auditUpgradePending(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ pending: boolean }>`SELECT EXISTS (SELECT 1 FROM audit_upgrades WHERE completed_at IS NULL) AS pending`.execute(db);
  return rows[0]?.pending === true;
}

/** At start: refuses a database that needs the upgrade (appending to an unchained stream would chain to nothing). */
export async function assertAuditUpgraded(db: Kysely<Database>): Promise<void> {
  if (await auditUpgradePending(db)) throw new AuditUpgradePendingError();
}

export type UpgradeResult = Readonly<{ upgraded: boolean; encrypted: number; chained: number; streams: number }>;

type LegacyRow = {
  stream_id: string; stream_revision: string; event_id: string; tenant_id: string; type: string; schema_version: number;
  data: string; metadata: string; occurred_at: string; recorded_at: string;
};

const PAGE = 2_000;

export async function upgradeStoredEvents(db: Kysely<Database>, keyring: PersonalDataKeyring, onProgress: (chained: number) => void = () => undefined): Promise<UpgradeResult> {
  if (!(await auditUpgradePending(db))) return { upgraded: false, encrypted: 0, chained: 0, streams: 0 };
  // Its own transaction, idempotent: a second run after a failure below finds nothing left in clear.
  const encrypted = await encryptLegacyPersonalData(db, keyring);
  return db.transaction().execute(async (trx) => {
    // Only this transaction writes events while it runs: no append can slip in between the chain and the record.
    await sql`LOCK TABLE events IN EXCLUSIVE MODE`.execute(trx);
    await sql`ALTER TABLE events DISABLE TRIGGER events_immutable`.execute(trx);
    let chained = 0;
    let streams = 0;
    let afterStream = '';
    let afterRevision = -1;
    let previous: { streamId: string; hash: Buffer } | null = null;
    for (;;) {
      const { rows } = await sql<LegacyRow>`
        SELECT stream_id, stream_revision::text AS stream_revision, event_id::text AS event_id, tenant_id, type, schema_version,
               data::text AS data, metadata::text AS metadata,
               to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
               to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
          FROM events
         WHERE (stream_id, stream_revision) > (${afterStream}, ${afterRevision})
         ORDER BY stream_id, stream_revision
         LIMIT ${PAGE}`.execute(trx);
      if (rows.length === 0) break;
      const updates = rows.map((row) => {
        const dataText = canonicalText(JSON.parse(row.data));
        const metadataText = canonicalText(JSON.parse(row.metadata));
        const prior: Buffer | null = previous?.streamId === row.stream_id ? previous.hash : null;
        if (prior === null) streams += 1;
        const hash = chainedHash(prior, envelopeText({
          streamId: row.stream_id, revision: row.stream_revision, eventId: row.event_id, tenantId: row.tenant_id, type: row.type,
          schemaVersion: row.schema_version, dataText, metadataText, occurredAt: row.occurred_at, recordedAt: row.recorded_at,
        }));
        previous = { streamId: row.stream_id, hash };
        return { streamId: row.stream_id, revision: row.stream_revision, dataText, metadataText, hash: hash.toString('hex') };
      });
      // The recorded time to the millisecond the hash states (new events are stored so from the start).
      await sql`
        UPDATE events e
           SET data = u.data::json, metadata = u.metadata::json, recorded_at = date_trunc('milliseconds', e.recorded_at), hash = decode(u.hash, 'hex')
          FROM unnest(${updates.map((u) => u.streamId)}::text[], ${updates.map((u) => u.revision)}::bigint[], ${updates.map((u) => u.dataText)}::text[],
                      ${updates.map((u) => u.metadataText)}::text[], ${updates.map((u) => u.hash)}::text[]) AS u(stream_id, revision, data, metadata, hash)
         WHERE e.stream_id = u.stream_id AND e.stream_revision = u.revision`.execute(trx);
      chained += rows.length;
      onProgress(chained);
      const last = rows.at(-1);
      if (!last) break;
      afterStream = last.stream_id;
      afterRevision = Number(last.stream_revision);
    }
    await sql`ALTER TABLE events ENABLE TRIGGER events_immutable`.execute(trx);
    await sql`
      UPDATE audit_upgrades SET completed_at = now(), details = ${JSON.stringify({ encrypted, chained, streams })}::json
       WHERE completed_at IS NULL`.execute(trx);
    return { upgraded: true, encrypted, chained, streams };
  });
}
