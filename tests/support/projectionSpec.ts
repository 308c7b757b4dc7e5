import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { expect } from 'vitest';
import { decodeEvent, type DecodedEvent } from '../../src/application/events/decodeEvent.js';
import type { RecordedEvent } from '../../src/application/ports/eventStore.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import type { ReadModel, Tables } from '../../src/projections/readModel.js';
import { openTestStorage, type OpenedStorage } from './storageTargets.js';

/**
 * Given/when/then for read models: `given(events)` applies the log to a fresh generation of the
 * model's tables twice, once as one batch and once event by event, and `then` reads rows from
 * both and checks they agree (a model must not depend on how the runner cuts batches) and equal
 * what the spec expects.
 *
 *   const spec = await projectionSpec(salesModel);   // once per file (beforeAll), spec.close() in afterAll
 *   const log = new LogBuilder();
 *   await spec.given(log.order('t1', 'o1', 'OrderOpened', {...}), ...).then('daily_sales', rows, ['tenant_id', 'business_date']);
 */
export type ProjectionSpec = Readonly<{
  given(...events: readonly RecordedEvent[]): Readonly<{
    /** Rows of `table` ordered by `orderBy`, equal in both runs and to `expected` (toEqual). */
    then(table: string, expected: readonly Record<string, unknown>[], orderBy: readonly string[]): Promise<void>;
    /** Both runs' rows, for assertions `then` cannot express; they are already checked equal. */
    rows(table: string, orderBy: readonly string[]): Promise<readonly Record<string, unknown>[]>;
  }>;
  /** Raw access to the spec database (a schema per run), for EXPLAIN and the like. */
  storage: OpenedStorage;
  close(): Promise<void>;
}>;

let schemas = 0;

export async function projectionSpec<T extends Tables>(model: ReadModel<T>, serverUrl?: string): Promise<ProjectionSpec> {
  const storage = await openTestStorage(serverUrl);
  const db = storage.postgres.db;

  async function run(events: readonly DecodedEvent[], batches: readonly (readonly DecodedEvent[])[]): Promise<string> {
    schemas += 1;
    const schema = `spec_${model.name}_${schemas}_${events.length}`;
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await inSchema<T>(db, schema, (trx) => model.createTables(trx));
    for (const batch of batches) await inSchema<T>(db, schema, (trx) => model.applyBatch(trx, batch.filter((event) => model.handles.has(event.type))));
    return schema;
  }

  return {
    storage,
    given(...recorded) {
      const events = recorded.map((event) => {
        const decoded = decodeEvent(event);
        if (!decoded) throw new Error(`spec event ${event.type} on ${event.streamId} does not decode`);
        return decoded;
      });
      const runs = Promise.all([run(events, [events]), run(events, events.map((event) => [event]))]);
      async function rows(table: string, orderBy: readonly string[]): Promise<readonly Record<string, unknown>[]> {
        const [whole, single] = await runs;
        const read = async (schema: string): Promise<Record<string, unknown>[]> => {
          const order = sql.join(orderBy.map((column) => sql.id(column)));
          const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(schema, table)} ORDER BY ${order}`.execute(db);
          return result.rows;
        };
        const [a, b] = await Promise.all([read(whole), read(single)]);
        expect(b, `${table}: applied event by event differs from one batch`).toEqual(a);
        return a;
      }
      return {
        rows,
        async then(table, expected, orderBy) {
          expect(await rows(table, orderBy)).toEqual(expected);
        },
      };
    },
    close: () => storage.dispose(),
  };
}

async function inSchema<T extends Tables>(db: Kysely<Database>, schema: string, work: (trx: Transaction<Database & T>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('search_path', ${`"${schema}", public`}, true)`.execute(trx);
    await work(trx.withTables<T>());
  });
}

/**
 * Builds a log for specs: recorded events with increasing global positions and per-stream
 * revisions, the tenant taken from the stream id, business time from `at` (default: a fixed clock
 * that advances a minute per event).
 */
export class LogBuilder {
  private commit = 100n;
  private readonly revisions = new Map<string, number>();
  private clock = Date.UTC(2026, 10, 2, 9, 0, 0);

  event(streamId: string, tenantId: string, type: string, data: Record<string, unknown>, options: Readonly<{ at?: Date; schemaVersion?: number; actor?: RecordedEvent['metadata']['actor'] }> = {}): RecordedEvent {
    this.commit += 1n;
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.clock += 60_000;
    const occurredAt = options.at ?? new Date(this.clock);
    return {
      eventId: randomUUID(),
      type,
      schemaVersion: options.schemaVersion ?? 1,
      tenantId,
      occurredAt,
      data,
      metadata: {
        actor: options.actor ?? { userId: 'user-spec', role: 'cashier', deviceId: 'device-spec' },
        correlationId: randomUUID(),
        causationId: null,
        idempotencyKey: null,
        traceContext: null,
      },
      streamId,
      streamRevision: revision,
      position: { commit: this.commit, prepare: this.commit },
      recordedAt: occurredAt,
    };
  }
}
