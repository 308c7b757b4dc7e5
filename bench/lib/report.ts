import type { BenchConfig } from './config.js';
import type { AppendStoreResult } from './appendStats.js';
import type {
  AppendMode,
  CatchUpVariant,
  CorrectnessResult,
  Delivery,
  ReadAllResult,
  SeedResult,
} from './protocol.js';
import type { ServerInfo } from './scratchDb.js';
import { formatMs, formatRate, formatRatio, ratio, round } from './stats.js';

export type Pair<T> = Readonly<{ ours: T; emmett: T }>;

export type AppendRow = Readonly<{
  mode: AppendMode;
  writers: number;
  eventsPerAppend: number;
  ours: AppendStoreResult;
  emmett: AppendStoreResult;
}>;

export type CorrectnessRow = Readonly<{ eventsPerAppend: number } & Pair<CorrectnessResult>>;

export type BenchResults = Readonly<{
  startedAt: Date;
  finishedAt: Date;
  config: BenchConfig;
  server: ServerInfo;
  /** Scratch databases of the run: correctness and appends, then reads. */
  databaseNames: readonly string[];
  host: Readonly<{ node: string; platform: string; cpus: number; cpuModel: string; totalMemoryGiB: number }>;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews the numbers. */
  loadAverage: Readonly<{ start: number; end: number }>;
  notes: Pair<readonly string[]>;
  /** Bytes of JSON data + metadata of one benchmark event. */
  payloadBytes: number;
  appends: readonly AppendRow[];
  seed: Pair<SeedResult>;
  readAll: Pair<ReadAllResult>;
  catchUp: Pair<readonly CatchUpVariant[]>;
  correctness: readonly CorrectnessRow[];
}>;

export type TargetCheck = Readonly<{ target: string; required: string; actual: string; met: boolean }>;

export const COMMAND = 'npm run bench:store';

const MODE_LABEL: Record<AppendMode, string> = { new_stream: 'new stream', existing_stream: 'existing stream' };

function appendRatio(row: AppendRow): number | null {
  return ratio(row.ours.appendsPerSecond, row.emmett.appendsPerSecond);
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of results.appends) {
    if (row.writers !== 8 || row.eventsPerAppend !== 1) continue;
    const r = appendRatio(row);
    checks.push({
      target: `Appends/s, 8 writers, single-event appends, ${MODE_LABEL[row.mode]}`,
      required: 'ours ≥ 2× Emmett',
      actual: `${formatRatio(r)} (${formatRate(row.ours.appendsPerSecond)} vs ${formatRate(row.emmett.appendsPerSecond)}/s)`,
      met: r !== null && r >= 2,
    });
  }
  const readRatio = ratio(results.readAll.ours.eventsPerSecond, results.readAll.emmett.eventsPerSecond);
  checks.push({
    target: `Read-all events/s, batches of ${results.config.readBatchSize}`,
    required: 'ours ≥ 3× Emmett readMessagesBatch',
    actual: `${formatRatio(readRatio)} (${formatRate(results.readAll.ours.eventsPerSecond)} vs ${formatRate(results.readAll.emmett.eventsPerSecond)}/s)`,
    met: readRatio !== null && readRatio >= 3,
  });
  for (const row of results.correctness) {
    checks.push({
      target: `Out-of-order commits, ${row.eventsPerAppend}-event appends: our missed / doubled`,
      required: '0 / 0',
      actual: `${row.ours.missed} / ${row.ours.doubled}`,
      met: row.ours.missed === 0 && row.ours.doubled === 0 && row.ours.unexpected === 0,
    });
  }
  return checks;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const latencies = (r: AppendStoreResult): string =>
  `${formatMs(r.latency.p50Ms)} / ${formatMs(r.latency.p95Ms)} / ${formatMs(r.latency.p99Ms)}`;

