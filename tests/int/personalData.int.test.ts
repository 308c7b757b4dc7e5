import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employeeKind } from '../../src/application/commands/kinds.js';
import { foldEvent } from '../../src/application/aggregateCache.js';
import { streams } from '../../src/application/events/streams.js';
import { employeeSubject } from '../../src/application/personalData/fields.js';
import { protectPersonalData } from '../../src/application/personalData/protectedEventStore.js';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/application/ports/eventStore.js';
import { PersonalDataIntegrityError, SubjectForgottenError } from '../../src/application/ports/personalData.js';
import type { EmployeeState, PersonalData } from '../../src/domain/employee/index.js';
import { assertMasterKeysKnown, createPersonalDataKeyring, type PersonalDataKeyring } from '../../src/infrastructure/personalData/keyring.js';
import { encryptLegacyPersonalData } from '../../src/infrastructure/personalData/legacy.js';
import { UnknownMasterKeyError, configuredMasterKeys, generateMasterKey, type MasterKeyProvider } from '../../src/infrastructure/personalData/masterKeys.js';
import { rewrapDataKeys } from '../../src/infrastructure/personalData/rewrap.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

/**
 * Crypto-shredding at the event store port (ADR 0025), on PGlite and on the PostgreSQL server:
 * encrypted on append, decrypted on every read, redacted once the key is destroyed; master-key
 * rotation by rewrapping; the one-time encrypting of personal data stored in clear.
 */

const META: NewEvent['metadata'] = {
  actor: { userId: 'admin-1', role: 'tenant_admin' },
  correlationId: randomUUID(),
  causationId: null,
  idempotencyKey: null,
  traceContext: null,
};

function person(tag: string): PersonalData {
  return { name: `Zéphyrine ${tag} Quillfeather`, email: `zephyrine.${tag}@forget-me.example`, phone: '+33612345678' };
}

function hired(tenantId: string, employeeId: string, personalData: PersonalData): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'EmployeeHired',
    schemaVersion: 1,
    tenantId,
    occurredAt: new Date(),
    data: { employeeId, tenantId, personalData, role: 'cashier', branchIds: ['b-1'], deviceIds: [] },
    metadata: META,
  };
}

function forgotten(tenantId: string): NewEvent {
  return { eventId: randomUUID(), type: 'PersonalDataForgotten', schemaVersion: 1, tenantId, occurredAt: new Date(), data: {}, metadata: META };
}

const keyringOf = (db: Kysely<Database>, masterKeys: MasterKeyProvider): PersonalDataKeyring => createPersonalDataKeyring(db, masterKeys);
const keysOf = (masterKey: string, previousMasterKeys: readonly string[] = []): MasterKeyProvider => configuredMasterKeys({ masterKey, previousMasterKeys });

/** Every column of every stored event, as text. */
async function storedText(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ row: string }>`SELECT e::text AS row FROM events e`.execute(db);
  return rows.map((r) => r.row).join('\n');
}

function personalDataOf(event: RecordedEvent | undefined): unknown {
  return event?.data.personalData;
}

async function firstBatch(store: EventStore): Promise<readonly RecordedEvent[]> {
  for await (const batch of store.subscribeToAll()) return batch;
  return [];
}

