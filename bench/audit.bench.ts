/**
 * The audit export under load (issue 11), on a PostgreSQL server: a scratch database created on
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
 * Run: npm run bench:audit (BENCH_SMOKE=1 for a quick small run). Writes bench/results/audit.json
 * and audit.md.
 *
 * 1. One tenant's POS history of BENCH_EVENTS events (default 1,000,000; bench/lib/posLog.ts, the
 *    deciders' own events, 3 branches of 4 tills) written through the event store port.
 * 2. Export over HTTP: the app in this process, GET /v1/audit/export read by a client that counts
 *    lines as they arrive; RSS sampled every 50 ms, and taken when the 100,000th event arrived.
 * 3. Export to a file (`tillstream audit export`'s own code), timed the same way.
 * 4. The first seal over the whole history, and a second one after a few more events (timed).
 * 5. Verify (`tillstream audit verify`'s own code, and GET /v1/audit/verify) against that seal,
 *    RSS sampled the same way.
 * 6. Appends at 8 writers, single-event, on two more scratch databases: the schema and append
 *    statement of the version before the hash chain (migration 0010, data as JSON.stringify) and
 *    today's statement as the store builds it (canonical text, hashed in the function), both sent
 *    as they are; the runs alternate, the median counts.
 * BENCH_APPENDS_ONLY=1 runs step 6 alone. BENCH_KEEP_DB=1 keeps the scratch database (to EXPLAIN its queries). Targets: export and verify at
 * least 100,000 events/s with peak RSS within 50 MB of the RSS at 100,000 events; hashed appends at
 * least 90 % of the rate before.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { composeApi } from '../src/compose.js';
import { streams } from '../src/application/events/streams.js';
import type { EventStore } from '../src/application/ports/eventStore.js';
import { exportToFile } from '../src/infrastructure/audit/exportToFile.js';
import { loadConfig } from '../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { appendStatement } from '../src/infrastructure/eventstore/postgres/appendStatement.js';
import { connectPostgres } from '../src/infrastructure/postgres/connect.js';
import { migrateToLatest, migrateUpTo } from '../src/infrastructure/postgres/migrate.js';
import { readSeal, sealHistory } from '../src/application/audit/seals.js';
import { verifyTenant } from '../src/application/audit/verify.js';
import { createPostgresAuditLog } from '../src/infrastructure/audit/postgresAuditLog.js';
import { loadSealingKeys } from '../src/infrastructure/audit/sealingKeys.js';
import { randomIds } from '../src/infrastructure/system.js';
import { benchEvent } from './lib/payload.js';
import { createPostgresAccounts } from '../src/infrastructure/auth/postgresAccounts.js';
import { systemClock } from '../src/infrastructure/system.js';
import { datesEndingAt, PosLog, Random, tenantProfile } from './lib/posLog.js';
import { createScratchDatabase, scratchRunId } from './lib/scratchDb.js';

const env = process.env;
const SMOKE = env.BENCH_SMOKE === '1';
const EVENTS = Number(env.BENCH_EVENTS ?? (SMOKE ? 60_000 : 1_000_000));
const WRITERS = Number(env.BENCH_WRITERS ?? 8);
const SEED = Number(env.BENCH_SEED ?? 20261204);
const databaseUrl = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS = { eventsPerSecond: 100_000, rssGrowthMb: 50, appendRatio: 0.9 } as const;
const APPENDS = Number(env.BENCH_APPENDS ?? (SMOKE ? 800 : 6_000));
const MB = 1024 * 1024;

const started = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

type ExportRun = Readonly<{ name: string; events: number; bytes: number; seconds: number; eventsPerSecond: number; rssAt100kMb: number | null; peakRssMb: number; growthMb: number | null }>;

/** RSS every 50 ms while `work` runs; `mark()` notes the RSS of the moment (the 100,000th event). */
async function withRss<T>(work: (mark: () => void) => Promise<T>): Promise<{ result: T; peak: number; marked: number | null }> {
  let peak = process.memoryUsage.rss();
  let marked: number | null = null;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await work(() => {
      marked ??= process.memoryUsage.rss();
    });
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peak, marked };
  } finally {
    clearInterval(timer);
  }
}