export function appendTable(rows: readonly AppendRow[]): string {
  return table(
    [
      'Stream',
      'Writers',
      'Events/append',
      'Ours appends/s',
      'Emmett appends/s',
      'Rate ours/Emmett',
      'Ours p50 / p95 / p99 ms',
      'Emmett p50 / p95 / p99 ms',
      'p99 ours/Emmett',
      'Errors (ours / Emmett)',
    ],
    rows.map((row) => [
      MODE_LABEL[row.mode],
      String(row.writers),
      String(row.eventsPerAppend),
      formatRate(row.ours.appendsPerSecond),
      formatRate(row.emmett.appendsPerSecond),
      formatRatio(appendRatio(row)),
      latencies(row.ours),
      latencies(row.emmett),
      formatRatio(ratio(row.ours.latency.p99Ms, row.emmett.latency.p99Ms)),
      `${row.ours.errors} / ${row.emmett.errors}`,
    ]),
  );
}

const deliveryCells = (d: Delivery): string[] => [
  formatRate(d.events),
  formatRate(d.distinct),
  formatRate(d.expected),
  formatRate(d.expected - d.distinct),
  formatRate(d.events - d.distinct),
];
const DELIVERY_HEADER = ['Events returned', 'Distinct', 'In table', 'Never returned', 'Repeats'];

export function readTable(results: BenchResults): string {
  const { ours, emmett } = results.readAll;
  const r = ratio(ours.eventsPerSecond, emmett.eventsPerSecond);
  const b = results.config.readBatchSize;
  return table(
    ['Store', 'API', ...DELIVERY_HEADER, 'Batches', 'Seconds', 'Events/s', 'Rate ours/Emmett'],
    [
      ['ours', `readAll({ after, maxCount: ${b} })`, ...deliveryCells(ours), String(ours.batches), ours.seconds.toFixed(2), formatRate(ours.eventsPerSecond), formatRatio(r)],
      ['Emmett', `readMessagesBatch({ after, batchSize: ${b} })`, ...deliveryCells(emmett), String(emmett.batches), emmett.seconds.toFixed(2), formatRate(emmett.eventsPerSecond), ''],
    ],
  );
}

export function catchUpTable(results: BenchResults): string {
  const ours = results.catchUp.ours[0];
  const rows: string[][] = [];
  const add = (store: string, v: CatchUpVariant): void => {
    rows.push([
      store,
      v.name,
      ...deliveryCells(v),
      v.seconds.toFixed(2),
      formatRate(v.eventsPerSecond),
      v.stoppedByBudget ? '**yes**' : 'no',
      store === 'Emmett' && ours ? formatRatio(ratio(ours.eventsPerSecond, v.eventsPerSecond)) : '',
    ]);
  };
  for (const v of results.catchUp.ours) add('ours', v);
  for (const v of results.catchUp.emmett) add('Emmett', v);
  return table(['Store', 'Method', ...DELIVERY_HEADER, 'Seconds', 'Events/s', 'Stopped by time budget', 'Rate ours subscribeToAll / this'], rows);
}

export function correctnessTable(results: BenchResults): string {
  const rows: string[][] = [];
  for (const row of results.correctness) {
    for (const [store, r] of [['ours', row.ours], ['Emmett', row.emmett]] as const) {
      rows.push([
        store,
        String(row.eventsPerAppend),
        formatRate(r.written),
        formatRate(r.read),
        String(r.missed),
        String(r.doubled),
        String(r.unexpected),
        String(r.sequenceInversions),
        String(r.pages),
      ]);
    }
  }
  return table(
    ['Store', 'Events/append', 'Written', 'Read', 'Missed', 'Doubled', 'Unknown', 'Sequence inversions seen', 'Reader pages'],
    rows,
  );
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['Target', 'Required', 'Actual', 'Met'],
    checks.map((c) => [c.target, c.required, c.actual, c.met ? 'yes' : '**no**']),
  );
}

export function seedLine(results: BenchResults): string {
  const { ours, emmett } = results.seed;
  return (
    `Seeding (${results.config.seedWriters} writers × ${results.config.seedEventsPerAppend}-event appends to new streams): ` +
    `ours ${formatRate(ours.eventsPerSecond)} events/s (${ours.seconds.toFixed(1)} s), ` +
    `Emmett ${formatRate(emmett.eventsPerSecond)} events/s (${emmett.seconds.toFixed(1)} s), ` +
    `ratio ${formatRatio(ratio(ours.eventsPerSecond, emmett.eventsPerSecond))}. ` +
    `Events in each store's table: ours ${formatRate(ours.totalEvents)}, Emmett ${formatRate(emmett.totalEvents)}.`
  );
}

