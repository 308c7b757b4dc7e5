import { CompiledQuery, sql, type Transaction } from 'kysely';
import {
  DuplicateEventIdError,
  START,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../../../application/ports/eventStore.js';
import type { Postgres } from '../../postgres/connect.js';
import type { Database } from '../../postgres/database.js';
import { appendStatement, payloadOf } from './appendStatement.js';
import { toRecordedEvent, type EventRow } from './rows.js';
import { WakeUp } from './wakeUp.js';

export type PostgresEventStoreOptions = Readonly<{
  /** How often a waiting subscriber looks for events written by other processes. */
  pollIntervalMs?: number;
  /** Default and largest batch a subscriber or `readAll` returns. */
  maxBatchSize?: number;
  /** Events of the log walked per statement while reading one tenant's (20,000; tests make it small). */
  tenantWindow?: number;
  /**
   * Runs inside the append's transaction after the events are inserted and
   * before the commit (inline projections; tests that delay commits).
   * Without it an append is one autocommitted statement: one round trip.
   */
  beforeCommit?: (trx: Transaction<Database>, events: readonly NewEvent[]) => Promise<void>;
}>;

type AppendRow = {
  outcome: 'appended' | 'replayed' | 'wrong_expected_revision' | 'duplicate_event_id' | 'stream_moved';
  revision: string | null;
  transaction_id: string | null;
  global_position: string | null;
  /** With 'stream_moved': which of the `unchanged` streams moved (`revision` is where it is). */
  moved_stream?: string | null;
  /** With an answer: 1 when it was recorded with the events. */
  answered?: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Events of the log walked per statement while looking for one tenant's (see `ofTenant`). */
const TENANT_WINDOW = 20_000;

/** The columns of an EventRow, of `events` under `alias` (unqualified when empty). */
function columnsOf(alias: string): ReturnType<typeof sql.raw> {
  const q = alias === '' ? '' : `${alias}.`;
  return sql.raw(
    `${q}global_position::text AS global_position, ${q}transaction_id::text AS transaction_id, ${q}event_id::text AS event_id, ` +
      `${q}stream_id, ${q}stream_revision::text AS stream_revision, ${q}tenant_id, ${q}type, ${q}schema_version, ${q}data, ${q}metadata, ${q}occurred_at, ${q}recorded_at, encode(${q}hash, 'hex') AS hash`,
  );
}

const COLUMNS = columnsOf('');
const E_COLUMNS = columnsOf('e');

/**
 * The PostgreSQL event store (also over PGlite). Schema and the append function:
 * `src/infrastructure/postgres/migrations`. Ordering and subscriptions: ADR 0003.
 */
export function createPostgresEventStore({ db, query: rawQuery }: Postgres, options: PostgresEventStoreOptions = {}): EventStore {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxBatchSize = options.maxBatchSize ?? 1000;
  const tenantWindow = options.tenantWindow ?? TENANT_WINDOW;
  const wakeUp = new WakeUp();
  const closing = new AbortController();

  async function appendToStream(streamId: string, events: readonly NewEvent[], { expectedRevision, unchanged = [], answer }: AppendOptions): Promise<AppendResult> {
    const tenantId = validateAppend(streamId, events, expectedRevision);
    validateUnchanged(streamId, unchanged);
    const expected = encodeExpected(expectedRevision);
    const payload = (): string => payloadOf(events);
    // Other streams checked and the key answered in the same statement as the append (migration 0009).
    const statement = appendStatement(streamId, expected, tenantId, events, unchanged, answer);

    let row: AppendRow | undefined;
    try {
      const beforeCommit = options.beforeCommit;
      row = beforeCommit
        ? await db.transaction().execute(async (trx) => {
            const result = (await trx.executeQuery<AppendRow>(CompiledQuery.raw(statement.text, statement.values))).rows[0];
            if (result?.outcome === 'appended') await beforeCommit(trx, events);
            return result;
          })
        : (await rawQuery<AppendRow>(statement))[0];
    } catch (error) {
      const { code, constraint } = error as { code?: unknown; constraint?: unknown };
      if (code !== '23505') throw error;
      if (constraint === 'events_event_id_key') {
        // A retry that passed the revision check ('any', or a stream that moved on): ask whether it is a replay.
        row = (await sql<AppendRow>`
          SELECT outcome, revision::text AS revision, transaction_id::text AS transaction_id, global_position::text AS global_position
            FROM ts_replayed_append(${streamId}, ${expected}, ${payload()}::jsonb)`.execute(db)).rows[0] ?? {
          outcome: 'duplicate_event_id', revision: null, transaction_id: null, global_position: null,
        };
      } else if (constraint === 'events_stream_revision_key') {
        // Reached only in a transaction whose isolation hides the winner from the check.
        const last = await readStream(streamId, { direction: 'backwards', maxCount: 1 });
        throw new WrongExpectedRevisionError(streamId, expectedRevision, last[0]?.streamRevision ?? null);
      } else {
        throw error;
      }
    }
    if (!row) throw new Error('ts_append_to_stream returned no row');

    switch (row.outcome) {
      case 'stream_moved': {
        const moved = unchanged.find((s) => s.streamId === row.moved_stream);
        if (!moved) throw new Error('ts_append_event_if named a stream it was not given');
        throw new WrongExpectedRevisionError(moved.streamId, moved.revision ?? 'no_stream', row.revision === null ? null : Number(row.revision));
      }
      case 'wrong_expected_revision':
        throw new WrongExpectedRevisionError(streamId, expectedRevision, row.revision === null ? null : Number(row.revision));
      case 'duplicate_event_id':
        throw new DuplicateEventIdError(streamId);
      case 'appended':
      case 'replayed': {
        if (row.outcome === 'appended') wakeUp.ring();
        return {
          nextExpectedRevision: Number(row.revision),
          position: { commit: BigInt(row.transaction_id ?? 0), prepare: BigInt(row.global_position ?? 0) },
          replayed: row.outcome === 'replayed',
          ...(answer !== undefined && { answered: row.answered === 1 }),
        };
      }
    }
  }

  async function readStream(streamId: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = readOptions.direction === 'backwards';
    const limit = positiveCount(readOptions.maxCount, Number.MAX_SAFE_INTEGER);
    const from = readOptions.fromRevision;
    if (from !== undefined && !(Number.isSafeInteger(from) && from >= 0)) {
      throw new RangeError(`fromRevision must be a whole number >= 0, got ${from}`);
    }
    const bound =
      from === undefined ? sql`` : backwards ? sql`AND stream_revision <= ${from}` : sql`AND stream_revision >= ${from}`;
    const order = backwards ? sql`DESC` : sql`ASC`;
    const { rows } = await sql<EventRow>`
      SELECT ${COLUMNS} FROM events
       WHERE stream_id = ${streamId} ${bound}
       ORDER BY events.stream_revision ${order}
       LIMIT ${limit}`.execute(db);
    return rows.map(toRecordedEvent);
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = readOptions.after ?? START;
    const limit = positiveCount(readOptions.maxCount, maxBatchSize);
    if (readOptions.tenantId !== undefined) {
      return (await ofTenant(after, limit, readOptions.tenantId)).map(toRecordedEvent);
    }
    // Only transactions older than every running one are final: nothing can
    // commit later with a smaller (transaction_id, global_position). ADR 0003.
    const { rows } = await sql<EventRow>`/*prepare:ts_read_all*/
      SELECT ${COLUMNS} FROM events
       WHERE (transaction_id, global_position) > (${after.commit.toString()}::xid8, ${after.prepare.toString()}::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.transaction_id, events.global_position
       LIMIT ${limit}`.execute(db);
    return rows.map(toRecordedEvent);
  }

  /**
   * The next `limit` events of one tenant in global order. There is no index by tenant (appends
   * would pay for it), and a filtered query lets the planner sort every remaining row of the log
   * when it guesses the tenant has few: so the log is walked in its own order, a window of
   * `tenantWindow` events per statement, each window's events of the tenant fetched by key. Linear
   * in the log whatever the tenant's share; a window without the tenant's events moves on to the next.
   */
  async function ofTenant(after: GlobalPosition, limit: number, tenantId: string): Promise<EventRow[]> {
    let from = after;
    // A window as long as the page: a tenant with most of the log walks it about once.
    const window = Math.min(tenantWindow, Math.max(limit, 1_000));
    for (;;) {
      const { rows } = await sql<EventRow & { edge_transaction_id: string; edge_global_position: string; scanned: string; hit: boolean }>`
        WITH scan AS MATERIALIZED (
          SELECT transaction_id, global_position, tenant_id FROM events
           WHERE (transaction_id, global_position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY transaction_id, global_position
           LIMIT ${window}),
        hits AS (
          SELECT transaction_id, global_position FROM scan WHERE tenant_id = ${tenantId}
           ORDER BY transaction_id, global_position LIMIT ${limit}),
        edge AS (
          SELECT transaction_id, global_position, count(*) OVER () AS scanned FROM scan
           ORDER BY transaction_id DESC, global_position DESC LIMIT 1)
        SELECT edge.transaction_id::text AS edge_transaction_id, edge.global_position::text AS edge_global_position, edge.scanned::text AS scanned,
               e.event_id IS NOT NULL AS hit, ${E_COLUMNS}
          FROM edge
          LEFT JOIN (hits JOIN events e ON e.transaction_id = hits.transaction_id AND e.global_position = hits.global_position) ON true
         ORDER BY e.transaction_id, e.global_position`.execute(db);
      const first = rows[0];
      // Nothing readable after `from`: the end.
      if (!first) return [];
      const found = rows.filter((row) => row.hit);
      if (found.length > 0 || Number(first.scanned) < window) return found;
      from = { commit: BigInt(first.edge_transaction_id), prepare: BigInt(first.edge_global_position) };
    }
  }

  async function* subscribeToAll(
    subscribeOptions: SubscribeToAllOptions = {},
  ): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const signal = subscribeOptions.signal ? AbortSignal.any([subscribeOptions.signal, closing.signal]) : closing.signal;
    const batchSize = positiveCount(subscribeOptions.batchSize, maxBatchSize);
    let after = subscribeOptions.after ?? START;
    // After a wake-up the new events may still sit behind an older transaction
    // that is about to commit: look again soon, then back off to the poll interval.
    let idleMs = 1;
    while (!signal.aborted) {
      const seen = wakeUp.current;
      const batch = await readAll({ after, maxCount: batchSize });
      const last = batch.at(-1);
      if (last) {
        after = last.position;
        idleMs = 1;
        yield batch;
        continue;
      }
      await wakeUp.wait(seen, idleMs, signal);
      idleMs = wakeUp.current !== seen ? 1 : Math.min(idleMs * 2, pollIntervalMs);
    }
  }

  async function headPosition(): Promise<GlobalPosition | null> {
    // Committed rows only (read committed); the primary key answers it from its last entry.
    const { rows } = await sql<{ transaction_id: string; global_position: string }>`/*prepare:ts_head_position*/
      SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM events
       ORDER BY events.transaction_id DESC, events.global_position DESC
       LIMIT 1`.execute(db);
    const row = rows[0];
    return row ? { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) } : null;
  }

  return {
    appendToStream,
    readStream,
    readAll,
    subscribeToAll,
    headPosition,
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      closing.abort();
      await db.destroy();
    },
  };
}