describe.each(storageTargets())('personal data at the event store port (%s)', (_name, open) => {
  let storage: OpenedStorage;
  let db: Kysely<Database>;
  const masterKey = generateMasterKey();

  beforeAll(async () => {
    storage = await open();
    db = storage.postgres.db;
  });
  afterAll(async () => {
    await storage.dispose();
  });

  it('encrypts on append, decrypts on every read, and reads as null once the key is destroyed', async () => {
    const tenantId = `t-${randomUUID()}`;
    const employeeId = randomUUID();
    const streamId = streams.employee(tenantId, employeeId);
    const keyring = keyringOf(db, keysOf(masterKey));
    const store = protectPersonalData(storage.eventStore, keyring);
    const ada = person(randomUUID().slice(0, 8));
    await store.appendToStream(streamId, [hired(tenantId, employeeId, ada)], { expectedRevision: 'no_stream' });

    const [stored] = await storage.eventStore.readStream(streamId);
    expect(personalDataOf(stored)).toEqual({ encrypted: expect.stringMatching(/^v1\.1\.[A-Za-z0-9_-]+$/) as unknown });
    const text = await storedText(db);
    for (const value of Object.values(ada)) expect(text).not.toContain(value);

    expect(personalDataOf((await store.readStream(streamId))[0])).toEqual(ada);
    expect(personalDataOf((await store.readAll({ tenantId }))[0])).toEqual(ada);
    expect(personalDataOf((await firstBatch(store)).find((e) => e.streamId === streamId))).toEqual(ada);
    // A fresh keyring (another process) reads the key from its row.
    const other = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey)));
    expect(personalDataOf((await other.readStream(streamId))[0])).toEqual(ada);
    // Wrapping twice encrypts once and decrypts once.
    expect(protectPersonalData(store, keyring)).toBe(store);
    const fold = (events: readonly RecordedEvent[]): EmployeeState => events.reduce<EmployeeState>((s, e) => foldEvent(employeeKind, s, e), employeeKind.decider.initialState);
    expect(fold(await store.readStream(streamId))).toMatchObject({ status: 'active', personalData: ada });

    // Another process that read the key holds it in memory for a while (bounded).
    let clock = 0;
    const cached = protectPersonalData(storage.eventStore, createPersonalDataKeyring(db, keysOf(masterKey), { cacheMs: 1_000, now: () => clock }));
    expect(personalDataOf((await cached.readStream(streamId))[0])).toEqual(ada);

    // The forget, as the command runs it: the event, then the key's destruction (a retry destroys again).
    await store.appendToStream(streamId, [forgotten(tenantId)], { expectedRevision: 0 });
    await keyring.forget(employeeSubject(tenantId, employeeId));
    await keyring.forget(employeeSubject(tenantId, employeeId));
    const fresh = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey)));
    for (const reader of [store, other, fresh]) {
      const events = await reader.readStream(streamId);
      expect(personalDataOf(events[0])).toBeNull();
      expect(fold(events)).toMatchObject({ status: 'active', personalData: null, role: 'cashier', branchIds: ['b-1'] });
      // The hire alone, with no forget beside it in the page (an export page, an audit page of one).
      expect(personalDataOf((await reader.readStream(streamId, { maxCount: 1 }))[0])).toBeNull();
    }
    // The process that has not read the forget yet still decrypts the hire alone, until its cache time passes.
    expect(personalDataOf((await cached.readStream(streamId, { maxCount: 1 }))[0])).toEqual(ada);
    clock += 1_001;
    expect(personalDataOf((await cached.readStream(streamId, { maxCount: 1 }))[0])).toBeNull();
    const rows = await db.selectFrom('personal_data_keys').selectAll().where('tenant_id', '=', tenantId).execute();
    expect(rows).toEqual([expect.objectContaining({ subject_id: `employee:${employeeId}`, version: 1, wrapped_key: null, master_key_id: null, destroyed_at: expect.any(Date) as unknown })]);
    // Nothing new may be encrypted for a forgotten person.
    await expect(store.appendToStream(streamId, [hired(tenantId, employeeId, ada)], { expectedRevision: 'any' })).rejects.toThrow(SubjectForgottenError);
  });

  it('a forget in the same read redacts at once, and the subscription destroys a key whose destruction was cut off', async () => {
    const tenantId = `t-${randomUUID()}`;
    const employeeId = randomUUID();
    const streamId = streams.employee(tenantId, employeeId);
    const keyring = keyringOf(db, keysOf(masterKey));
    const store = protectPersonalData(storage.eventStore, keyring);
    await store.appendToStream(streamId, [hired(tenantId, employeeId, person('crash'))], { expectedRevision: 'no_stream' });
    // The forget's event is logged, and the process dies before it destroys the key.
    await store.appendToStream(streamId, [forgotten(tenantId)], { expectedRevision: 0 });
    expect(personalDataOf((await store.readStream(streamId))[0])).toBeNull();
    const live = () => db.selectFrom('personal_data_keys').select('destroyed_at').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect((await live()).destroyed_at).toBeNull();

    for await (const batch of protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey))).subscribeToAll()) {
      if (batch.some((e) => e.streamId === streamId && e.type === 'PersonalDataForgotten')) break;
    }
    expect((await live()).destroyed_at).toBeInstanceOf(Date);
    const fresh = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey)));
    expect(personalDataOf((await fresh.readAll({ tenantId }))[0])).toBeNull();
  });

  it('a key that is missing without having been destroyed is an error, never a redaction', async () => {
    const tenantId = `t-${randomUUID()}`;
    const employeeId = randomUUID();
    const streamId = streams.employee(tenantId, employeeId);
    await protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey))).appendToStream(streamId, [hired(tenantId, employeeId, person('lost'))], {
      expectedRevision: 'no_stream',
    });
    await db.deleteFrom('personal_data_keys').where('tenant_id', '=', tenantId).execute();
    const reader = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(masterKey)));
    await expect(reader.readStream(streamId)).rejects.toThrow(PersonalDataIntegrityError);
  });

  it('rotates the master key without touching an event: after keys rewrap, reads open with the new key alone', async () => {
    const tenantId = `t-${randomUUID()}`;
    const oldKey = masterKey;
    const newKey = generateMasterKey();
    const before = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(oldKey)));
    const people = new Map<string, PersonalData>();
    for (const tag of ['one', 'two', 'gone']) {
      const employeeId = randomUUID();
      people.set(employeeId, person(tag));
      await before.appendToStream(streams.employee(tenantId, employeeId), [hired(tenantId, employeeId, person(tag))], { expectedRevision: 'no_stream' });
    }
    const [gone] = [...people.keys()].slice(2);
    await keyringOf(db, keysOf(oldKey)).forget(employeeSubject(tenantId, gone ?? ''));

    // Step 1: every process runs with the new key, the old one as previous; new data keys are wrapped by the new one.
    const during = keyringOf(db, keysOf(newKey, [oldKey]));
    const duringStore = protectPersonalData(storage.eventStore, during);
    const late = randomUUID();
    people.set(late, person('late'));
    await duringStore.appendToStream(streams.employee(tenantId, late), [hired(tenantId, late, person('late'))], { expectedRevision: 'no_stream' });
    for (const employeeId of people.keys()) {
      const expected = employeeId === gone ? null : people.get(employeeId);
      expect(personalDataOf((await duringStore.readStream(streams.employee(tenantId, employeeId)))[0]), employeeId).toEqual(expected);
    }
    // The old key may not go yet: a start without it refuses, naming it.
    const newOnly = keysOf(newKey);
    const oldId = keysOf(oldKey).currentId;
    await expect(assertMasterKeysKnown(db, newOnly)).rejects.toThrow(oldId);

    // Step 2: keys rewrap. The old-key rows are rewrapped; the forgotten one stays destroyed; no event changes.
    const storedBefore = await storage.eventStore.readAll({ tenantId });
    const result = await rewrapDataKeys(db, during.masterKeys);
    expect(result.unknown.size).toBe(0);
    expect(result.rewrapped).toBeGreaterThanOrEqual(2);
    const rows = await db.selectFrom('personal_data_keys').selectAll().where('tenant_id', '=', tenantId).execute();
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      if (row.subject_id === `employee:${gone}`) expect(row).toMatchObject({ wrapped_key: null, master_key_id: null });
      else expect(row.master_key_id).toBe(newOnly.currentId);
    }
    expect(await storage.eventStore.readAll({ tenantId })).toEqual(storedBefore);
    expect((await rewrapDataKeys(db, during.masterKeys)).rewrapped).toBe(0);

    // Step 3: the old key is gone from the configuration; the start check passes and reads open with the new key alone.
    await assertMasterKeysKnown(db, newOnly);
    const after = protectPersonalData(storage.eventStore, keyringOf(db, newOnly));
    for (const employeeId of people.keys()) {
      const expected = employeeId === gone ? null : people.get(employeeId);
      expect(personalDataOf((await after.readStream(streams.employee(tenantId, employeeId)))[0]), employeeId).toEqual(expected);
    }
    // And the old key alone no longer decrypts anything.
    const stale = protectPersonalData(storage.eventStore, keyringOf(db, keysOf(oldKey)));
    await expect(stale.readStream(streams.employee(tenantId, late))).rejects.toThrow(UnknownMasterKeyError);
  });

  it('encrypts personal data stored in clear before this stage, in place and in one transaction; it then reads back the same', async () => {
    const tenantId = `t-${randomUUID()}`;
    const kept = randomUUID();
    const erased = randomUUID();
    const keptData = person('legacy-kept');
    const erasedData = person('legacy-erased');
    // The undecorated store writes what the code before ADR 0025 wrote: personal data in clear.
    const raw = storage.eventStore;
    await raw.appendToStream(streams.employee(tenantId, kept), [hired(tenantId, kept, keptData)], { expectedRevision: 'no_stream' });
    await raw.appendToStream(streams.employee(tenantId, erased), [hired(tenantId, erased, erasedData), forgotten(tenantId)], { expectedRevision: 'no_stream' });
    const order = streams.order(tenantId, randomUUID());
    await raw.appendToStream(order, [{ ...forgotten(tenantId), type: 'OrderOpened', data: { note: 'unrelated' } }], { expectedRevision: 'no_stream' });
    await db.insertInto('login_throttle').values([
      { key: `known:email:${keptData.email}|10.0.0.1`, attempts: 0, ends_at: new Date(Date.now() + 86_400_000) },
      { key: 'address:10.0.0.1', attempts: 1, ends_at: new Date(Date.now() + 86_400_000) },
    ]).onConflict((oc) => oc.doNothing()).execute();
    const keyring = keyringOf(db, keysOf(masterKey));
    const store = protectPersonalData(raw, keyring);
    // Before the upgrade the decorator hands clear data through as it is.
    const beforeUpgrade = await store.readStream(streams.employee(tenantId, kept));
    expect(personalDataOf(beforeUpgrade[0])).toEqual(keptData);
    const orderBefore = await raw.readStream(order);

    // A failure midway leaves everything as it was: events, keys, and the trigger on.
    const failing: MasterKeyProvider = { ...keysOf(masterKey), wrap: () => Promise.reject(new Error('KMS down')) };
    await expect(encryptLegacyPersonalData(db, createPersonalDataKeyring(db, failing))).rejects.toThrow('KMS down');
    expect(personalDataOf((await raw.readStream(streams.employee(tenantId, kept)))[0])).toEqual(keptData);
    expect(await db.selectFrom('personal_data_keys').select('subject_id').where('tenant_id', '=', tenantId).execute()).toEqual([]);
    await expect(sql`UPDATE events SET type = type WHERE tenant_id = ${tenantId}`.execute(db)).rejects.toThrow(/immutable/);

    expect(await encryptLegacyPersonalData(db, keyring)).toBe(2);
    const text = await storedText(db);
    for (const value of [...Object.values(keptData), ...Object.values(erasedData)]) expect(text).not.toContain(value);
    for (const employeeId of [kept, erased]) {
      expect(personalDataOf((await raw.readStream(streams.employee(tenantId, employeeId)))[0])).toEqual({ encrypted: expect.stringMatching(/^v1\.1\./) as unknown });
    }
    // Read back through the decorator: the same data, every other field and event untouched; the forgotten person null.
    const afterUpgrade = await store.readStream(streams.employee(tenantId, kept));
    expect(afterUpgrade.map(({ data }) => data)).toEqual(beforeUpgrade.map(({ data }) => data));
    expect(afterUpgrade.map(({ eventId, streamRevision, position }) => ({ eventId, streamRevision, position }))).toEqual(
      beforeUpgrade.map(({ eventId, streamRevision, position }) => ({ eventId, streamRevision, position })),
    );
    const fresh = protectPersonalData(raw, keyringOf(db, keysOf(masterKey)));
    expect(personalDataOf((await fresh.readStream(streams.employee(tenantId, kept)))[0])).toEqual(keptData);
    expect(personalDataOf((await fresh.readStream(streams.employee(tenantId, erased)))[0])).toBeNull();
    expect((await raw.readStream(order)).map((e) => e.data)).toEqual(orderBefore.map((e) => e.data));
    expect(await db.selectFrom('personal_data_keys').select(['subject_id', 'destroyed_at']).where('tenant_id', '=', tenantId).orderBy('subject_id').execute()).toEqual(
      [
        { subject_id: `employee:${kept}`, destroyed_at: null },
        { subject_id: `employee:${erased}`, destroyed_at: expect.any(Date) as unknown },
      ].sort((a, b) => (a.subject_id < b.subject_id ? -1 : 1)),
    );
    // Throttle windows named by an email in clear are gone; the others stay.
    const throttle = (await db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key);
    expect(throttle.some((key) => key.includes(keptData.email))).toBe(false);
    expect(throttle).toContain('address:10.0.0.1');

    // Once is enough; the log is immutable again.
    expect(await encryptLegacyPersonalData(db, keyring)).toBe(0);
    await expect(sql`UPDATE events SET type = type WHERE tenant_id = ${tenantId}`.execute(db)).rejects.toThrow(/immutable/);
  });
});