/** Facts the tables show that are easy to miss; computed, so they always match the numbers. */
export function observations(results: BenchResults): string[] {
  const lines: string[] = [];
  const gaps = (d: Delivery): string => `${formatRate(d.expected - d.distinct)} never returned, ${formatRate(d.events - d.distinct)} returned twice or more`;
  const ok = (d: Delivery): boolean => d.distinct === d.expected && d.events === d.expected;
  const { ours, emmett } = results.readAll;
  lines.push(
    ok(ours)
      ? `Our readAll returned each of the ${formatRate(ours.expected)} events exactly once.`
      : `Our readAll did NOT return each event exactly once: ${gaps(ours)}.`,
  );
  if (!ok(emmett)) {
    lines.push(
      `Emmett's readMessagesBatch, paging on a table no one was writing to, returned ${formatRate(emmett.events)} events for ${formatRate(emmett.expected)} stored: ${gaps(emmett)}. ` +
        'It orders a page by (transaction_id, global_position) but starts the next page at the last global_position + 1; concurrent multi-event appends interleave their global positions, so a page boundary skips or repeats events.',
    );
  }
  lines.push(
    "Emmett's emt_messages has no index matching its read order (only the primary key on stream_id, stream_position, partition, is_archived), " +
      'so every readMessagesBatch page scans the table and sorts it (seq scan + top-N heapsort): its per-page cost grows with the table, ours stays an index range scan.',
  );
  for (const v of results.catchUp.emmett) {
    const parts = [`delivered ${formatRate(v.distinct)} of ${formatRate(v.expected)} events`];
    if (v.events !== v.distinct) parts.push(`${formatRate(v.events - v.distinct)} repeats`);
    if (v.stoppedByBudget) parts.push(`stopped by the ${results.config.catchUpBudgetSeconds} s budget`);
    lines.push(`Emmett ${v.name}: ${parts.join(', ')}.`);
  }
  const reactor = results.catchUp.emmett.find((v) => v.name === 'consumer+reactor');
  if (reactor) {
    lines.push(
      "Emmett's reactor stores a checkpoint (one SQL statement) after every message and skips any message whose global_position is not above its checkpoint, " +
        'which within a page ordered by transaction id drops events whose global position is lower than one already handled.',
    );
  }
  for (const row of results.correctness) {
    const e = row.emmett;
    lines.push(
      `Out-of-order commits, ${row.eventsPerAppend}-event appends: ours missed ${row.ours.missed} and repeated ${row.ours.doubled} of ${formatRate(row.ours.written)} ` +
        `(reader saw ${row.ours.sequenceInversions} sequence inversions); Emmett missed ${e.missed} and repeated ${e.doubled} of ${formatRate(e.written)} (${e.sequenceInversions} inversions).`,
    );
  }
  return lines;
}

