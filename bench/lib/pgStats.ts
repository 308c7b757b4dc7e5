import pg from 'pg';
import { comparePositions, parsePosition, type GlobalPosition } from '../../src/application/ports/eventStore.js';
import { streams } from '../../src/application/events/streams.js';
import type { Sale } from './loadProtocol.js';

/** Names the bench's own sessions carry, so their work is not counted as the API's. */
export const BENCH_APPLICATION_NAMES = ['ts-bench-lag-probe', 'ts-bench-http-stats', 'ts-bench-admin'];

/**
 * Server-side figures of one scratch database, read from the admin database of the server so
 * that reading them adds no transaction to the database measured.
 */
export class DatabaseStats {
  private readonly client: pg.Client;

  constructor(adminUrl: string, private readonly database: string) {
    this.client = new pg.Client({ connectionString: adminUrl, application_name: 'ts-bench-http-stats' });
  }

  async open(): Promise<void> {
    await this.client.connect();
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  /** Transactions committed and rolled back in the database so far (pg_stat_database). */
  async transactions(): Promise<Readonly<{ commits: number; rollbacks: number }>> {
    // Each statement is its own snapshot: stats_fetch_consistency would otherwise cache them.
    const { rows } = await this.client.query<{ commits: string; rollbacks: string }>(
      'SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks FROM pg_stat_database WHERE datname = $1',
      [this.database],
    );
    return { commits: Number(rows[0]?.commits ?? 0), rollbacks: Number(rows[0]?.rollbacks ?? 0) };
  }

  /** Pids of the server processes serving the API's sessions on the database (not the bench's). */
  async backendPids(): Promise<number[]> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND NOT (application_name = ANY($2))',
      [this.database, BENCH_APPLICATION_NAMES],
    );
    return rows.map((r) => r.pid);
  }
}

/** Waits until every live read model's checkpoint is at or past `position`; false after `budgetMs`. */
export async function caughtUpTo(connectionString: string, position: GlobalPosition | undefined, budgetMs: number): Promise<boolean> {
  if (!position) return true;
  const client = new pg.Client({ connectionString, application_name: 'ts-bench-admin' });
  await client.connect();
  try {
    const until = performance.now() + budgetMs;
    while (performance.now() < until) {
      const { rows } = await client.query<{ position: string | null }>("SELECT position FROM projection_checkpoints WHERE state = 'live' AND schema_name IS NOT NULL");
      if (rows.every((r) => r.position !== null && comparePositions(parsePosition(r.position) ?? { commit: 0n, prepare: 0n }, position) >= 0)) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  } finally {
    await client.end();
  }
}

export type LogCheck = Readonly<{
  /** Order streams of the tenant in the log, and sales the tills opened with an acknowledgement. */
  orderStreams: number;
  acknowledgedOpens: number;
  /** Events on those streams, and commands acknowledged on them. */
  orderEvents: number;
  acknowledgedCommands: number;
  /** Orders whose events in the log are not exactly their acknowledged commands (a double or lost effect). */
  mismatched: number;
  samples: readonly string[];
}>;

/**
 * No double effect: every order stream of the tenant holds exactly the events of its acknowledged
 * commands (revisions 0..n-1 are unique per stream by the store's constraint, so a count is enough),
 * and no stream exists that no till acknowledged.
 */
export async function checkLog(connectionString: string, tenantId: string, sales: readonly Sale[]): Promise<LogCheck> {
  const client = new pg.Client({ connectionString, application_name: 'ts-bench-admin' });
  await client.connect();
  try {
    const { rows } = await client.query<{ stream_id: string; events: number; last: string }>(
      "SELECT stream_id, count(*)::int AS events, max(stream_revision)::text AS last FROM events WHERE tenant_id = $1 AND stream_id LIKE 'order-%' GROUP BY stream_id",
      [tenantId],
    );
    const inLog = new Map(rows.map((r) => [r.stream_id, r]));
    let mismatched = 0;
    const samples: string[] = [];
    const expected = new Set<string>();
    for (const sale of sales) {
      if (sale.revisions.length === 0) continue;
      const streamId = streams.order(tenantId, sale.orderId);
      expected.add(streamId);
      const row = inLog.get(streamId);
      const acked = sale.revisions.length;
      const consecutive = sale.revisions.every((r, i) => r === i);
      if (row?.events !== acked || !consecutive) {
        mismatched += 1;
        if (samples.length < 5) samples.push(`${streamId}: ${row?.events ?? 0} events in the log, ${acked} commands acknowledged (revisions ${sale.revisions.join(',')})`);
      }
    }
    for (const streamId of inLog.keys()) {
      if (expected.has(streamId)) continue;
      mismatched += 1;
      if (samples.length < 5) samples.push(`${streamId}: in the log, never acknowledged`);
    }
    return {
      orderStreams: rows.length,
      acknowledgedOpens: expected.size,
      orderEvents: rows.reduce((sum, r) => sum + r.events, 0),
      acknowledgedCommands: sales.reduce((sum, s) => sum + s.revisions.length, 0),
      mismatched,
      samples,
    };
  } finally {
    await client.end();
  }
}