function run(name: string, events: number, bytes: number, seconds: number, rss: { peak: number; marked: number | null }): ExportRun {
  const result = {
    name, events, bytes, seconds, eventsPerSecond: events / seconds,
    rssAt100kMb: rss.marked === null ? null : rss.marked / MB, peakRssMb: rss.peak / MB, growthMb: rss.marked === null ? null : (rss.peak - rss.marked) / MB,
  };
  log(`${name}: ${events} events (${(bytes / MB).toFixed(0)} MB) in ${seconds.toFixed(1)} s = ${Math.round(result.eventsPerSecond)} events/s; RSS at 100k ${result.rssAt100kMb?.toFixed(0) ?? '-'} MB, peak ${result.peakRssMb.toFixed(0)} MB`);
  return result;
}

async function writeHistory(eventStore: EventStore, tenantId: string): Promise<number> {
  const profile = { ...tenantProfile(0, 3, 4), tenantId };
  const pos = new PosLog((streamId, events, expected) => eventStore.appendToStream(streamId, events, { expectedRevision: expected }), [profile], new Random(SEED), WRITERS);
  const dates = datesEndingAt('2026-11-30', 2_000);
  await pos.setup(`${dates[0]!}T05:00:00.000Z` as never);
  for (const date of dates) {
    if (pos.counts.events >= EVENTS) break;
    await pos.day(date, { ordersPerTillDay: 80, openMinutes: 8 * 60, closeMinutes: 21 * 60 });
  }
  return pos.counts.events;
}

type AppendRate = Readonly<{ schema: 'before the chain (0010)' | 'hashed (latest)'; run: number; appends: number; seconds: number; perSecond: number }>;

/**
 * `APPENDS` single-event appends by 8 writers, each writing its own streams of 10 events: the
 * statement of the version before the chain (JSON.stringify'd data, migration 0010's function)
 * or today's event store (canonical text, hashed in the function).
 */