export function toMarkdown(results: BenchResults, checks: readonly TargetCheck[]): string {
  const c = results.config;
  const dbList = results.databaseNames.map((name) => '`' + name + '`').join(', ');
  const s = results.server.settings;
  return `# Event store benchmark: ours vs Emmett (PostgreSQL)

Run ${results.startedAt.toISOString()} (took ${((results.finishedAt.getTime() - results.startedAt.getTime()) / 1000).toFixed(0)} s) with \`${COMMAND}\`.
Node ${results.host.node} on ${results.host.platform}, ${results.host.cpus} CPUs (${results.host.cpuModel}), ${results.host.totalMemoryGiB} GiB RAM; 1-minute load average ${results.loadAverage.start.toFixed(2)} at the start, ${results.loadAverage.end.toFixed(2)} at the end.
${results.server.version.split(',')[0] ?? results.server.version} (max_connections ${s.max_connections}, shared_buffers ${s.shared_buffers}, fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}); client and server on the same machine.
Emmett: @event-driven-io/emmett-postgresql 0.42.0.

## Targets

${targetsTable(checks)}

## Appends

Each case runs ${c.repeats} time${c.repeats === 1 ? "" : "s"} per store (the stores alternate), each run ${c.appends.toLocaleString('en-US')} timed appends after ${c.warmupAppends} untimed warm-up appends; rates are the median run, latency percentiles are over all timed appends of the case. Connection pool: **${c.poolSize} connections for both stores in every case** (≥ the largest writer count, ${Math.max(...c.writerCounts)}).

${appendTable(results.appends)}

## Read all

${readTable(results)}

${seedLine(results)}

## Subscription / consumer catch-up

${catchUpTable(results)}

## Correctness under out-of-order commits

${c.correctnessWriters} writers × ${c.correctnessAppendsPerWriter} appends each, every append in an explicit transaction that sleeps a random 0–${c.correctnessMaxDelayMs} ms between its insert and its commit; one reader pages the global log (pages of ${c.correctnessReadBatch}) in a tight loop meanwhile, then drains it.

${correctnessTable(results)}

## Observations

${observations(results).map((line) => `- ${line}`).join('\n')}

## How measured

Both stores run on the same server in the same freshly created scratch databases (${dbList}, dropped afterwards): the first for the correctness and append cases, the second holding only the seeded events for the read cases; each store runs in its own Node process forked by the orchestrator (dumbo, which Emmett uses, replaces pg's global int8/jsonb type parsers, so sharing a process would slow our reads too); the processes take turns, never running at the same time. Each append case runs both stores back to back, repeatedly, alternating which goes first. A writer is an async loop that awaits each append before starting the next; the writers share the case's fixed count of appends. Events are built before the clock starts: a realistic till event (${results.payloadBytes} bytes of JSON data and metadata: actor, correlation and causation ids, idempotency key, trace context); Emmett stores the same data and metadata, plus the envelope fields ours keeps in columns (tenant, occurredAt, schemaVersion) in its metadata, and our eventId as its messageId. "Existing stream" cases append to each writer's own stream, created with one event before the clock starts, with the exact expected revision (Emmett: exact expected stream version); "new stream" cases append to a fresh stream with no-stream expected (Emmett: expected version 0n, which its emt_streams primary key enforces). Latency is measured around each \`appendToStream\` call, so it includes waiting for a pooled connection. Rates are appends completed ÷ wall time of the case. Read-all pages from the start to the end with the stores' batch read (ours \`readAll\`, Emmett \`readMessagesBatch\`, the function its consumers pull with), after seeding ${c.seedEvents.toLocaleString('en-US')} events into each store's empty tables and a \`VACUUM ANALYZE\`. Catch-up reads the same events with ours \`subscribeToAll\` and with Emmett's message batch puller and its consumer with a no-op reactor. In the correctness case the reader also counts "sequence inversions" — a global_position smaller than one already read — which shows that commits did land out of order during the run.

Store-specific notes:

${[...results.notes.ours.map((n) => `- ours: ${n}`), ...results.notes.emmett.map((n) => `- Emmett: ${n}`)].join('\n')}

Reproduce: \`${COMMAND}\` (env: \`BENCH_DATABASE_URL\`, default \`postgres://postgres@127.0.0.1:5432/postgres\`; \`BENCH_APPENDS\`, default 2000; \`BENCH_REPEATS\`, default 3; \`BENCH_SEED_EVENTS\`, default 200000; \`BENCH_CORRECTNESS_APPENDS\`, default 250; \`BENCH_CATCH_UP_BUDGET_S\`, default 60; \`BENCH_KEEP_DATABASE=1\` keeps the scratch databases).
`;
}

