import { dumbo } from '@event-driven-io/dumbo';
import type { DefaultRecord, Event } from '@event-driven-io/emmett';
import {
  appendToStream as emmettAppendToStream,
  getPostgreSQLEventStore,
  postgreSQLEventStoreMessageBatchPuller,
  readMessagesBatch,
} from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { NewEvent } from '../../src/application/ports/eventStore.js';
import type { DelayedWriter, GlobalReader, StoreAdapter } from './adapter.js';
import { DeliveryLog } from './delivery.js';
import type { CatchUpVariant } from './protocol.js';
import { elapsedMs, sleep } from './stats.js';

/** Emmett event carrying the same data and envelope as ours. */
type BenchEmmettEvent = Event<string, DefaultRecord, DefaultRecord>;

/**
 * Same data, same metadata; the envelope fields our store keeps in columns
 * (tenant, occurredAt, schemaVersion) go into Emmett's metadata, and our
 * eventId becomes Emmett's messageId (its own column).
 */
function toEmmett(event: NewEvent): BenchEmmettEvent {
  return {
    type: event.type,
    data: event.data,
    metadata: {
      messageId: event.eventId,
      tenantId: event.tenantId,
      occurredAt: event.occurredAt.toISOString(),
      schemaVersion: event.schemaVersion,
      ...event.metadata,
    },
  };
}

/** Emmett's stream version counts events (1-based); our revision is the last event's 0-based index. */
const toRevision = (streamVersion: bigint): number => Number(streamVersion) - 1;
const toStreamVersion = (revision: number): bigint => BigInt(revision + 1);

/** Emmett derives the stream type from the name's first dash-separated part. */
const streamTypeOf = (streamId: string): string => streamId.split('-')[0] ?? 'unknown';

/**
 * Emmett's PostgreSQL event store (0.42), through its public API. Runs in its
 * own process: dumbo replaces pg's global int8/jsonb type parsers, which would
 * otherwise slow our store's reads too.
 */
