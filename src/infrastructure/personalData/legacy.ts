import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { canonicalText } from '../../application/audit/canonical.js';
import { FORGETTING_EVENT_TYPES, PERSONAL_EVENT_TYPES, forgottenSubjectOf, isEncryptedField, personalFieldOf } from '../../application/personalData/fields.js';
import type { DataSubject, CipherBinding, EncryptRequest } from '../../application/ports/personalData.js';
import type { Database } from '../postgres/database.js';
import { encryptField } from './cipher.js';
import type { PersonalDataKeyring } from './keyring.js';
import { KEY_BYTES } from './masterKeys.js';

/** Events read and rewritten per round trip. */
const PAGE = 500;

type LegacyRow = { transaction_id: string; global_position: string; event_id: string; stream_id: string; tenant_id: string; type: string; data: string };

const subjectKey = (subject: DataSubject): string => `${subject.tenantId}\u0000${subject.subjectId}`;

/**
 * Encrypts, in place, the personal data that events written before ADR 0025 hold in clear (a hire's
 * `personalData`), so the stored history holds none; answers how many events it changed. It is
 * the one sanctioned rewrite of the immutable log, run once by `tillstream audit upgrade` before
 * the hash chain is computed over what is stored (the chain then covers the encrypted form).
 *
 * All of it in ONE transaction: the immutability trigger is disabled inside it and enabled again
 * before the commit, so no other session ever sees it off, and a failure leaves every event (and
 * every data key created for them) as it was. `ALTER TABLE` holds a lock that makes appends wait
 * until the commit. Data is written back as canonical JSON, as the writer stores it. Running it
 * again changes nothing (0).
 *
 * It also drops sign-in throttle windows keyed by an email in clear (written before ADR 0025).
 *
 * A person the log already forgot (PersonalDataForgotten before this stage) gets no data key: the
 * clear value is replaced by a encrypted `null` under a key that is thrown away, and a tombstone
 * makes them read as forgotten, as if the key had existed and been destroyed.
 */
export async function encryptLegacyPersonalData(db: Kysely<Database>, keyring: PersonalDataKeyring): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE events DISABLE TRIGGER events_immutable`.execute(trx);
    const vault = keyring.inTransaction(trx);
    const forgotten = await forgottenSubjects(trx);
    for (const subject of forgotten.values()) await vault.forget(subject);
    let changed = 0;
    let after = { commit: '0', prepare: '0' };
    for (;;) {
      const { rows } = await sql<LegacyRow>`
        SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, event_id::text AS event_id,
               stream_id, tenant_id, type, data::text AS data
          FROM events
         WHERE (transaction_id, global_position) > (${after.commit}::xid8, ${after.prepare}::bigint)
           AND type IN (${sql.join(PERSONAL_EVENT_TYPES)})
         ORDER BY transaction_id, global_position
         LIMIT ${PAGE}`.execute(trx);
      const last = rows.at(-1);
      if (!last) break;
      after = { commit: last.transaction_id, prepare: last.global_position };

      const clear: Readonly<{ row: LegacyRow; data: Record<string, unknown>; field: string; encrypted?: string }>[] = [];
      const requests: EncryptRequest[] = [];
      for (const row of rows) {
        const personal = personalFieldOf(row.stream_id, row.type);
        if (!personal) continue;
        const data = JSON.parse(row.data) as Record<string, unknown>;
        const value = data[personal.field];
        if (value === undefined || value === null || isEncryptedField(value)) continue;
        const binding: CipherBinding = { tenantId: row.tenant_id, streamId: row.stream_id, eventId: row.event_id, field: personal.field };
        if (forgotten.has(subjectKey(personal.subject))) {
          clear.push({ row, data, field: personal.field, encrypted: encryptField(randomBytes(KEY_BYTES), 1, binding, 'null') });
        } else {
          clear.push({ row, data, field: personal.field });
          requests.push({ subject: personal.subject, binding, plaintext: JSON.stringify(value) });
        }
      }
      const ciphertexts = await vault.encrypt(requests);
      let next = 0;
      for (const { row, data, field, encrypted: shredded } of clear) {
        const encrypted = shredded ?? ciphertexts[next++];
        if (encrypted === undefined) throw new Error('a legacy value was not encrypted');
        await sql`
          UPDATE events SET data = ${canonicalText({ ...data, [field]: { encrypted } })}::json
           WHERE transaction_id = ${row.transaction_id}::xid8 AND global_position = ${row.global_position}::bigint`.execute(trx);
        changed += 1;
      }
    }
    await sql`ALTER TABLE events ENABLE TRIGGER events_immutable`.execute(trx);
    // Sign-in throttle windows from before ADR 0025 name accounts by their email in clear (digests
    // since): a digest has no @. Dropping them forgets a few counts, which only restart.
    await sql`DELETE FROM login_throttle WHERE key LIKE '%email:%@%'`.execute(trx);
    return changed;
  });
}

/** Subjects the log has forgotten. */
async function forgottenSubjects(trx: Kysely<Database>): Promise<Map<string, DataSubject>> {
  const subjects = new Map<string, DataSubject>();
  if (FORGETTING_EVENT_TYPES.length === 0) return subjects;
  const { rows } = await sql<{ stream_id: string; type: string }>`
    SELECT DISTINCT stream_id, type FROM events WHERE type IN (${sql.join(FORGETTING_EVENT_TYPES)})`.execute(trx);
  for (const row of rows) {
    const subject = forgottenSubjectOf(row.stream_id, row.type);
    if (subject) subjects.set(subjectKey(subject), subject);
  }
  return subjects;
}
