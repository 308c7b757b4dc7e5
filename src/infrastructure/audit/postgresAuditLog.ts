import { CompiledQuery, sql, type Kysely } from 'kysely';
import { tenantStreamRanges } from '../../application/events/streams.js';
import type { AuditLog, SealArchive, StoredEvent, StreamHead, StreamSummary } from '../../application/ports/auditLog.js';
import { WrongExpectedRevisionError, type AppendResult } from '../../application/ports/eventStore.js';
import { appendStatement } from '../eventstore/postgres/appendStatement.js';
import type { Postgres } from '../postgres/connect.js';
import type { Database } from '../postgres/database.js';

type StoredRow = [
  stream_id: string, stream_revision: string, event_id: string, tenant_id: string, type: string, schema_version: number,
  data: string, metadata: string, occurred_at: string, recorded_at: string, transaction_id: string, global_position: string, hash: string | null,
];

/** Rows per statement: with the pages read ahead (two per slice, two slices), what a verify holds. */
const PAGE = 1_000;
/** Where a prefix range is cut into slices (ids are mostly UUIDs, and every id falls in one slice whatever it is). */
const SLICE_POINTS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'] as const;

/**
 * The audit side of the PostgreSQL log (ADR 0023, 0024). A tenant's events are read as index
 * ranges of `(stream_id, stream_revision)`, the unique index every append already keeps (byte
 * order since migration 0011), so a verify needs no index of its own; it holds the few pages read
 * ahead (`SliceFeed`). Rows come as arrays of text: a verifier parses nothing it hashes.
 */
export function createPostgresAuditLog({ db, query }: Postgres): AuditLog & SealArchive {
  async function* storedEvents(tenantId: string, options: Readonly<{ pageSize?: number }> = {}): AsyncGenerator<readonly StoredEvent[], void, undefined> {
    const pageSize = options.pageSize ?? PAGE;
    const feeds = slicesOf(tenantId).map((slice) => new SliceFeed((afterStream, afterRevision) =>
      query<StoredRow>({ name: 'ts_audit_events', text: 'SELECT * FROM ts_audit_events($1, $2, $3, $4, $5)', values: [slice.from, slice.to, afterStream, afterRevision, pageSize], rowMode: 'array' }), pageSize));
    try {
      for (const [i, feed] of feeds.entries()) {
        // The next slice reads ahead on a second connection while this one is consumed: the
        // database works on two statements while the verifier hashes.
        feed.start();
        feeds[i + 1]?.start();
        for (let rows = await feed.next(); rows; rows = await feed.next()) yield rows.map(toStored);
      }
    } finally {
      for (const feed of feeds) feed.stop();
    }
  }

  async function* sealDirectory(tenantId: string, sealNumber: number): AsyncGenerator<readonly StreamHead[], void, undefined> {
    let after = '';
    for (;;) {
      const { rows } = await sql<{ stream_id: string; revision: string; hash: string }>`
        SELECT DISTINCT ON (stream_id) stream_id, revision::text AS revision, encode(head_hash, 'hex') AS hash
          FROM seal_heads
         WHERE tenant_id = ${tenantId} AND seal_number <= ${sealNumber} AND stream_id > ${after}
         ORDER BY stream_id, seal_number DESC
         LIMIT ${PAGE}`.execute(db);
      if (rows.length === 0) return;
      yield rows.map((row) => ({ streamId: row.stream_id, revision: Number(row.revision), hash: row.hash }));
      after = (rows[rows.length - 1] as { stream_id: string }).stream_id;
      if (rows.length < PAGE) return;
    }
  }

  async function listStreams(tenantId: string, page: Readonly<{ after?: string | undefined; limit: number; category?: string | undefined }>): Promise<readonly StreamSummary[]> {
    const found: StreamSummary[] = [];
    for (const range of tenantStreamRanges(tenantId)) {
      if (page.category !== undefined && !range.from.startsWith(`${page.category}-`)) continue;
      if (page.after !== undefined && range.to !== null && page.after >= range.to) continue;
      if (page.after !== undefined && range.to === null && page.after >= range.from) continue;
      // One statement per range: a loose index scan from stream to stream (each step the next id
      // past the last one), each stream's last revision beside it, stopping at the page's end.
      const to = range.to ?? `${range.from}\u0001`;
      const after = page.after !== undefined && page.after >= range.from ? page.after : '';
      const { rows } = await sql<{ stream_id: string; revision: string; recorded_at: Date }>`
        WITH RECURSIVE walk(stream_id) AS (
          (SELECT stream_id FROM events WHERE stream_id >= ${range.from} AND stream_id < ${to} AND stream_id > ${after} ORDER BY stream_id LIMIT 1)
          UNION ALL
          SELECT (SELECT e.stream_id FROM events e WHERE e.stream_id > walk.stream_id AND e.stream_id < ${to} ORDER BY e.stream_id LIMIT 1)
            FROM walk WHERE walk.stream_id IS NOT NULL)
        SELECT walk.stream_id, last.stream_revision::text AS revision, last.recorded_at
          FROM walk
          CROSS JOIN LATERAL (SELECT e.stream_revision, e.recorded_at FROM events e WHERE e.stream_id = walk.stream_id ORDER BY e.stream_revision DESC LIMIT 1) last
         WHERE walk.stream_id IS NOT NULL
         LIMIT ${page.limit - found.length}`.execute(db);
      found.push(...rows.map((row) => ({ streamId: row.stream_id, lastRevision: Number(row.revision), lastRecordedAt: row.recorded_at })));
      if (found.length >= page.limit) break;
    }
    return found;
  }

  async function* tenants(): AsyncGenerator<string, void, undefined> {
    let after = 'tenant-';
    for (;;) {
      const { rows } = await sql<{ stream_id: string }>`
        SELECT stream_id FROM events WHERE stream_id > ${after} AND stream_id < 'tenant.' AND stream_revision = 0
         ORDER BY stream_id LIMIT 1`.execute(db);
      const row = rows[0];
      if (!row) return;
      yield row.stream_id.slice('tenant-'.length);
      after = row.stream_id;
    }
  }

  async function commitSeal(args: Parameters<SealArchive['commitSeal']>[0]): Promise<AppendResult> {
    const expected = args.expectedRevision === 'no_stream' ? -2 : args.expectedRevision;
    const statement = appendStatement(args.streamId, expected, args.tenantId, [args.event], [], undefined);
    return db.transaction().execute(async (trx: Kysely<Database>) => {
      // The seal event first (an append is the first write of its transaction), then its directory rows.
      const [row] = (await trx.executeQuery<{ outcome: string; revision: string | null; transaction_id: string | null; global_position: string | null }>(
        CompiledQuery.raw(statement.text, statement.values),
      )).rows;
      if (row?.outcome !== 'appended') {
        throw new WrongExpectedRevisionError(args.streamId, args.expectedRevision, row?.revision === null || row?.revision === undefined ? null : Number(row.revision));
      }
      for (let i = 0; i < args.heads.length; i += 5_000) {
        const chunk = args.heads.slice(i, i + 5_000);
        await sql`
          INSERT INTO seal_heads (tenant_id, stream_id, seal_number, revision, head_hash)
          SELECT ${args.tenantId}, h.stream_id, ${args.sealNumber}, h.revision, decode(h.hash, 'hex')
            FROM unnest(${chunk.map((h) => h.streamId)}::text[], ${chunk.map((h) => h.revision)}::bigint[], ${chunk.map((h) => h.hash)}::text[]) AS h(stream_id, revision, hash)`.execute(trx);
      }
      return { nextExpectedRevision: Number(row.revision), position: { commit: BigInt(row.transaction_id ?? 0), prepare: BigInt(row.global_position ?? 0) }, replayed: false };
    });
  }

  return { storedEvents, sealDirectory, listStreams, tenants, commitSeal };
}

