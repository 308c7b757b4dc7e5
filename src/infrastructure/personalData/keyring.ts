import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import {
  PersonalDataIntegrityError,
  SubjectForgottenError,
  type DataSubject,
  type DecryptRequest,
  type PersonalDataVault,
  type EncryptRequest,
} from '../../application/ports/personalData.js';
import type { Database, PersonalDataKeysTable } from '../postgres/database.js';
import { decryptField, parseCiphertext, encryptField } from './cipher.js';
import { KEY_BYTES, type MasterKeyProvider } from './masterKeys.js';

/**
 * The personal data vault over `personal_data_keys` (migration 0012, ADR 0025): one data key per
 * person, created on the first encrypt, kept wrapped by the master key, unwrapped keys held in memory
 * for a while (bounded), destroyed for good by `forget`.
 */
export type PersonalDataKeyring = PersonalDataVault &
  Readonly<{
    masterKeys: MasterKeyProvider;
    /**
     * The same vault inside a transaction, with a cache of its own: keys it creates exist only
     * if the transaction commits, so they must not outlive it in the shared cache.
     */
    inTransaction(trx: Kysely<Database>): PersonalDataVault;
  }>;

export type KeyringOptions = Readonly<{
  /** Subjects whose keys are held in memory at most (least recently used go first). */
  maxCachedSubjects?: number;
  /**
   * How long a live key is trusted without reading its row again: bounds how late this process
   * notices a forget by another process whose event it has not read yet (ADR 0025).
   */
  cacheMs?: number;
  /** Milliseconds of a monotonic clock (tests move it). */
  now?: () => number;
}>;

export const DEFAULT_MAX_CACHED_SUBJECTS = 10_000;
export const DEFAULT_KEY_CACHE_MS = 5 * 60_000;

/** What is known of one subject's keys: destroyed, or the live versions with the one to encrypt with. */
type SubjectKeys = Readonly<{ destroyed: true }> | Readonly<{ destroyed: false; current: number; versions: ReadonlyMap<number, Buffer> }>;

type KeyRow = Pick<PersonalDataKeysTable, 'tenant_id' | 'subject_id' | 'version' | 'master_key_id' | 'wrapped_key' | 'destroyed_at'>;

/** The first (and today only) version of a subject's data key. */
const FIRST_VERSION = 1;

const cacheKey = (subject: DataSubject): string => `${subject.tenantId}\u0000${subject.subjectId}`;

export function createPersonalDataKeyring(db: Kysely<Database>, masterKeys: MasterKeyProvider, options: KeyringOptions = {}): PersonalDataKeyring {
  return { ...vaultOver(db, masterKeys, options), masterKeys, inTransaction: (trx) => vaultOver(trx, masterKeys, options) };
}

