import { sql, type Kysely } from 'kysely';
import type { Database } from '../postgres/database.js';
import type { MasterKeyProvider } from './masterKeys.js';

/** Data keys rewrapped per transaction: short transactions, so a forget never waits long on a row. */
const BATCH = 500;

export type RewrapResult = Readonly<{
  /** Data keys now wrapped by the current master key that were not before. */
  rewrapped: number;
  /** Data keys still wrapped by a master key this configuration does not have, by its id. */
  unknown: ReadonlyMap<string, number>;
}>;

type Row = { tenant_id: string; subject_id: string; version: number; master_key_id: string; wrapped_key: Uint8Array };

/**
 * Master key rotation without touching an event (ADR 0025): every data key wrapped by another
 * master key (one of PERSONAL_DATA_PREVIOUS_MASTER_KEYS) is unwrapped and wrapped again with
 * PERSONAL_DATA_MASTER_KEY. The ciphertexts in the log stay as they are: they are encrypted by the
 * data keys, which do not change. Rows are locked while rewrapped and a destroyed key is never
 * written back, so a forget running meanwhile stays a forget. Safe to run again, and while the
 * API runs (its cached keys are the unwrapped ones, which stay valid).
 */
export async function rewrapDataKeys(db: Kysely<Database>, masterKeys: MasterKeyProvider): Promise<RewrapResult> {
  let rewrapped = 0;
  const unknown = new Map<string, number>();
  let after: Readonly<{ tenantId: string; subjectId: string; version: number }> = { tenantId: '', subjectId: '', version: 0 };
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<Row>`
        SELECT tenant_id, subject_id, version, master_key_id, wrapped_key FROM personal_data_keys
         WHERE master_key_id IS NOT NULL AND master_key_id <> ${masterKeys.currentId}
           AND (tenant_id, subject_id, version) > (${after.tenantId}, ${after.subjectId}, ${after.version})
         ORDER BY tenant_id, subject_id, version
         LIMIT ${BATCH}
           FOR UPDATE`.execute(trx);
      const last = rows.at(-1);
      if (!last) return true;
      after = { tenantId: last.tenant_id, subjectId: last.subject_id, version: last.version };
      for (const row of rows) {
        if (!masterKeys.knownIds.has(row.master_key_id)) {
          unknown.set(row.master_key_id, (unknown.get(row.master_key_id) ?? 0) + 1);
          continue;
        }
        const at = { tenantId: row.tenant_id, subjectId: row.subject_id, version: row.version };
        const dataKey = await masterKeys.unwrap(row.master_key_id, row.wrapped_key, at);
        const { masterKeyId, wrapped } = await masterKeys.wrap(dataKey, at);
        const updated = await trx
          .updateTable('personal_data_keys')
          .set({ master_key_id: masterKeyId, wrapped_key: wrapped, rewrapped_at: sql<Date>`now()` })
          .where('tenant_id', '=', row.tenant_id)
          .where('subject_id', '=', row.subject_id)
          .where('version', '=', row.version)
          .where('destroyed_at', 'is', null)
          .executeTakeFirst();
        rewrapped += Number(updated.numUpdatedRows);
      }
      return false;
    });
    if (done) return { rewrapped, unknown };
  }
}
