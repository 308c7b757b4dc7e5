/**
 * Our PostgreSQL event store vs Emmett's, on the same PostgreSQL server.
 * Run: npm run bench:store. Writes bench/results/store.json and store.md.
 *
 * Two scratch databases, both dropped at the end: one for the correctness and
 * append cases, one holding exactly the seeded events for the read cases (so
 * the read numbers do not depend on how many appends the append cases made).
 * Each store runs in its own worker process; the processes take turns.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { combineRuns } from './lib/appendStats.js';
import { loadConfig } from './lib/config.js';
import { benchEvent } from './lib/payload.js';
import type { AppendCase, AppendMode, AppendRun, CorrectnessResult, StoreName } from './lib/protocol.js';
import {
  appendTable,
  catchUpTable,
  checkTargets,
  correctnessTable,
  readTable,
  seedLine,
  targetsTable,
  toJson,
  toMarkdown,
  type AppendRow,
  type BenchResults,
  type CorrectnessRow,
} from './lib/report.js';
import { createScratchDatabase, runStatement, scratchRunId, type ScratchDatabase } from './lib/scratchDb.js';
import { formatMs, formatRate, formatRatio, ratio } from './lib/stats.js';
import { StoreWorker } from './lib/workerClient.js';

const startedAt = new Date();
const loadAtStart = os.loadavg()[0] ?? 0;
const clock = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - clock) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

const config = loadConfig();
const runId = scratchRunId();
const databases: ScratchDatabase[] = [];
const workers: StoreWorker[] = [];

async function openDatabase(label: string): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(config.databaseUrl, `${runId}_${label}`);
  databases.push(db);
  return db;
}

function startWorkers(db: ScratchDatabase): Record<StoreName, StoreWorker> {
  const pair = {
    ours: new StoreWorker('ours', db.connectionString, config.poolSize),
    emmett: new StoreWorker('emmett', db.connectionString, config.poolSize),
  };
  workers.push(pair.ours, pair.emmett);
  return pair;
}

async function stopWorkers(pair: Record<StoreName, StoreWorker>): Promise<void> {
  await Promise.allSettled([pair.ours.close(), pair.emmett.close()]);
}

let results: BenchResults;
try {
  const writesDb = await openDatabase('writes');
  log(`${writesDb.server.version.split(',')[0] ?? ''}; 1-minute load average ${loadAtStart.toFixed(2)} on ${os.availableParallelism()} CPUs`);
  if (loadAtStart > os.availableParallelism() / 2) log('warning: the machine is busy; other processes will skew the numbers');
  let { ours, emmett } = startWorkers(writesDb);
  const oursSetup = await ours.run({ kind: 'setup' });
  const emmettSetup = await emmett.run({ kind: 'setup' });
  log(`database ${writesDb.name}: schemas created; pool size ${config.poolSize} for both stores`);

  // 1. Correctness first, while the tables are small and the reader loops fastest.
  const correctness: CorrectnessRow[] = [];
  const describe = (r: CorrectnessResult): string =>
    `written ${r.written}, missed ${r.missed}, doubled ${r.doubled}, unknown ${r.unexpected}, inversions ${r.sequenceInversions}, ${r.seconds.toFixed(1)} s`;
  for (const eventsPerAppend of config.correctnessEventsPerAppend) {
    const task = {
      kind: 'correctness',
      writers: config.correctnessWriters,
      appendsPerWriter: config.correctnessAppendsPerWriter,
      eventsPerAppend,
      maxDelayMs: config.correctnessMaxDelayMs,
      readBatch: config.correctnessReadBatch,
    } as const;
    const o = await ours.run(task);
    log(`correctness ${eventsPerAppend}-event appends, ours:   ${describe(o)}`);
    const e = await emmett.run(task);
    log(`correctness ${eventsPerAppend}-event appends, Emmett: ${describe(e)}`);
    correctness.push({ eventsPerAppend, ours: o, emmett: e });
  }

  // 2. Appends: per case, `repeats` rounds of both stores back to back, alternating which goes first.
  const appends: AppendRow[] = [];
  const modes: AppendMode[] = ['new_stream', 'existing_stream'];
  let round = 0;
  for (const mode of modes) {
    for (const writers of config.writerCounts) {
      for (const eventsPerAppend of config.eventsPerAppend) {
        const spec: AppendCase = { mode, writers, eventsPerAppend, appends: config.appends, warmupAppends: config.warmupAppends };
        const runs: Record<StoreName, AppendRun[]> = { ours: [], emmett: [] };
        for (let repeat = 0; repeat < config.repeats; repeat++) {
          const order = round++ % 2 === 0 ? [ours, emmett] : [emmett, ours];
          for (const worker of order) runs[worker.store].push(await worker.run({ kind: 'append', case: spec }));
        }
        const row: AppendRow = { mode, writers, eventsPerAppend, ours: combineRuns(runs.ours), emmett: combineRuns(runs.emmett) };
        appends.push(row);
        const rates = (r: AppendRun[]): string => r.map((x) => formatRate(x.appendsPerSecond)).join(', ');
        log(
          `append ${mode} ×${writers} writers, ${eventsPerAppend}/append: ours ${formatRate(row.ours.appendsPerSecond)}/s ` +
            `[${rates(runs.ours)}] (p99 ${formatMs(row.ours.latency.p99Ms)} ms), Emmett ${formatRate(row.emmett.appendsPerSecond)}/s ` +
            `[${rates(runs.emmett)}] (p99 ${formatMs(row.emmett.latency.p99Ms)} ms), ratio ${formatRatio(ratio(row.ours.appendsPerSecond, row.emmett.appendsPerSecond))}`,
        );
      }
    }
  }
  await stopWorkers({ ours, emmett });

  // 3. A second database holding only the seeded events: seed, then read everything back.
  const readsDb = await openDatabase('reads');
  ({ ours, emmett } = startWorkers(readsDb));
  await ours.run({ kind: 'setup' });
  await emmett.run({ kind: 'setup' });
  const seedTask = { kind: 'seed', events: config.seedEvents, writers: config.seedWriters, eventsPerAppend: config.seedEventsPerAppend } as const;
  const seedOurs = await ours.run(seedTask);
  log(`database ${readsDb.name}: seeded ours with ${formatRate(seedOurs.events)} events in ${seedOurs.seconds.toFixed(1)} s`);
  const seedEmmett = await emmett.run(seedTask);
  log(`database ${readsDb.name}: seeded Emmett with ${formatRate(seedEmmett.events)} events in ${seedEmmett.seconds.toFixed(1)} s`);
  await runStatement(readsDb.connectionString, 'VACUUM ANALYZE');
  await runStatement(readsDb.connectionString, 'CHECKPOINT');
  log('VACUUM ANALYZE + CHECKPOINT done');

  const readOurs = await ours.run({ kind: 'readAll', batchSize: config.readBatchSize });
  log(`read-all ours: ${formatRate(readOurs.events)} events (${formatRate(readOurs.distinct)} distinct of ${formatRate(readOurs.expected)}) in ${readOurs.seconds.toFixed(2)} s = ${formatRate(readOurs.eventsPerSecond)}/s`);
  const readEmmett = await emmett.run({ kind: 'readAll', batchSize: config.readBatchSize });
  log(`read-all Emmett: ${formatRate(readEmmett.events)} events (${formatRate(readEmmett.distinct)} distinct of ${formatRate(readEmmett.expected)}) in ${readEmmett.seconds.toFixed(2)} s = ${formatRate(readEmmett.eventsPerSecond)}/s`);

  const catchUpTask = { kind: 'catchUp', batchSize: config.readBatchSize, budgetSeconds: config.catchUpBudgetSeconds } as const;
  const catchUp = { ours: await ours.run(catchUpTask), emmett: await emmett.run(catchUpTask) };
  for (const [store, result] of [['ours', catchUp.ours], ['Emmett', catchUp.emmett]] as const) {
    for (const v of result.variants) {
      log(
        `catch-up ${store} ${v.name}: ${formatRate(v.events)} events (${formatRate(v.distinct)} distinct of ${formatRate(v.expected)}) ` +
          `in ${v.seconds.toFixed(2)} s = ${formatRate(v.eventsPerSecond)}/s${v.stoppedByBudget ? ' (stopped by time budget)' : ''}`,
      );
    }
  }
  await stopWorkers({ ours, emmett });

  results = {
    startedAt,
    finishedAt: new Date(),
    config,
    server: writesDb.server,
    databaseNames: databases.map((db) => db.name),
    host: {
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      totalMemoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
    notes: { ours: oursSetup.notes, emmett: emmettSetup.notes },
    payloadBytes: (() => {
      const sample = benchEvent();
      return Buffer.byteLength(JSON.stringify(sample.data)) + Buffer.byteLength(JSON.stringify(sample.metadata));
    })(),
    appends,
    seed: { ours: seedOurs, emmett: seedEmmett },
    readAll: { ours: readOurs, emmett: readEmmett },
    catchUp: { ours: catchUp.ours.variants, emmett: catchUp.emmett.variants },
    correctness,
  };
} finally {
  await Promise.allSettled(workers.map((worker) => worker.close()));
  for (const db of databases) {
    if (config.keepDatabase) log(`kept scratch database ${db.name}`);
    else await db.drop();
  }
}

const checks = checkTargets(results);
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(outDir, { recursive: true });
await writeFile(`${outDir}store.json`, `${JSON.stringify(toJson(results, checks), null, 2)}\n`);
await writeFile(`${outDir}store.md`, toMarkdown(results, checks));

console.log(`\n## Appends (pool size ${config.poolSize} for both stores)\n\n${appendTable(results.appends)}`);
console.log(`\n## Read all\n\n${readTable(results)}\n\n${seedLine(results)}`);
console.log(`\n## Catch-up\n\n${catchUpTable(results)}`);
console.log(`\n## Correctness under out-of-order commits\n\n${correctnessTable(results)}`);
console.log(`\n## Targets\n\n${targetsTable(checks)}\n`);
for (const c of checks) console.log(`${c.met ? 'MET    ' : 'NOT MET'}  ${c.target}: ${c.actual} (required ${c.required})`);
console.log(`\nwrote bench/results/store.json and bench/results/store.md`);
