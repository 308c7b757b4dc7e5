/**
 * The command path under load, as a till vendor would try it (issue 10): the compiled API
 * (`npm run build`, then `node dist/src/main.js` with NODE_ENV=production) in its own process on
 * a scratch PostgreSQL database created on BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end. Each run:
 *
 * 1. The store's own single-event append rate at 8 writers (bench/lib/worker.ts, as bench:store
 *    measures it), just before, so commands/s can be set against it on a noisy machine.
 * 2. A platform owner bootstrapped with the compiled CLI, a tenant with BENCH_TILLS tills set up
 *    over HTTP, a cashier signed in by PIN on each, clocked in, drawer open.
 * 3. Every till sells in a closed loop from a separate load process over keep-alive connections:
 *    open order, 3 lines, cash payment, complete, each POST with an Idempotency-Key (`online`), or
 *    its sales as /v1/sync batches of BENCH_SYNC_SALES sales (`sync`). BENCH_WARMUP_SECONDS of
 *    warm-up, then BENCH_SECONDS measured.
 * 4. Every sale read back (GET /v1/orders/:id), the log counted against the acknowledgements,
 *    the daily sales and drawers compared with the sales.
 *
 * Runs: online and sync at 5 and 50 tills on one process, and online at 50 tills on two processes
 * on the same database (tills split between them); BENCH_MODES, BENCH_TILLS and BENCH_PROCESSES
 * (comma-separated) pick the runs instead. BENCH_SMOKE=1: a quick run of every kind, written to the
 * temporary directory. Run: npm run bench:http. Writes bench/results/http.json and http.md.
 * Also: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_SYNC_SALES, BENCH_POOL_SIZE (the API's
 * DATABASE_POOL_SIZE), BENCH_LOG_LEVEL (info, production's default), BENCH_READ_BACK (all, or a
 * sample size), BENCH_LAG_POLL_MS (10), BENCH_STORE_APPENDS, BENCH_BUILD=0 (use dist/ as it is),
 * BENCH_KEEP_LOGS=1 (keep the API logs), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=DIR").
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { comparePositions, parsePosition, type GlobalPosition } from '../src/application/ports/eventStore.js';
import { ok } from './lib/http.js';
import { allCorrect, checkTargets, HTTP_TARGETS, toMarkdown, type HttpResults, type Phase, type PhaseResult } from './lib/httpReport.js';
import { readyTills } from './lib/httpTills.js';
import { LagProbe } from './lib/lagProbe.js';
import { LoadGenerator } from './lib/loadClient.js';
import { COMMAND_KINDS, type CommandKind, type LoadMode, type RunResult } from './lib/loadProtocol.js';
import { CpuWindow, machineCpu, processRssBytes } from './lib/procStats.js';
import { caughtUpTo, checkLog, DatabaseStats } from './lib/pgStats.js';
import { checkReadModels } from './lib/readModelCheck.js';
import { createScratchDatabase, scratchRunId, type ScratchDatabase } from './lib/scratchDb.js';
import { bootstrapOwner, build, generateSigningKeys, runSecret, startServer, type ServerProcess, type ServerSettings } from './lib/serverProcess.js';
import { summarize } from './lib/stats.js';
import { StoreWorker } from './lib/workerClient.js';

const env = process.env;
const SMOKE = env.BENCH_SMOKE === '1';
const list = (name: string): string[] | undefined => env[name]?.split(',').map((v) => v.trim()).filter(Boolean);
const SECONDS = Number(env.BENCH_SECONDS ?? (SMOKE ? 4 : 30));
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? (SMOKE ? 1 : 3));
const SYNC_SALES = Number(env.BENCH_SYNC_SALES ?? 5);
const LAG_POLL_MS = Number(env.BENCH_LAG_POLL_MS ?? 10);
const STORE_APPENDS = Number(env.BENCH_STORE_APPENDS ?? (SMOKE ? 500 : 2000));
const READ_BACK = env.BENCH_READ_BACK === undefined || env.BENCH_READ_BACK === 'all' ? null : Number(env.BENCH_READ_BACK);
const LOG_LEVEL = env.BENCH_LOG_LEVEL ?? 'info';
const POOL_SIZE = env.BENCH_POOL_SIZE === undefined ? undefined : Number(env.BENCH_POOL_SIZE);
const SEED = Number(env.BENCH_SEED ?? 20261210);
/** Extra node options of the API processes: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles them. */
const SERVER_NODE_ARGS = (env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const adminUrl = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The runs: the cross product of what is set, or the default set with the scale-out run. */
function phases(): Phase[] {
  const modes = list('BENCH_MODES') as LoadMode[] | undefined;
  const tills = list('BENCH_TILLS')?.map(Number);
  const processes = list('BENCH_PROCESSES')?.map(Number);
  if (!modes && !tills && !processes) {
    const small = SMOKE ? 3 : 5;
    const large = SMOKE ? 6 : 50;
    return [
      { mode: 'online', tills: small, processes: 1 }, { mode: 'online', tills: large, processes: 1 },
      { mode: 'sync', tills: small, processes: 1 }, { mode: 'sync', tills: large, processes: 1 },
      { mode: 'online', tills: large, processes: 2 },
    ];
  }
  const out: Phase[] = [];
  for (const p of processes ?? [1]) for (const mode of modes ?? ['online', 'sync']) for (const t of tills ?? [5, 50]) out.push({ mode, tills: t, processes: p });
  return out;
}

const started = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

/** The store's single-event appends to existing streams at 8 writers (bench:store's case). */
async function storeRate(store: StoreWorker): Promise<PhaseResult['store']> {
  const run = await store.run({ kind: 'append', case: { mode: 'existing_stream', writers: 8, eventsPerAppend: 1, appends: STORE_APPENDS, warmupAppends: Math.min(200, STORE_APPENDS) } });
  return { appendsPerSecond: run.appendsPerSecond, p99Ms: summarize(run.latenciesMs).p99Ms, errors: run.errors };
}

type Snapshot = Readonly<{
  at: number; servers: CpuWindow; client: CpuWindow; postgres: CpuWindow; bench: NodeJS.CpuUsage;
  machine: ReturnType<typeof machineCpu>; commits: number; rollbacks: number; probePolls: number; logBytes: number;
}>;

async function snapshot(servers: readonly ServerProcess[], load: LoadGenerator, stats: DatabaseStats, probe: LagProbe): Promise<Snapshot> {
  const tx = await stats.transactions();
  return {
    at: performance.now(),
    servers: new CpuWindow(servers.map((s) => s.pid)),
    client: new CpuWindow([load.pid]),
    postgres: new CpuWindow(await stats.backendPids()),
    bench: process.cpuUsage(),
    machine: machineCpu(),
    commits: tx.commits,
    rollbacks: tx.rollbacks,
    probePolls: probe.polls,
    logBytes: servers.reduce((sum, s) => sum + s.logBytes(), 0),
  };
}

/** Samples GET /v1/operations/projections every 2 s: how far behind the API says its models are. */
function operationsSampler(base: string, owner: string): { stop: () => Promise<PhaseResult['lag']['operations']> } {
  let samples = 0;
  let maxLagEvents = 0;
  let maxLagSeconds = 0;
  let endLagEvents = 0;
  let firstLagEvents: number | null = null;
  // An object, so the loop sees stop() change it.
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const response = await fetch(`${base}/v1/operations/projections`, { headers: { authorization: `Bearer ${owner}` } }).catch(() => undefined);
      if (response?.status !== 200) continue;
      const { projections } = (await response.json()) as { projections: { kind: string; state: string; lagEvents: number; lagSeconds: number }[] };
      const live = projections.filter((p) => p.kind === 'read_model' && p.state === 'live');
      samples += 1;
      endLagEvents = Math.max(0, ...live.map((p) => p.lagEvents));
      firstLagEvents ??= endLagEvents;
      maxLagEvents = Math.max(maxLagEvents, endLagEvents);
      maxLagSeconds = Math.max(maxLagSeconds, ...live.map((p) => p.lagSeconds));
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await loop;
      return { samples, firstLagEvents: firstLagEvents ?? 0, maxLagEvents, maxLagSeconds, endLagEvents };
    },
  };
}