function toStored(row: StoredRow): StoredEvent {
  return {
    streamId: row[0],
    revision: Number(row[1]),
    eventId: row[2],
    tenantId: row[3],
    type: row[4],
    schemaVersion: row[5],
    dataText: row[6],
    metadataText: row[7],
    occurredAt: row[8],
    recordedAt: row[9],
    position: { commit: BigInt(row[10]), prepare: BigInt(row[11]) },
    hash: row[12],
  };
}

type Slice = Readonly<{ from: string; to: string }>;

/**
 * A tenant's streams as slices of stream ids in byte order: each single-id range whole (up to the
 * id followed by U+0001, the next string in byte order: text holds no NUL), each prefix range cut
 * at `SLICE_POINTS`, so slices can be read at once and consumed in order.
 */
function slicesOf(tenantId: string): readonly Slice[] {
  return tenantStreamRanges(tenantId).flatMap((range): Slice[] => {
    if (range.to === null || range.prefix === null) return [{ from: range.from, to: `${range.from}\u0001` }];
    const cuts = [range.from, ...SLICE_POINTS.map((c) => `${range.prefix ?? ''}${c}`), range.to];
    return cuts.slice(0, -1).map((from, i) => ({ from, to: cuts[i + 1] ?? range.to ?? '' }));
  });
}

/** One slice read page after page, at most `AHEAD` pages ahead of its consumer. */
class SliceFeed {
  private static readonly AHEAD = 2;
  private readonly buffered: StoredRow[][] = [];
  private ended = false;
  private failed: Error | null = null;
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private afterStream = '';
  private afterRevision = -1;

  constructor(private readonly read: (afterStream: string, afterRevision: number) => Promise<StoredRow[]>, private readonly pageSize: number) {}

  start(): void {
    if (this.running || this.ended || this.stopped) return;
    this.running = true;
    void this.fill();
  }

  stop(): void {
    this.stopped = true;
  }

  private async fill(): Promise<void> {
    try {
      while (!this.stopped && !this.ended && this.buffered.length < SliceFeed.AHEAD) {
        const rows = await this.read(this.afterStream, this.afterRevision);
        const last = rows.at(-1);
        if (last) {
          this.afterStream = last[0];
          this.afterRevision = Number(last[1]);
          this.buffered.push(rows);
        }
        if (rows.length < this.pageSize) this.ended = true;
        this.notify();
      }
    } catch (error) {
      this.failed = error instanceof Error ? error : new Error(String(error));
      this.ended = true;
      this.notify();
    } finally {
      this.running = false;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The next page, or null when the slice is read whole. */
  async next(): Promise<StoredRow[] | null> {
    for (;;) {
      const rows = this.buffered.shift();
      if (rows) {
        this.start();
        return rows;
      }
      if (this.failed !== null) throw this.failed;
      if (this.ended) return null;
      this.start();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
