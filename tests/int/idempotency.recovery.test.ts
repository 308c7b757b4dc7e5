import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from '../../src/application/ports/eventStore.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { findCommittedByKey } from '../../src/infrastructure/idempotency/recovery.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';

let ids = 0;
function event(key: string | null, deviceId = 'till-1', tenantId = 'tenant-a'): NewEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    type: 'TestLineAdded',
    schemaVersion: 1,
    tenantId,
    occurredAt: new Date('2026-11-22T10:00:00Z'),
    data: {},
    metadata: { actor: { userId: 'u', role: 'cashier', deviceId }, correlationId: 'c', causationId: null, idempotencyKey: key, traceContext: null },
  };
}

describe('findCommittedByKey', () => {
  let store: EventStore;
  beforeAll(async () => {
    const postgres = await connectPostgres({ kind: 'embedded', dataDir: undefined });
    await migrateToLatest(postgres.db);
    store = createPostgresEventStore(postgres);
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers the last event a command wrote under its key, and how many', async () => {
    await store.appendToStream('order-1', [event('k-open')], { expectedRevision: 'no_stream' });
    const written = await store.appendToStream('order-1', [event('k-pay'), event('k-pay')], { expectedRevision: 0 });
    await store.appendToStream('order-1', [event(null), event('k-later')], { expectedRevision: 2 });

    expect(await findCommittedByKey(store, 'order-1', 'k-pay')).toEqual({
      streamId: 'order-1',
      revision: 2,
      position: written.position,
      eventCount: 2,
    });
    expect(await findCommittedByKey(store, 'order-1', 'k-open')).toMatchObject({ revision: 0, eventCount: 1 });
  });

  it('answers null when nothing was committed under the key, or the stream does not exist', async () => {
    await store.appendToStream('order-2', [event('k-1')], { expectedRevision: 'no_stream' });
    expect(await findCommittedByKey(store, 'order-2', 'k-2')).toBeNull();
    expect(await findCommittedByKey(store, 'order-none', 'k-1')).toBeNull();
  });

  it('within a scope, only counts the same tenant and device', async () => {
    await store.appendToStream('order-3', [event('k-same', 'till-1'), event('k-same', 'till-2')], { expectedRevision: 'no_stream' });
    expect(await findCommittedByKey(store, 'order-3', 'k-same', { tenantId: 'tenant-a', deviceId: 'till-1' })).toMatchObject({ revision: 0, eventCount: 1 });
    expect(await findCommittedByKey(store, 'order-3', 'k-same', { deviceId: 'till-2' })).toMatchObject({ revision: 1 });
    expect(await findCommittedByKey(store, 'order-3', 'k-same', { deviceId: null })).toBeNull();
    expect(await findCommittedByKey(store, 'order-3', 'k-same', { tenantId: 'tenant-b' })).toBeNull();
  });
});