async function serverErrors(servers: readonly ServerProcess[]): Promise<Readonly<{ lines: number; sample: string | null }>> {
  let lines = 0;
  let sample: string | null = null;
  for (const server of servers) {
    const text = await readFile(server.logPath, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      // pino levels: 50 error, 60 fatal.
      if (!/"level":(50|60)\b/.test(line)) continue;
      lines += 1;
      sample ??= line;
    }
  }
  return { lines, sample };
}

function lagOf(probe: LagProbe, run: RunResult): Pick<PhaseResult['lag'], 'all' | 'perModel'> {
  // The load process's clock is its own: its epoch times put back on this process's timeline.
  const acks = run.acks.flatMap((a) => {
    const position = parsePosition(a.position);
    return position ? [{ at: a.atEpochMs - performance.timeOrigin, position }] : [];
  });
  // account_sync is a reactor on employee events: it never needs to reach a sale's position.
  const models = probe.models.filter((m) => m !== 'account_sync');
  const perModel: Record<string, PhaseResult['lag']['perModel'][string]> = {};
  const worst = acks.map(() => 0);
  for (const model of models) {
    const { summary, unreached } = probe.lags(model, acks);
    perModel[model] = { ...summary, unreached };
    probe.lagsEach(model, acks).forEach((lag, i) => {
      worst[i] = Math.max(worst[i] ?? 0, lag ?? Number.POSITIVE_INFINITY);
    });
  }
  return { all: summarize(worst), perModel };
}

