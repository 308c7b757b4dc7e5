import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../src/application/ports/eventStore.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { aStreamId, someEvents } from '../support/events.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

/**
 * One tenant's events read from a log it shares, a window of the log at a time (windows of 3
 * here): long stretches of other tenants' events, windows with none of its own, pages that end
 * inside a window. The read gives exactly its events, in order.
 */
describe.each(storageTargets())('reading one tenant of a shared log on %s', (_target, openStorage) => {
  let storage: OpenedStorage | undefined;
  let store: EventStore;
  const mine: string[] = [];

  beforeAll(async () => {
    storage = await openStorage();
    store = createPostgresEventStore(storage.postgres, { tenantWindow: 3 });
    // Runs of other tenants' events 0 to 11 long between appends of the tenant's.
    for (let i = 0; i < 12; i++) {
      if (i % 4 !== 3) {
        const events = someEvents(1 + (i % 3), { tenantId: 'mine' });
        await store.appendToStream(aStreamId(), events, { expectedRevision: 'no_stream' });
        mine.push(...events.map((e) => e.eventId));
      }
      if (i > 0) await store.appendToStream(aStreamId(), someEvents(i, { tenantId: `other-${i % 2}` }), { expectedRevision: 'no_stream' });
    }
  }, 60_000);
  afterAll(async () => {
    await storage?.dispose();
  });

  async function all<T extends { position: GlobalPosition }>(read: (after: GlobalPosition | undefined) => Promise<readonly T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let page = await read(undefined); page.length > 0; page = await read(page.at(-1)?.position)) {
      expect(page.length).toBeLessThanOrEqual(2);
      out.push(...page);
    }
    return out;
  }

  it('readAll gives exactly the tenant’s events, in order, page after page', async () => {
    const events: RecordedEvent[] = await all((after) => store.readAll({ ...(after ? { after } : {}), maxCount: 2, tenantId: 'mine' }));
    expect(events.map((e) => e.eventId)).toEqual(mine);
    expect(new Set(events.map((e) => e.tenantId))).toEqual(new Set(['mine']));
    expect(await store.readAll({ tenantId: 'nobody' })).toEqual([]);
  });
});