function vaultOver(db: Kysely<Database>, masterKeys: MasterKeyProvider, options: KeyringOptions): PersonalDataVault {
  const maxCached = options.maxCachedSubjects ?? DEFAULT_MAX_CACHED_SUBJECTS;
  const cacheMs = options.cacheMs ?? DEFAULT_KEY_CACHE_MS;
  const now = options.now ?? (() => performance.now());
  const cache = new Map<string, Readonly<{ keys: SubjectKeys; at: number }>>();

  function cached(subject: DataSubject): SubjectKeys | undefined {
    const key = cacheKey(subject);
    const entry = cache.get(key);
    if (!entry) return undefined;
    // A destruction is for good: only a live key can go stale.
    if (!entry.keys.destroyed && now() - entry.at > cacheMs) {
      cache.delete(key);
      return undefined;
    }
    // Least recently used goes first: a hit moves to the end.
    cache.delete(key);
    cache.set(key, entry);
    return entry.keys;
  }

  function remember(subject: DataSubject, keys: SubjectKeys): void {
    const key = cacheKey(subject);
    cache.delete(key);
    cache.set(key, { keys, at: now() });
    while (cache.size > maxCached) {
      const oldest = cache.keys().next();
      if (oldest.done === true) break;
      cache.delete(oldest.value);
    }
  }

  /** Keys of each subject, from memory or in one query; absent from the answer: no row at all. */
  async function load(subjects: readonly DataSubject[]): Promise<Map<string, SubjectKeys>> {
    const found = new Map<string, SubjectKeys>();
    const missing: DataSubject[] = [];
    for (const subject of uniqueSubjects(subjects)) {
      const keys = cached(subject);
      if (keys) found.set(cacheKey(subject), keys);
      else missing.push(subject);
    }
    if (missing.length === 0) return found;
    const { rows } = await sql<KeyRow>`
      SELECT tenant_id, subject_id, version, master_key_id, wrapped_key, destroyed_at FROM personal_data_keys
       WHERE (tenant_id, subject_id) IN (${sql.join(missing.map((s) => sql`(${s.tenantId}, ${s.subjectId})`))})`.execute(db);
    const bySubject = new Map<string, KeyRow[]>();
    for (const row of rows) {
      const key = cacheKey({ tenantId: row.tenant_id, subjectId: row.subject_id });
      bySubject.set(key, [...(bySubject.get(key) ?? []), row]);
    }
    for (const subject of missing) {
      const subjectRows = bySubject.get(cacheKey(subject));
      if (!subjectRows) continue;
      const keys = await unwrapAll(masterKeys, subject, subjectRows);
      remember(subject, keys);
      found.set(cacheKey(subject), keys);
    }
    return found;
  }

  /** The subject's first data key; a concurrent writer's key (or tombstone) wins over ours. */
  async function create(subject: DataSubject): Promise<SubjectKeys> {
    const dataKey = randomBytes(KEY_BYTES);
    const { masterKeyId, wrapped } = await masterKeys.wrap(dataKey, { ...subject, version: FIRST_VERSION });
    await db
      .insertInto('personal_data_keys')
      .values({ tenant_id: subject.tenantId, subject_id: subject.subjectId, version: FIRST_VERSION, master_key_id: masterKeyId, wrapped_key: wrapped })
      .onConflict((oc) => oc.doNothing())
      .execute();
    cache.delete(cacheKey(subject));
    const keys = (await load([subject])).get(cacheKey(subject));
    if (!keys) throw new Error(`the data key of ${subject.subjectId} was not stored`);
    return keys;
  }

  return {
    async encrypt(requests: readonly EncryptRequest[]) {
      if (requests.length === 0) return [];
      const keys = await load(requests.map((r) => r.subject));
      for (const subject of uniqueSubjects(requests.map((r) => r.subject))) {
        if (!keys.has(cacheKey(subject))) keys.set(cacheKey(subject), await create(subject));
      }
      return requests.map(({ subject, binding, plaintext }) => {
        const subjectKeys = keys.get(cacheKey(subject));
        if (!subjectKeys || subjectKeys.destroyed) throw new SubjectForgottenError(subject);
        const key = subjectKeys.versions.get(subjectKeys.current);
        if (!key) throw new Error(`no current data key of ${subject.subjectId}`);
        return encryptField(key, subjectKeys.current, binding, plaintext);
      });
    },

    async decrypt(requests: readonly DecryptRequest[]) {
      if (requests.length === 0) return [];
      const parsed = requests.map(({ binding, encrypted }) => {
        const value = parseCiphertext(encrypted);
        if (!value) throw new PersonalDataIntegrityError(`${binding.field} of event ${binding.eventId} in ${binding.streamId} is not a encrypted value`);
        return value;
      });
      const keys = await load(requests.map((r) => r.subject));
      return requests.map(({ subject, binding }, index) => {
        const subjectKeys = keys.get(cacheKey(subject));
        // Only a tombstone redacts: a key that is not there at all is a fault to surface, not a forget.
        if (!subjectKeys) throw new PersonalDataIntegrityError(`no data key of ${subject.subjectId} in tenant ${subject.tenantId}, and none was destroyed`);
        if (subjectKeys.destroyed) return null;
        const value = parsed[index];
        if (!value) throw new Error('a encrypted value was not parsed');
        const key = subjectKeys.versions.get(value.keyVersion);
        if (!key) throw new PersonalDataIntegrityError(`no data key v${value.keyVersion} of ${subject.subjectId} in tenant ${subject.tenantId}`);
        return decryptField(key, binding, value);
      });
    },

    async forget(subject: DataSubject) {
      // Known destroyed (this process destroyed it, or read its tombstone): destroyed for good.
      if (cached(subject)?.destroyed === true) return;
      // A tombstone first, for a subject that has no key yet: nothing may be encrypted for them later.
      await db
        .insertInto('personal_data_keys')
        .values({ tenant_id: subject.tenantId, subject_id: subject.subjectId, version: FIRST_VERSION, master_key_id: null, wrapped_key: null, destroyed_at: sql<Date>`now()` })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db
        .updateTable('personal_data_keys')
        .set({ master_key_id: null, wrapped_key: null, destroyed_at: sql<Date>`now()` })
        .where('tenant_id', '=', subject.tenantId)
        .where('subject_id', '=', subject.subjectId)
        .where('destroyed_at', 'is', null)
        .execute();
      remember(subject, { destroyed: true });
    },

    evict(subject: DataSubject) {
      cache.delete(cacheKey(subject));
    },
  };
}

