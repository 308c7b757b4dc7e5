import type { EventData, EventStore, NewEvent, RecordedEvent } from '../ports/eventStore.js';
import type { DataSubject, DecryptRequest, PersonalDataVault, EncryptRequest } from '../ports/personalData.js';
import { forgottenSubjectOf, isEncryptedField, personalFieldOf } from './fields.js';

/*
 * The event store as the application sees it: personal fields encrypted on the way in, decrypted on the
 * way out (ADR 0025). It wraps the store at the one choke point every write and read passes
 * through, so the command handler, projections, reactors, the audit history and the export all
 * get plain data (or null for a forgotten person) and none of them handles ciphertext or keys;
 * `decodeEvent` stays synchronous. What the adapter stores, and what the hash chain covers, is
 * the encrypted form: a forget destroys a key and changes no event.
 */

const protectedStores = new WeakMap<EventStore, PersonalDataVault>();

const subjectKey = (subject: DataSubject): string => `${subject.tenantId}\u0000${subject.subjectId}`;

/**
 * `inner` with personal data encrypted by `vault`. Wrapping a store this function returned, with the
 * same vault, returns it as it is, so no path encrypts twice.
 */
export function protectPersonalData(inner: EventStore, vault: PersonalDataVault): EventStore {
  if (protectedStores.get(inner) === vault) return inner;

  /** Reads: encrypted fields decrypted in one vault call per page; legacy plain ones (before `audit upgrade`) as they are. */
  async function decrypted(events: RecordedEvent[], heal: boolean): Promise<RecordedEvent[]> {
    // A forget in the same page: the person is gone for every event of it, whatever the key's
    // row still says (its destruction may not have landed yet), and this process forgets the key.
    const forgotten = new Map<string, DataSubject>();
    for (const event of events) {
      const subject = forgottenSubjectOf(event.streamId, event.type);
      if (subject) forgotten.set(subjectKey(subject), subject);
    }
    for (const subject of forgotten.values()) {
      // The subscription (every process runs one) also heals a forget whose key destruction was
      // cut off by a crash; a plain read only drops what this process holds of the key.
      if (heal) await vault.forget(subject);
      else vault.evict(subject);
    }
    const result = [...events];
    const requests: DecryptRequest[] = [];
    const places: Readonly<{ index: number; field: string }>[] = [];
    events.forEach((event, index) => {
      const personal = personalFieldOf(event.streamId, event.type);
      const value = personal && event.data[personal.field];
      if (!personal || !isEncryptedField(value)) return;
      if (forgotten.has(subjectKey(personal.subject))) {
        result[index] = withField(event, personal.field, null);
        return;
      }
      requests.push({ subject: personal.subject, binding: { tenantId: event.tenantId, streamId: event.streamId, eventId: event.eventId, field: personal.field }, encrypted: value.encrypted });
      places.push({ index, field: personal.field });
    });
    const plaintexts = await vault.decrypt(requests);
    places.forEach(({ index, field }, i) => {
      const event = events[index];
      const plaintext = plaintexts[i];
      if (event) result[index] = withField(event, field, plaintext === null || plaintext === undefined ? null : (JSON.parse(plaintext) as unknown));
    });
    return result;
  }

  async function encrypted(streamId: string, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
    const requests: EncryptRequest[] = [];
    const places: Readonly<{ index: number; field: string }>[] = [];
    events.forEach((event, index) => {
      const personal = personalFieldOf(streamId, event.type);
      const value = personal && event.data[personal.field];
      // null is already redacted, a encrypted value already encrypted (a store wrapped twice, a copy).
      if (!personal || value === undefined || value === null || isEncryptedField(value)) return;
      requests.push({ subject: personal.subject, binding: { tenantId: event.tenantId, streamId, eventId: event.eventId, field: personal.field }, plaintext: JSON.stringify(value) });
      places.push({ index, field: personal.field });
    });
    if (requests.length === 0) return events;
    const texts = await vault.encrypt(requests);
    const result = [...events];
    places.forEach(({ index, field }, i) => {
      const event = events[index];
      const encrypted = texts[i];
      if (event && encrypted !== undefined) result[index] = withField(event, field, { encrypted });
    });
    return result;
  }

  const store: EventStore = {
    async appendToStream(streamId, events, options) {
      return inner.appendToStream(streamId, await encrypted(streamId, events), options);
    },
    async readStream(streamId, options) {
      return decrypted(await inner.readStream(streamId, options), false);
    },
    async readAll(options) {
      return decrypted(await inner.readAll(options), false);
    },
    async *subscribeToAll(options) {
      for await (const batch of inner.subscribeToAll(options)) yield await decrypted([...batch], true);
    },
    headPosition: () => inner.headPosition(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  protectedStores.set(store, vault);
  return store;
}

/** The vault a store returned by `protectPersonalData` encrypts with; undefined for any other store. */
export function personalDataVaultOf(store: EventStore): PersonalDataVault | undefined {
  return protectedStores.get(store);
}

function withField<E extends Readonly<{ data: EventData }>>(event: E, field: string, value: unknown): E {
  return { ...event, data: { ...event.data, [field]: value } };
}