async function appendRun(schema: AppendRate['schema'], run: number, append: (streamId: string, revision: number) => Promise<void>): Promise<AppendRate> {
  let left = APPENDS;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async (_, writer) => {
    for (let j = 0; left > 0; j++) {
      left -= 1;
      await append(`order-bench/${schema.length}-${run}-${writer}-${Math.floor(j / 10)}`, j % 10);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { schema, run, appends: APPENDS, seconds, perSecond: APPENDS / seconds };
}

async function appendRates(): Promise<AppendRate[]> {
  const before = await createScratchDatabase(databaseUrl, `ts_bench_${scratchRunId()}_append0010`);
  const latest = await createScratchDatabase(databaseUrl, `ts_bench_${scratchRunId()}_appendlatest`);
  const rates: AppendRate[] = [];
  try {
    const old = await connectPostgres({ kind: 'server', connectionString: before.connectionString, maxConnections: WRITERS + 2 });
    await migrateUpTo(old.db, '2026_12_15_0010_auditor_role');
    const now = await connectPostgres({ kind: 'server', connectionString: latest.connectionString, maxConnections: WRITERS + 2 });
    await migrateToLatest(now.db);
    const store = createPostgresEventStore(now);
    // Each writer appends revision 0, 1, ... of its streams in turn: the expected revision is known.
    const writeOld = async (streamId: string, revision: number): Promise<void> => {
      const e = benchEvent('bench');
      await old.query({
        name: 'ts_append_event',
        text: 'SELECT outcome, revision::text, transaction_id::text, global_position::text FROM ts_append_event($1, $2, $3, $4::uuid, $5, $6::integer, $7::json, $8::json, $9::timestamptz)',
        values: [streamId, revision === 0 ? -2 : revision - 1, e.tenantId, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt.toISOString()],
      });
    };
    // Today's statement as the event store builds it (canonical text, the hashing functions); both
    // sides skip the store's own checks, which did not change, so the ratio is the chain's cost.
    const writeNew = async (streamId: string, revision: number): Promise<void> => {
      const e = benchEvent('bench');
      const statement = appendStatement(streamId, revision === 0 ? -2 : revision - 1, e.tenantId, [e], [], undefined);
      const [row] = await now.query<{ outcome: string }>(statement);
      if (row?.outcome !== 'appended') throw new Error(`append answered ${row?.outcome ?? 'nothing'}`);
    };
    // Warm both (connections, prepared statements), then alternate.
    await appendRun('before the chain (0010)', 0, writeOld);
    await appendRun('hashed (latest)', 0, writeNew);
    for (let run = 1; run <= 3; run++) {
      for (const rate of [await appendRun('before the chain (0010)', run, writeOld), await appendRun('hashed (latest)', run, writeNew)]) {
        rates.push(rate);
        log(`appends, ${rate.schema}, run ${run}: ${Math.round(rate.perSecond)}/s`);
      }
    }
    // The store reads back what the statement wrote: the chain is there.
    const [last] = await store.readStream('order-bench/15-3-0-0', { direction: 'backwards', maxCount: 1 });
    if (!last?.hash) throw new Error('the hashed appends wrote no hash');
    await store.close();
    await old.db.destroy();
  } finally {
    await before.drop();
    await latest.drop();
  }
  return rates;
}

/**
 * `tillstream audit verify --tenant` as an operator runs it, in its own process (its seconds include
 * starting the process); its RSS read from /proc every 50 ms.
 */
async function verifyByCli(connectionString: string, tenantId: string, events: number, round: number): Promise<ExportRun> {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', tsx, cli, 'audit', 'verify', '--tenant', tenantId], {
    env: { PATH: env.PATH ?? '', NODE_ENV: 'development', DATABASE_URL: connectionString, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const samples: { at: number; rss: number }[] = [];
  let rss = 0;
  let marked: number | null = null;
  // Its progress lines (every 2 s off a terminal): the RSS of the first one at or past 100,000 events is the mark.
  child.stderr.on('data', (chunk: Buffer) => {
    if (marked === null && Number(/: (\d+) events,/.exec(chunk.toString())?.[1] ?? 0) >= 100_000) marked = rss;
  });
  const timer = setInterval(() => {
    void readFile(`/proc/${child.pid ?? 0}/status`, 'utf8').then((status) => {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > 0) {
        rss = kb * 1024;
        samples.push({ at: performance.now() - t0, rss });
      }
    }, () => undefined);
  }, 50);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => { resolve(c ?? 1); }));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0 || !output.startsWith('OK')) throw new Error(`audit verify exited ${code}: ${output}`);
  const checked = Number(/: (\d+) events/.exec(output)?.[1] ?? events);
  const peak = Math.max(...samples.map((s) => s.rss));
  return run(`tillstream audit verify, its own process (round ${round})`, checked, 0, seconds, { peak, marked });
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(databaseUrl, `ts_bench_${scratchRunId()}_audit`);
  const runs: ExportRun[] = [];
  const verifies: ExportRun[] = [];
  const sealTimes: { name: string; seconds: number; eventCount: number; streamCount: number }[] = [];
  let written = 0;
  let writeSeconds = 0;
  const dir = await mkdtemp(join(os.tmpdir(), 'tillstream-audit-bench-'));
  try {
    const postgres = await connectPostgres({ kind: 'server', connectionString: scratch.connectionString });
    await migrateToLatest(postgres.db);
    const eventStore = createPostgresEventStore(postgres);
    const tenantId = randomUUID();
    log(`writing ${EVENTS} events of one tenant`);
    const w0 = performance.now();
    written = await writeHistory(eventStore, tenantId);
    writeSeconds = (performance.now() - w0) / 1000;
    log(`wrote ${written} events in ${writeSeconds.toFixed(0)} s`);

    // An auditor of the tenant, and the API in this process.
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_TENANT: '0' });
    const { app, projections } = await composeApi({ config, logger: pino({ level: 'silent' }), postgres, eventStore });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const email = `auditor-${randomUUID()}@bench.example`;
    const auditorId = randomUUID();
    await createPostgresAccounts(postgres.db, systemClock).create({
      userId: auditorId as never, tenantId: tenantId as never, employeeId: auditorId as never, email, role: 'auditor', branchIds: [], deviceIds: [],
      password: 'correct horse battery staple', pin: null,
    });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery staple', tenantId }) });
    if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };

    for (let round = 1; round <= 2; round++) {
      const t0 = performance.now();
      let lines = 0;
      let bytes = 0;
      const rss = await withRss(async (mark) => {
        const answer = await fetch(`${base}/v1/audit/export`, { headers: { authorization: `Bearer ${accessToken}` } });
        if (!answer.ok || !answer.body) throw new Error(`export answered ${answer.status}`);
        for await (const chunk of answer.body as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
          if (lines >= 100_000) mark();
        }
      });
      runs.push(run(`HTTP GET /v1/audit/export (round ${round})`, lines - 1, bytes, (performance.now() - t0) / 1000, rss));
    }
    {
      const t0 = performance.now();
      const file = join(dir, 'export.ndjson');
      let count = 0;
      const rss = await withRss(async (mark) => {
        // Its progress lines come every 2 s; the RSS of the first one at or past 100,000 events is the mark.
        const out = { isTTY: false, write: (text: string): void => { if (Number(/: (\d+) events,/.exec(text)?.[1] ?? 0) >= 100_000) mark(); } };
        count = (await exportToFile(eventStore, tenantId, {}, file, out)).count;
      });
      const { size } = await stat(file);
      runs.push(run('tillstream audit export (to a file)', count, size, (performance.now() - t0) / 1000, rss));
    }
    if ((await eventStore.readStream(streams.tenant(tenantId), { maxCount: 1 })).length === 0) throw new Error('the tenant stream is missing');

    // Seals: the first over the whole history, then one over a few more events.
    const auditLog = createPostgresAuditLog(postgres);
    const keys = loadSealingKeys({ seed: null, trusted: [] });
    const sealDeps = { eventStore, auditLog, archive: auditLog, signer: keys.signer, clock: systemClock, ids: randomIds };
    const actor = { userId: 'bench', role: 'tenant_admin', correlationId: randomUUID() };
    for (const name of ['first seal (whole history)', 'next seal (100 more events)']) {
      if (name.startsWith('next')) for (let i = 0; i < 100; i++) await eventStore.appendToStream(streams.order(tenantId, `extra-${i}`), [benchEvent(tenantId)], { expectedRevision: 'no_stream' });
      const t0 = performance.now();
      const seal = await sealHistory(sealDeps, tenantId, { kind: 'on_demand', userId: 'bench' }, actor);
      sealTimes.push({ name, seconds: (performance.now() - t0) / 1000, eventCount: seal.eventCount, streamCount: seal.streamCount });
      log(`${name}: ${seal.eventCount} events, ${seal.streamCount} streams in ${sealTimes.at(-1)?.seconds.toFixed(2)} s`);
    }
    const seal = await readSeal(eventStore, tenantId);
    {
      // In this process too (its heap already holds the whole run's garbage): the verify function alone.
      const t0 = performance.now();
      let checked = 0;
      const rss = await withRss(async (mark) => {
        const report = await verifyTenant(auditLog, tenantId, { seal, verifier: keys.verifier, onProgress: (n) => { checked = n; if (n >= 100_000) mark(); } });
        if (!report.ok) throw new Error(`the benchmark history does not verify: ${JSON.stringify(report.problem)}`);
      });
      verifies.push(run('verifyTenant in the bench process', checked, 0, (performance.now() - t0) / 1000, rss));
    }
    for (let round = 1; round <= 2; round++) verifies.push(await verifyByCli(scratch.connectionString, tenantId, written + 102, round));
    {
      const t0 = performance.now();
      const rss = await withRss(async () => {
        const answer = await fetch(`${base}/v1/audit/verify`, { headers: { authorization: `Bearer ${accessToken}` } });
        const report = (await answer.json()) as { ok: boolean; eventsChecked: number };
        if (!report.ok) throw new Error(`GET /v1/audit/verify: ${JSON.stringify(report)}`);
      });
      verifies.push(run('HTTP GET /v1/audit/verify', written + 102, 0, (performance.now() - t0) / 1000, rss));
    }
    await app.close();
    await projections.stop();
    await eventStore.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (env.BENCH_KEEP_DB === '1') log(`kept the database ${scratch.name} (BENCH_KEEP_DB=1): drop it by hand`);
    else await scratch.drop();
  }

  log('appends at 8 writers, before the chain and hashed');
  const appends = await appendRates();
  const beforeRate = median(appends.filter((a) => a.schema.startsWith('before')).map((a) => a.perSecond));
  const hashedRate = median(appends.filter((a) => a.schema.startsWith('hashed')).map((a) => a.perSecond));
  const verdict = (ok: boolean): string => (ok ? 'met' : '**NOT met**');
  const bestVerify = verifies.filter((r) => r.name.startsWith('tillstream')).reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a), verifies[0]!);
  const http = runs.filter((r) => r.name.startsWith('HTTP'));
  const best = http.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a), http[0]!);
  const results = { meta: { startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(), took: Math.round((performance.now() - started) / 1000), events: EVENTS, smoke: SMOKE, node: process.version, cpus: os.cpus().length, server: scratch.server.version }, written, writeSeconds, runs, seals: sealTimes, verifies, appends, appendMedians: { before: beforeRate, hashed: hashedRate, ratio: hashedRate / beforeRate }, targets: TARGETS };
  const md = [
    '# Audit benchmark',
    '',
    `Run ${results.meta.startedAt} (took ${results.meta.took} s) with \`${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:audit\`. Node ${process.version}, ${os.cpus().length} CPUs; ${scratch.server.version}; client and server on the same machine.`,
    '',
    `History: one tenant, ${written.toLocaleString('en')} events (3 branches, 12 tills), written through the event store port in ${writeSeconds.toFixed(0)} s.`,
    '',
    '| Export | Events | MB | Seconds | Events/s | RSS at 100k events, MB | Peak RSS, MB | Growth, MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.name} | ${r.events.toLocaleString('en')} | ${(r.bytes / MB).toFixed(0)} | ${r.seconds.toFixed(1)} | ${Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.rssAt100kMb?.toFixed(0) ?? '-'} | ${r.peakRssMb.toFixed(0)} | ${r.growthMb?.toFixed(0) ?? '-'} |`),
    '',
    `Targets: export at least ${TARGETS.eventsPerSecond.toLocaleString('en')} events/s: ${verdict(best.eventsPerSecond >= TARGETS.eventsPerSecond)} (best HTTP round ${Math.round(best.eventsPerSecond).toLocaleString('en')}); peak RSS within ${TARGETS.rssGrowthMb} MB of the RSS at 100,000 events: ${verdict(http.every((r) => r.growthMb !== null && r.growthMb <= TARGETS.rssGrowthMb))}.`,
    'RSS is this process\'s: the API and the reading client together.',
    '',
    '| Seal | Events | Streams | Seconds |',
    '| --- | --- | --- | --- |',
    ...sealTimes.map((t) => `| ${t.name} | ${t.eventCount.toLocaleString('en')} | ${t.streamCount.toLocaleString('en')} | ${t.seconds.toFixed(2)} |`),
    '',
    '| Verify (against the latest seal) | Events | Seconds | Events/s | RSS at 100k events, MB | Peak RSS, MB | Growth, MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...verifies.map((r) => `| ${r.name} | ${r.events.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.rssAt100kMb?.toFixed(0) ?? '-'} | ${r.peakRssMb.toFixed(0)} | ${r.growthMb?.toFixed(0) ?? '-'} |`),
    '',
    `Targets: verify at least ${TARGETS.eventsPerSecond.toLocaleString('en')} events/s: ${verdict(bestVerify.eventsPerSecond >= TARGETS.eventsPerSecond)} (best ${Math.round(bestVerify.eventsPerSecond).toLocaleString('en')}); peak RSS of the CLI's process within ${TARGETS.rssGrowthMb} MB of its RSS at 100,000 events: ${verdict(verifies.filter((r) => r.name.startsWith('tillstream')).every((r) => r.growthMb !== null && r.growthMb <= TARGETS.rssGrowthMb))}.`,
    '',
    `| Appends, 8 writers, 1 event each (${APPENDS.toLocaleString('en')} per run) | Run | Appends/s |`,
    '| --- | --- | --- |',
    ...appends.map((a) => `| ${a.schema} | ${a.run} | ${Math.round(a.perSecond).toLocaleString('en')} |`),
    '',
    `Median: ${Math.round(beforeRate).toLocaleString('en')}/s before, ${Math.round(hashedRate).toLocaleString('en')}/s hashed = ${((hashedRate / beforeRate) * 100).toFixed(0)} %. Target at least ${TARGETS.appendRatio * 100} %: ${verdict(hashedRate >= TARGETS.appendRatio * beforeRate)}.`,
    '',
  ].join('\n');
  const outDir = SMOKE ? os.tmpdir() : fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'audit.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(outDir, 'audit.md'), md);
  log(`wrote ${join(outDir, 'audit.json')} and audit.md`);
}

if (env.BENCH_APPENDS_ONLY === '1') {
  // The append comparison alone (tuning the append functions), printed, no results file.
  const appends = await appendRates();
  const rate = (prefix: string): number => median(appends.filter((a) => a.schema.startsWith(prefix)).map((a) => a.perSecond));
  log(`median: ${Math.round(rate('before'))}/s before, ${Math.round(rate('hashed'))}/s hashed = ${((rate('hashed') / rate('before')) * 100).toFixed(0)} %`);
} else {
  await main();
}