async function unwrapAll(masterKeys: MasterKeyProvider, subject: DataSubject, rows: readonly KeyRow[]): Promise<SubjectKeys> {
  // Forget destroys every version at once; one tombstone is enough to call the subject forgotten.
  if (rows.some((row) => row.destroyed_at !== null || row.wrapped_key === null || row.master_key_id === null)) return { destroyed: true };
  const versions = new Map<number, Buffer>();
  for (const row of rows) {
    if (row.wrapped_key === null || row.master_key_id === null) continue;
    versions.set(row.version, await masterKeys.unwrap(row.master_key_id, row.wrapped_key, { ...subject, version: row.version }));
  }
  return { destroyed: false, current: Math.max(...versions.keys()), versions };
}

function uniqueSubjects(subjects: readonly DataSubject[]): DataSubject[] {
  return [...new Map(subjects.map((subject) => [cacheKey(subject), subject])).values()];
}

/** Master key ids that still wrap a data key but are not configured: a start must refuse them (ADR 0025). */
export async function unknownMasterKeyIds(db: Kysely<Database>, masterKeys: MasterKeyProvider): Promise<string[]> {
  const rows = await db.selectFrom('personal_data_keys').select('master_key_id').distinct().where('master_key_id', 'is not', null).execute();
  return rows.flatMap((row) => (row.master_key_id !== null && !masterKeys.knownIds.has(row.master_key_id) ? [row.master_key_id] : []));
}

/**
 * A master key removed from the configuration while data keys are still wrapped by it would make
 * those people's data unreadable (reads fail, they never redact): a start refuses instead, naming
 * what is missing (a rotation whose `keys rewrap` was not run, or not to the end).
 */
export async function assertMasterKeysKnown(db: Kysely<Database>, masterKeys: MasterKeyProvider): Promise<void> {
  const unknown = await unknownMasterKeyIds(db, masterKeys);
  if (unknown.length > 0) {
    throw new Error(
      `data keys of personal data are wrapped by master key(s) ${unknown.join(', ')}, which neither PERSONAL_DATA_MASTER_KEY nor ` +
        'PERSONAL_DATA_PREVIOUS_MASTER_KEYS holds: put the key back in PERSONAL_DATA_PREVIOUS_MASTER_KEYS, then run tillstream keys rewrap',
    );
  }
}