function encodeExpected(expected: ExpectedRevision): number {
  switch (expected) {
    case 'any':
      return -1;
    case 'no_stream':
      return -2;
    case 'stream_exists':
      return -3;
    default:
      return expected;
  }
}

function validateAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): string {
  if (streamId.length === 0) throw new RangeError('streamId must not be empty');
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new RangeError(`expected revision must be a whole number >= 0, got ${expected}`);
  }
  const first = events[0];
  if (!first) throw new RangeError('appendToStream needs at least one event');
  for (const event of events) {
    if (!UUID.test(event.eventId)) throw new RangeError(`eventId must be a UUID, got ${event.eventId}`);
    if (event.tenantId !== first.tenantId) throw new RangeError(`all events of one append must share a tenant (${streamId})`);
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
      throw new RangeError(`schemaVersion must be a whole number >= 1, got ${event.schemaVersion}`);
    }
    if (Number.isNaN(event.occurredAt.getTime())) throw new RangeError('occurredAt must be a valid date');
  }
  if (new Set(events.map((e) => e.eventId.toLowerCase())).size !== events.length) {
    throw new RangeError('event ids must be unique within an append');
  }
  return first.tenantId;
}

function validateUnchanged(streamId: string, unchanged: readonly Readonly<{ streamId: string; revision: number | null }>[]): void {
  for (const other of unchanged) {
    if (other.streamId.length === 0 || other.streamId === streamId) throw new RangeError(`an unchanged stream must be another, non-empty stream (${streamId})`);
    if (other.revision !== null && !(Number.isSafeInteger(other.revision) && other.revision >= 0)) {
      throw new RangeError(`an unchanged revision must be null or a whole number >= 0, got ${other.revision}`);
    }
  }
}

function positiveCount(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`maxCount must be a whole number >= 1, got ${value}`);
  return value;
}