function lastPosition(run: RunResult): GlobalPosition | undefined {
  let last: GlobalPosition | undefined;
  for (const ack of run.acks) {
    const position = parsePosition(ack.position);
    if (position && (!last || comparePositions(position, last) > 0)) last = position;
  }
  return last;
}

async function runPhase(phase: Phase, runId: string, signingKeys: string, workDir: string, store: StoreWorker): Promise<PhaseResult> {
  const name = `${runId}_${phase.mode}_${phase.tills}_${phase.processes}`;
  const storeResult = await storeRate(store);
  log(`${phase.mode}, ${phase.tills} tills, ${phase.processes} process(es): store ${Math.round(storeResult.appendsPerSecond)} appends/s at 8 writers`);
  const scratch: ScratchDatabase = await createScratchDatabase(adminUrl, name);
  const settings: ServerSettings = { databaseUrl: scratch.connectionString, signingKeys, logLevel: LOG_LEVEL, poolSize: POOL_SIZE, workDir: `${workDir}/${name}`, nodeArgs: SERVER_NODE_ARGS };
  await mkdir(settings.workDir, { recursive: true });
  const servers: ServerProcess[] = [];
  const load = new LoadGenerator();
  const stats = new DatabaseStats(adminUrl, scratch.name);
  const probe = new LagProbe(scratch.connectionString, LAG_POLL_MS);
  let probeRunning = false;
  try {
    const ownerEmail = `owner-${runId}@bench.example`;
    const ownerPassword = runSecret();
    await bootstrapOwner(settings, ownerEmail, ownerPassword);
    servers.push(...(await Promise.all(Array.from({ length: phase.processes }, (_, i) => startServer(settings, i)))));
    const bases = servers.map((s) => s.base);
    const owner = (await ok<{ accessToken: string }>(bases[0]!, '/v1/auth/login', null, { email: ownerEmail, password: ownerPassword })).accessToken;
    const t0 = performance.now();
    const { tenant, tills } = await readyTills(bases, owner, phase.tills);
    log(`  ${tills.length} tills ready in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${bases.join(', ')}`);
    await stats.open();
    await probe.start();
    probeRunning = true;
    const loadStart = os.loadavg()[0] ?? 0;
    const operations = operationsSampler(bases[0]!, owner);
    const rss = new Map<number, number>();
    const rssTimer = setInterval(() => {
      for (const s of servers) rss.set(s.pid, Math.max(rss.get(s.pid) ?? 0, processRssBytes(s.pid) ?? 0));
    }, 1000);
    let first: Promise<Snapshot> | undefined;
    const run = await load.run(
      { mode: phase.mode, tills, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, salesPerBatch: SYNC_SALES, seed: SEED },
      () => {
        first = snapshot(servers, load, stats, probe);
        // Awaited once the load ends; a failure must not count as unhandled before then.
        first.catch(() => undefined);
      },
    );
    const end = await snapshot(servers, load, stats, probe);
    clearInterval(rssTimer);
    const start = await (first ?? Promise.reject(new Error('the load ended before its warm-up did')));
    const operationsLag = await operations.stop();
    const c0 = performance.now();
    const caughtUp = await caughtUpTo(scratch.connectionString, lastPosition(run), 120_000);
    const catchUpSeconds = (performance.now() - c0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2 * LAG_POLL_MS));
    probeRunning = false;
    await probe.stop();
    const lag = lagOf(probe, run);

    const windowSeconds = (run.windowEndEpochMs - run.windowStartEpochMs) / 1000;
    const commands = COMMAND_KINDS.reduce((sum, k) => sum + run.measuredCommands[k], 0);
    const cpuSeconds = (end.at - start.at) / 1000;
    const serverSeconds = start.servers.secondsSince(servers.map((s) => s.pid));
    const clientSeconds = start.client.secondsSince([load.pid]);
    const postgresSeconds = start.postgres.secondsSince(await stats.backendPids());
    const benchCpu = process.cpuUsage(start.bench);
    const benchSeconds = (benchCpu.user + benchCpu.system) / 1e6;
    const machineBusy = (end.machine.busySeconds - start.machine.busySeconds) / cpuSeconds;
    const probeCommits = end.probePolls - start.probePolls;
    const commits = end.commits - start.commits;

    const latency = {} as Record<CommandKind | 'all', ReturnType<typeof summarize>>;
    let batch: ReturnType<typeof summarize> | null = null;
    let commandsPerBatch: number | null = null;
    if (phase.mode === 'online') {
      for (const k of COMMAND_KINDS) latency[k] = summarize(run.latencies[k]);
      latency.all = summarize(COMMAND_KINDS.flatMap((k) => run.latencies[k]));
    } else {
      // A synced command has no latency of its own: its share of the batch that carried it.
      const shares = run.batchLatencies.map((b, i) => b / (run.batchCommands[i] ?? 1));
      for (const k of COMMAND_KINDS) latency[k] = summarize([]);
      latency.all = summarize(shares);
      batch = summarize(run.batchLatencies);
      commandsPerBatch = SYNC_SALES * 6;
    }

    const readBack = await load.readBack(READ_BACK, 16);
    const logCheck = await checkLog(scratch.connectionString, tenant.tenantId, run.sales);
    const readModels = await checkReadModels(bases[0]!, tenant.admin, tills, run.sales);
    const errorsLogged = await serverErrors(servers);
    const cores = os.availableParallelism();
    const result: PhaseResult = {
      ...phase,
      seconds: windowSeconds,
      warmupSeconds: WARMUP_SECONDS,
      commands,
      commandsPerSecond: commands / windowSeconds,
      latency,
      batch,
      commandsPerBatch,
      errors: run.errors,
      errorSamples: run.errorSamples,
      cpu: {
        serverSeconds, serverShareOfCore: serverSeconds / cpuSeconds, serverMsPerCommand: (serverSeconds * 1000) / commands,
        clientSeconds, clientShareOfCore: clientSeconds / cpuSeconds,
        postgresSeconds, postgresShareOfCore: postgresSeconds / cpuSeconds,
        benchSeconds,
        machineBusyCores: machineBusy,
        otherBusyCores: Math.max(0, machineBusy - (serverSeconds + clientSeconds + postgresSeconds + benchSeconds) / cpuSeconds),
        cores,
      },
      rssMb: { maxPerProcess: Math.max(0, ...rss.values()) / 2 ** 20, endPerProcess: servers.map((s) => (processRssBytes(s.pid) ?? 0) / 2 ** 20) },
      postgres: { commits, rollbacks: end.rollbacks - start.rollbacks, probeCommits, commitsPerCommand: (commits - probeCommits) / commands },
      logBytesPerCommand: (end.logBytes - start.logBytes) / commands,
      serverErrorLines: errorsLogged.lines,
      serverErrorSample: errorsLogged.sample,
      lag: { ...lag, catchUpSeconds, caughtUp, operations: operationsLag },
      store: storeResult,
      ratioToStore: commands / windowSeconds / storeResult.appendsPerSecond,
      readBack: { checked: readBack.checked, wrong: readBack.wrong, samples: readBack.samples },
      log: logCheck,
      readModels,
      acknowledged: run.acknowledged,
      loadAverage: { start: loadStart, end: os.loadavg()[0] ?? 0 },
      serverExitCodes: [],
    };
    log(
      `  ${Math.round(result.commandsPerSecond)} commands/s over ${windowSeconds.toFixed(1)} s; p50 ${latency.all.p50Ms.toFixed(1)} p95 ${latency.all.p95Ms.toFixed(1)} p99 ${latency.all.p99Ms.toFixed(1)} ms; ` +
        `${run.errors} errors; API CPU ${(result.cpu.serverShareOfCore * 100).toFixed(0)} % of a core (${result.cpu.serverMsPerCommand.toFixed(2)} ms/command), ` +
        `load generator ${(result.cpu.clientShareOfCore * 100).toFixed(0)} %, PostgreSQL ${(result.cpu.postgresShareOfCore * 100).toFixed(0)} %, machine ${machineBusy.toFixed(2)} of ${cores} cores busy`,
    );
    log(
      `  ${result.postgres.commitsPerCommand.toFixed(2)} commits/command; lag p50 ${lag.all.p50Ms.toFixed(0)} p95 ${lag.all.p95Ms.toFixed(0)} p99 ${lag.all.p99Ms.toFixed(0)} ms` +
        ` (caught up ${caughtUp ? `${catchUpSeconds.toFixed(1)} s after the load` : 'NOT within 120 s'}); ratio to store ${result.ratioToStore.toFixed(3)}; ` +
        `read back ${readBack.checked - readBack.wrong}/${readBack.checked}; log ${logCheck.orderEvents}/${logCheck.acknowledgedCommands} events, ${logCheck.mismatched} orders off; ` +
        `daily sales ${readModels.reportOrders}/${readModels.completedSales}, drawers wrong ${readModels.drawersWrong}: ${allCorrect(result) ? 'all correct' : 'NOT all correct'}`,
    );
    for (const e of run.errorSamples) log(`  error: ${e.what} answered ${e.status}: ${e.body.slice(0, 500)}`);
    for (const s of [...readBack.samples, ...logCheck.samples, ...readModels.samples]) log(`  wrong: ${s}`);
    if (errorsLogged.sample) log(`  API logged ${errorsLogged.lines} error lines, first: ${errorsLogged.sample.slice(0, 500)}`);
    const exitCodes = await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    return { ...result, serverExitCodes: exitCodes };
  } finally {
    if (probeRunning) await probe.stop().catch(() => undefined);
    await Promise.allSettled(servers.map((s) => s.stop()));
    await load.close().catch(() => undefined);
    await stats.close().catch(() => undefined);
    await scratch.drop();
  }
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    return dirty === 0 ? head : `${head} with ${dirty} uncommitted files under src/ (others' work in progress)`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = (os.loadavg()[0] ?? 0).toFixed(2);
  const runs = phases();
  log(`${SMOKE ? 'SMOKE run' : 'full run'}: ${runs.map((p) => `${p.mode} ${p.tills} tills × ${p.processes}`).join('; ')}; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each`);
  const built = env.BENCH_BUILD === '0' ? { exitCode: 0, output: 'skipped (BENCH_BUILD=0)' } : await build();
  if (built.exitCode !== 0) log(`npm run build exited ${built.exitCode} (dist/ was still written); first lines:\n${built.output.split('\n').slice(0, 8).join('\n')}`);
  const runId = scratchRunId();
  const workDir = await mkdtemp(`${os.tmpdir()}/ts-bench-http-`);
  const signingKeys = await generateSigningKeys(workDir);
  const storeDb = await createScratchDatabase(adminUrl, `${runId}_store`);
  const store = new StoreWorker('ours', storeDb.connectionString, 10);
  const results: HttpResults = { meta: {}, targets: HTTP_TARGETS, phases: [] };
  try {
    await store.run({ kind: 'setup' });
    for (const phase of runs) results.phases.push(await runPhase(phase, runId, signingKeys, workDir, store));
  } finally {
    await store.close();
    await storeDb.drop();
    if (env.BENCH_KEEP_LOGS !== '1') await rm(workDir, { recursive: true, force: true });
    else log(`API logs kept in ${workDir}`);
  }
  const cpus = os.cpus();
  results.meta = {
    startedAt: startedAt.toISOString(),
    took: ((performance.now() - started) / 1000).toFixed(0),
    command: `${Object.entries(env).filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_DATABASE_URL').map(([k, v]) => `${k}=${v} `).join('')}npm run bench:http`,
    machine: `Node ${process.version} on ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'})`,
    machineNote: 'The machine is shared: other engineers\' builds, tests and benches ran at the same time (see "Other work on the machine").',
    loadStart,
    loadEnd: (os.loadavg()[0] ?? 0).toFixed(2),
    server: storeDb.server.version,
    git: gitState(),
    build: built.exitCode === 0 ? 'npm run build, exit 0' : `npm run build exited ${built.exitCode} (others' work in progress did not type-check; tsc still emitted dist/)`,
    method:
      `Each run: a fresh scratch database; the API as \`node dist/src/main.js\` (NODE_ENV=production, a signing key from \`cli keys generate\`, LOG_LEVEL=${LOG_LEVEL}${SERVER_NODE_ARGS.length > 0 ? `, node ${SERVER_NODE_ARGS.join(' ')}` : ''}, ` +
      `DATABASE_POOL_SIZE ${POOL_SIZE ?? 'default (20)'}, request rate limits off as every till comes from 127.0.0.1); the owner from \`cli bootstrap\`; tills set up over HTTP. ` +
      `A load process (node:http keep-alive agent) runs each till's closed loop: open order, 3 lines, a cash payment, complete, each POST with an Idempotency-Key ` +
      `(sync: ${SYNC_SALES} sales, ${SYNC_SALES * 6} commands, per /v1/sync batch); ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s measured. ` +
      `Commits per command: pg_stat_database xact_commit of the scratch database over the window, less the lag probe's own polls. ` +
      `Projection lag: a probe reads every live read model's checkpoint every ${LAG_POLL_MS} ms; a command answered at t with position p is applied by a model at the first ` +
      `sample at or past p; the figure is the worst model's, per command (an upper bound by one poll interval). Store appends: bench:store's single-event appends to ` +
      `existing streams at 8 writers, ${STORE_APPENDS} appends, just before each run, on its own scratch database.`,
  };
  const dir = SMOKE ? `${os.tmpdir()}/` : fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}http.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${dir}http.md`, toMarkdown(results));
  for (const c of checkTargets(results.phases)) log(`${c.met ? 'MET    ' : 'NOT MET'}  ${c.target}: ${c.actual} (required ${c.required})`);
  log(`wrote ${dir}http.json and http.md`);
}

await main();