/** Numbers as numbers, ratios ours/Emmett alongside; bigint-free so JSON.stringify works. */
export function toJson(results: BenchResults, checks: readonly TargetCheck[]): unknown {
  const latency = (r: AppendStoreResult): Record<string, number> => ({
    p50: round(r.latency.p50Ms, 3),
    p95: round(r.latency.p95Ms, 3),
    p99: round(r.latency.p99Ms, 3),
    mean: round(r.latency.meanMs, 3),
    max: round(r.latency.maxMs, 3),
  });
  const appendStore = (r: AppendStoreResult): Record<string, unknown> => ({
    appendsPerSecond: round(r.appendsPerSecond, 1),
    eventsPerSecond: round(r.eventsPerSecond, 1),
    runs: r.runs.map((run) => ({ appendsPerSecond: round(run.appendsPerSecond, 1), seconds: round(run.seconds, 3) })),
    timedAppends: r.latency.count,
    errors: r.errors,
    latencyMs: latency(r),
  });
  const maybeRound = (value: number | null): number | null => (value === null ? null : round(value, 3));
  const oursCatchUp = results.catchUp.ours[0];
  return {
    date: results.startedAt.toISOString(),
    durationSeconds: round((results.finishedAt.getTime() - results.startedAt.getTime()) / 1000, 1),
    command: COMMAND,
    node: results.host.node,
    platform: results.host.platform,
    cpuCount: results.host.cpus,
    cpuModel: results.host.cpuModel,
    totalMemoryGiB: results.host.totalMemoryGiB,
    loadAverage1m: results.loadAverage,
    postgres: { version: results.server.version, versionNum: results.server.versionNum, settings: results.server.settings },
    emmettVersion: '@event-driven-io/emmett-postgresql 0.42.0',
    config: results.config,
    payloadBytes: results.payloadBytes,
    poolSize: { ours: results.config.poolSize, emmett: results.config.poolSize },
    notes: results.notes,
    appends: results.appends.map((row) => ({
      mode: row.mode,
      writers: row.writers,
      eventsPerAppend: row.eventsPerAppend,
      ours: appendStore(row.ours),
      emmett: appendStore(row.emmett),
      ratio: {
        appendsPerSecond: maybeRound(appendRatio(row)),
        p50: maybeRound(ratio(row.ours.latency.p50Ms, row.emmett.latency.p50Ms)),
        p95: maybeRound(ratio(row.ours.latency.p95Ms, row.emmett.latency.p95Ms)),
        p99: maybeRound(ratio(row.ours.latency.p99Ms, row.emmett.latency.p99Ms)),
      },
    })),
    seed: {
      ours: { ...results.seed.ours, eventsPerSecond: round(results.seed.ours.eventsPerSecond, 1) },
      emmett: { ...results.seed.emmett, eventsPerSecond: round(results.seed.emmett.eventsPerSecond, 1) },
      ratio: maybeRound(ratio(results.seed.ours.eventsPerSecond, results.seed.emmett.eventsPerSecond)),
    },
    readAll: {
      batchSize: results.config.readBatchSize,
      ours: { ...results.readAll.ours, eventsPerSecond: round(results.readAll.ours.eventsPerSecond, 1) },
      emmett: { ...results.readAll.emmett, eventsPerSecond: round(results.readAll.emmett.eventsPerSecond, 1) },
      ratio: maybeRound(ratio(results.readAll.ours.eventsPerSecond, results.readAll.emmett.eventsPerSecond)),
    },
    catchUp: {
      batchSize: results.config.readBatchSize,
      ours: results.catchUp.ours.map((v) => ({ ...v, eventsPerSecond: round(v.eventsPerSecond, 1) })),
      emmett: results.catchUp.emmett.map((v) => ({
        ...v,
        eventsPerSecond: round(v.eventsPerSecond, 1),
        ratioOursToThis: oursCatchUp ? maybeRound(ratio(oursCatchUp.eventsPerSecond, v.eventsPerSecond)) : null,
      })),
    },
    correctness: results.correctness.map((row) => ({
      writers: results.config.correctnessWriters,
      appendsPerWriter: results.config.correctnessAppendsPerWriter,
      eventsPerAppend: row.eventsPerAppend,
      maxDelayMs: results.config.correctnessMaxDelayMs,
      readBatch: results.config.correctnessReadBatch,
      ours: row.ours,
      emmett: row.emmett,
    })),
    targets: checks,
    allTargetsMet: checks.every((c) => c.met),
  };
}
