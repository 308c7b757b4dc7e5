import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import {
  TransactionIdsFromTheFutureError,
  assertTransactionIdsInPast,
} from '../../src/infrastructure/eventstore/postgres/transactionIds.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { aStreamId, anEvent, someEvents } from '../support/events.js';
import { createScratchDatabase, postgresServerUrl } from '../support/services.js';
import { openEmbeddedStorage } from '../support/storage.js';

type Target = { db: Kysely<Database>; store: EventStore; dispose: () => Promise<void> };

const serverUrl = postgresServerUrl();

async function openEmbedded(): Promise<Target> {
  const { postgres, eventStore: store } = await openEmbeddedStorage();
  return { db: postgres.db, store, dispose: () => store.close() };
}

async function openServer(url: string): Promise<Target> {
  const scratch = await createScratchDatabase(url);
  const postgres = await connectPostgres({ kind: 'server', connectionString: scratch.url });
  const { db } = postgres;
  await migrateToLatest(db);
  const store = createPostgresEventStore(postgres);
  return {
    db,
    store,
    async dispose() {
      await store.close();
      await scratch.drop();
    },
  };
}

const targets: [string, () => Promise<Target>][] = [['PGlite', openEmbedded]];
if (serverUrl) targets.push(['PostgreSQL server', () => openServer(serverUrl)]);

describe.each(targets)('PostgreSQL event store specifics on %s', (_name, open) => {
  let target: Target;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(async () => {
    await target.dispose();
  });

  it('refuses to update or delete a stored event', async () => {
    const streamId = aStreamId();
    await target.store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
    await expect(sql`UPDATE events SET type = 'Tampered' WHERE stream_id = ${streamId}`.execute(target.db)).rejects.toThrow(
      /events are immutable/,
    );
    await expect(sql`DELETE FROM events WHERE stream_id = ${streamId}`.execute(target.db)).rejects.toThrow(/events are immutable/);
    await expect(sql`TRUNCATE events`.execute(target.db)).rejects.toThrow(/events are immutable/);
    expect((await target.store.readStream(streamId))[0]?.type).toBe('SomethingHappened');
  });

  it('refuses an append that is not the first write of its transaction', async () => {
    const streamId = aStreamId();
    const payload = JSON.stringify([{ ...anEvent(), occurredAt: new Date().toISOString() }]);
    await expect(
      target.db.transaction().execute(async (trx) => {
        await sql`SELECT pg_current_xact_id()`.execute(trx);
        await sql`SELECT * FROM ts_append_to_stream(${streamId}, -1, 'tenant-1', ${payload}::jsonb)`.execute(trx);
      }),
    ).rejects.toThrow(/first write of its transaction/);
    expect(await target.store.readStream(streamId)).toEqual([]);
  });

  it('refuses to start on events whose transaction ids lie in the future (a logical restore)', async () => {
    await assertTransactionIdsInPast(target.db);
    const event = anEvent();
    await sql`
      INSERT INTO events (transaction_id, event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at)
      VALUES ('4000000000000'::xid8, ${event.eventId}::uuid, ${aStreamId()}, 0, 't', 'Restored', 1, '{}', '{}', now())`.execute(target.db);
    await expect(assertTransactionIdsInPast(target.db)).rejects.toBeInstanceOf(TransactionIdsFromTheFutureError);
  });
});

describe.runIf(serverUrl)('reading the log while a transaction commits late (PostgreSQL server)', () => {
  let target: Target;
  beforeAll(async () => {
    target = await openServer(serverUrl ?? '');
  });
  afterAll(async () => {
    await target.dispose();
  });

  it('readAll holds back a later commit until the earlier transaction ends, where position paging would skip it', async () => {
    const { db, store } = target;
    const late = anEvent();
    const early = anEvent();
    const payload = JSON.stringify([{ ...late, occurredAt: late.occurredAt.toISOString() }]);

    let commitLate!: () => void;
    const lateCommitted = new Promise<void>((resolve) => (commitLate = resolve));
    let inserted!: () => void;
    const lateInserted = new Promise<void>((resolve) => (inserted = resolve));
    const lateTransaction = db.transaction().execute(async (trx) => {
      await sql`SELECT * FROM ts_append_to_stream(${aStreamId()}, -1, 'tenant-1', ${payload}::jsonb)`.execute(trx);
      inserted();
      await lateCommitted;
    });
    await lateInserted;
    await store.appendToStream(aStreamId(), [early], { expectedRevision: 'any' });

    // A reader paging by the sequence alone already sees the second event and moves past the first.
    const naive = await sql<{ event_id: string; global_position: string }>`
      SELECT event_id::text, global_position::text FROM events ORDER BY global_position`.execute(db);
    expect(naive.rows.map((r) => r.event_id)).toEqual([early.eventId]);
    const naiveCheckpoint = naive.rows[0]!.global_position;

    // Ours returns nothing yet: an older transaction is still running.
    expect(await store.readAll()).toEqual([]);

    commitLate();
    await lateTransaction;

    const naiveAfter = await sql<{ event_id: string }>`
      SELECT event_id::text FROM events WHERE global_position > ${naiveCheckpoint}::bigint ORDER BY global_position`.execute(db);
    expect(naiveAfter.rows).toEqual([]); // the late event is lost to the naive reader
    expect((await store.readAll()).map((e) => e.eventId)).toEqual([late.eventId, early.eventId]);
  });
});
