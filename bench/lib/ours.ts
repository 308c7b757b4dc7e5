import { sql } from 'kysely';
import type { GlobalPosition, NewEvent, RecordedEvent } from '../../src/application/ports/eventStore.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import type { DelayedWriter, GlobalReader, ReadItem, StoreAdapter } from './adapter.js';
import { DeliveryLog } from './delivery.js';
import type { CatchUpVariant } from './protocol.js';
import { elapsedMs, sleep } from './stats.js';

function toItem(event: RecordedEvent): ReadItem {
  return { eventId: event.eventId, sequence: event.position.prepare };
}

/** Our PostgreSQL event store, through its public port only. */
export async function createOursAdapter(connectionString: string, poolSize: number): Promise<StoreAdapter> {
  const postgres = await connectPostgres({ kind: 'server', connectionString, maxConnections: poolSize });
  const { db } = postgres;
  const store = createPostgresEventStore(postgres);

  async function appendNew(streamId: string, events: readonly NewEvent[]): Promise<number> {
    return (await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' })).nextExpectedRevision;
  }

  async function appendExact(streamId: string, events: readonly NewEvent[], expectedRevision: number): Promise<number> {
    return (await store.appendToStream(streamId, events, { expectedRevision })).nextExpectedRevision;
  }

  async function countEvents(): Promise<number> {
    const { rows } = await sql<{ count: string }>`SELECT count(*)::text AS count FROM events`.execute(db);
    return Number(rows[0]?.count ?? 0);
  }

  return {
    name: 'ours',
    poolSize,
    notes: [
      `pg.Pool max ${poolSize} (connectPostgres maxConnections)`,
      'appendToStream with expectedRevision no_stream / exact revision; readAll({ after, maxCount }); subscribeToAll({ batchSize })',
    ],
    async setup() {
      await migrateToLatest(db);
    },
    appendNew,
    appendExact,
    countEvents,
    reader(batchSize: number): GlobalReader {
      let after: GlobalPosition | undefined;
      return {
        async next() {
          const events = await store.readAll({ after, maxCount: batchSize });
          const last = events.at(-1);
          if (last) after = last.position;
          return events.map(toItem);
        },
      };
    },
    async catchUp(batchSize: number, budgetSeconds: number): Promise<CatchUpVariant[]> {
      const expected = await countEvents();
      const abort = new AbortController();
      let stoppedByBudget = false;
      const budget = setTimeout(() => {
        stoppedByBudget = true;
        abort.abort();
      }, budgetSeconds * 1000);
      const delivered = new DeliveryLog();
      const startedAt = performance.now();
      try {
        // A live subscription never ends by itself: stop once it has caught up.
        for await (const batch of store.subscribeToAll({ batchSize, signal: abort.signal })) {
          delivered.add(batch.map((event) => event.eventId));
          if (delivered.events >= expected) break;
        }
      } finally {
        clearTimeout(budget);
      }
      const seconds = elapsedMs(startedAt) / 1000;
      return [
        {
          name: 'subscribeToAll',
          description: `subscribeToAll({ batchSize: ${batchSize} }) from the start until every event was seen`,
          seconds,
          eventsPerSecond: delivered.events / seconds,
          stoppedByBudget,
          ...delivered.summary(expected),
        },
      ];
    },
    async delayedWriter(delayMs: () => number, maxConnections: number): Promise<DelayedWriter> {
      const writerDb = await connectPostgres({ kind: 'server', connectionString, maxConnections });
      const delayed = createPostgresEventStore(writerDb, { beforeCommit: () => sleep(delayMs()) });
      return {
        async appendNew(streamId, events) {
          return (await delayed.appendToStream(streamId, events, { expectedRevision: 'no_stream' })).nextExpectedRevision;
        },
        async appendExact(streamId, events, expectedRevision) {
          return (await delayed.appendToStream(streamId, events, { expectedRevision })).nextExpectedRevision;
        },
        close: () => delayed.close(),
      };
    },
    close: () => store.close(),
  };
}