export function createEmmettAdapter(connectionString: string, poolSize: number): StoreAdapter {
  // Emmett's own pool (dumbo getPool) is a pg.Pool with pg's default max of 10;
  // give it the same size as ours through its `pool` connection option.
  const pgPool = new pg.Pool({ connectionString, max: poolSize, application_name: 'emmett-bench' });
  pgPool.on('error', () => undefined);
  const pool = dumbo({ connectionString, pool: pgPool });
  const store = getPostgreSQLEventStore(connectionString, { connectionOptions: { dumbo: pool } });

  async function appendNew(streamId: string, events: readonly NewEvent[]): Promise<number> {
    // 0n: the stream must not exist (enforced by the emt_streams primary key).
    // STREAM_DOES_NOT_EXIST would be sent as "no check" by emmett-postgresql 0.42.
    const result = await store.appendToStream(streamId, events.map(toEmmett), { expectedStreamVersion: 0n });
    return toRevision(result.nextExpectedStreamVersion);
  }

  async function appendExact(streamId: string, events: readonly NewEvent[], expectedRevision: number): Promise<number> {
    const result = await store.appendToStream(streamId, events.map(toEmmett), {
      expectedStreamVersion: toStreamVersion(expectedRevision),
    });
    return toRevision(result.nextExpectedStreamVersion);
  }

  async function countEvents(): Promise<number> {
    const { rows } = await pgPool.query<{ count: string }>('SELECT count(*)::text AS count FROM emt_messages');
    return Number(rows[0]?.count ?? 0);
  }

  async function puller(batchSize: number, budgetSeconds: number, expected: number): Promise<CatchUpVariant> {
    const abort = new AbortController();
    const delivered = new DeliveryLog();
    const batchPuller = postgreSQLEventStoreMessageBatchPuller<BenchEmmettEvent>({
      executor: pool.execute,
      batchSize,
      pullingFrequencyInMs: 0,
      stopWhen: { noMessagesLeft: true },
      signal: abort.signal,
      eachBatch: (messages) => {
        delivered.add(messages.map((message) => message.metadata.messageId));
      },
    });
    let stoppedByBudget = false;
    const budget = setTimeout(() => {
      stoppedByBudget = true;
      abort.abort();
    }, budgetSeconds * 1000);
    const startedAt = performance.now();
    try {
      await batchPuller.start({ startFrom: 'BEGINNING' });
    } finally {
      clearTimeout(budget);
    }
    const seconds = elapsedMs(startedAt) / 1000;
    return {
      name: 'messageBatchPuller',
      description: `postgreSQLEventStoreMessageBatchPuller({ batchSize: ${batchSize}, pullingFrequencyInMs: 0, stopWhen: { noMessagesLeft: true } }) from BEGINNING: the loop its consumers pull with, without checkpoints`,
      seconds,
      eventsPerSecond: delivered.events / seconds,
      stoppedByBudget,
      ...delivered.summary(expected),
    };
  }

  async function consumer(batchSize: number, budgetSeconds: number, expected: number): Promise<CatchUpVariant> {
    const delivered = new DeliveryLog();
    const eventConsumer = store.consumer<BenchEmmettEvent>({
      stopWhen: { noMessagesLeft: true },
      pulling: { batchSize, pullingFrequencyInMs: 0 },
    });
    eventConsumer.reactor<BenchEmmettEvent>({
      processorId: `bench-${Date.now()}`,
      eachMessage: (message) => {
        delivered.add([message.metadata.messageId]);
      },
    });
    let stoppedByBudget = false;
    const budget = setTimeout(() => {
      stoppedByBudget = true;
      void eventConsumer.stop();
    }, budgetSeconds * 1000);
    const startedAt = performance.now();
    try {
      await eventConsumer.start();
    } finally {
      clearTimeout(budget);
    }
    const seconds = elapsedMs(startedAt) / 1000;
    await eventConsumer.stop();
    return {
      name: 'consumer+reactor',
      description: `store.consumer({ stopWhen: { noMessagesLeft: true }, pulling: { batchSize: ${batchSize}, pullingFrequencyInMs: 0 } }).reactor({ eachMessage: no-op }) from BEGINNING; the reactor stores its checkpoint after every message and skips messages at or below it`,
      seconds,
      eventsPerSecond: delivered.events / seconds,
      stoppedByBudget,
      ...delivered.summary(expected),
    };
  }

  return {
    name: 'emmett',
    poolSize,
    notes: [
      `pg.Pool max ${poolSize} passed to Emmett as connectionOptions.dumbo (its default pool would be pg's 10)`,
      'appendToStream with expectedStreamVersion 0n (stream must not exist) / exact version; readMessagesBatch({ after, batchSize })',
      'schema created with store.schema.migrate() before the run',
      "correctness case: the exported appendToStream(pool, ...) that the store delegates to, with beforeCommitHook (the store's own appendToStream always passes its inline-projection hook instead)",
      'catch-up: no index serves its read order, and the consumer checkpoints every message, so its runs are capped by BENCH_CATCH_UP_BUDGET_S',
    ],
    async setup() {
      await store.schema.migrate();
    },
    appendNew,
    appendExact,
    countEvents,
    reader(batchSize: number): GlobalReader {
      let after = 0n;
      return {
        async next() {
          const page = await readMessagesBatch<BenchEmmettEvent>(pool.execute, { after, batchSize });
          after = page.currentGlobalPosition;
          return page.messages.map((message) => ({
            eventId: message.metadata.messageId,
            sequence: message.metadata.globalPosition,
          }));
        },
      };
    },
    async catchUp(batchSize: number, budgetSeconds: number): Promise<CatchUpVariant[]> {
      const expected = await countEvents();
      return [await puller(batchSize, budgetSeconds, expected), await consumer(batchSize, budgetSeconds, expected)];
    },
    delayedWriter(delayMs: () => number): Promise<DelayedWriter> {
      // The store's appendToStream always passes its own (inline projections)
      // beforeCommitHook, so call the exported appendToStream it delegates to.
      const beforeCommitHook = (): Promise<void> => sleep(delayMs());
      const append = async (streamId: string, events: readonly NewEvent[], expectedStreamVersion: bigint): Promise<number> => {
        const result = await emmettAppendToStream(pool, streamId, streamTypeOf(streamId), events.map(toEmmett), {
          expectedStreamVersion,
          beforeCommitHook,
        });
        if (!result.success) throw new Error(`Emmett append to ${streamId} failed (expected version ${expectedStreamVersion})`);
        return toRevision(result.nextStreamPosition);
      };
      return Promise.resolve({
        appendNew: (streamId, events) => append(streamId, events, 0n),
        appendExact: (streamId, events, expectedRevision) => append(streamId, events, toStreamVersion(expectedRevision)),
        close: () => Promise.resolve(),
      });
    },
    async close() {
      await store.close();
      await pgPool.end();
    },
  };
}
