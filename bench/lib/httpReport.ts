import type { CommandKind, ErrorSample, LoadMode } from './loadProtocol.js';
import type { LogCheck } from './pgStats.js';
import type { ReadModelCheck } from './readModelCheck.js';
import type { LatencySummary } from './stats.js';

/** Results of `npm run bench:http` and their markdown (bench/results/http.md). */

export const HTTP_TARGETS = {
  commandsPerSecondAt50: 1000,
  p95MsAt50: 25,
  p99MsAt50: 50,
  lagP99Ms: 250,
  p50MsAt5: 5,
} as const;

export type Phase = Readonly<{ mode: LoadMode; tills: number; processes: number }>;

export type PhaseResult = Phase & Readonly<{
  seconds: number;
  warmupSeconds: number;
  commands: number;
  commandsPerSecond: number;
  /** Per command kind and overall; in sync mode each command's share of its batch. */
  latency: Readonly<Record<CommandKind | 'all', LatencySummary>>;
  /** Sync mode only: each batch, and the commands per batch. */
  batch: LatencySummary | null;
  commandsPerBatch: number | null;
  errors: number;
  errorSamples: readonly ErrorSample[];
  cpu: Readonly<{
    /** CPU seconds in the measured window, summed over the API processes. */
    serverSeconds: number;
    serverShareOfCore: number;
    serverMsPerCommand: number;
    clientSeconds: number;
    clientShareOfCore: number;
    postgresSeconds: number;
    postgresShareOfCore: number;
    benchSeconds: number;
    /** The whole machine, in cores busy (of `cores`), and what none of the above used. */
    machineBusyCores: number;
    otherBusyCores: number;
    cores: number;
  }>;
  rssMb: Readonly<{ maxPerProcess: number; endPerProcess: readonly number[] }>;
  postgres: Readonly<{ commits: number; rollbacks: number; probeCommits: number; commitsPerCommand: number }>;
  logBytesPerCommand: number;
  serverErrorLines: number;
  serverErrorSample: string | null;
  lag: Readonly<{
    all: LatencySummary;
    perModel: Readonly<Record<string, LatencySummary & { unreached: number }>>;
    /** After the last answer, until every read model had applied it. */
    catchUpSeconds: number;
    caughtUp: boolean;
    /** GET /v1/operations/projections during the load: the most any model was behind. */
    operations: Readonly<{ samples: number; firstLagEvents: number; maxLagEvents: number; maxLagSeconds: number; endLagEvents: number }>;
  }>;
  store: Readonly<{ appendsPerSecond: number; p99Ms: number; errors: number }>;
  ratioToStore: number;
  readBack: Readonly<{ checked: number; wrong: number; samples: readonly string[] }>;
  log: LogCheck;
  readModels: ReadModelCheck;
  acknowledged: Readonly<Record<CommandKind, number>>;
  loadAverage: Readonly<{ start: number; end: number }>;
  serverExitCodes: readonly (number | null)[];
}>;

export type HttpResults = {
  meta: Record<string, string>;
  targets: typeof HTTP_TARGETS;
  phases: PhaseResult[];
};

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');
const label = (p: Phase): string => `${p.mode}, ${p.tills} tills, ${p.processes} process${p.processes === 1 ? '' : 'es'}`;

/** Whether every sale of the phase is right: no error, each read back, the log and read models exact. */
export function allCorrect(p: PhaseResult): boolean {
  return p.errors === 0 && p.readBack.wrong === 0 && p.log.mismatched === 0 && p.readModels.drawersWrong === 0
    && p.readModels.reportOrders === p.readModels.completedSales && p.readModels.reportTotal === p.readModels.completedTotal && p.lag.caughtUp;
}

export type TargetCheck = Readonly<{ target: string; required: string; actual: string; met: boolean }>;

/** Issue 10's Done-when, against the phases that measure it (the online closed loop). */
export function checkTargets(phases: readonly PhaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at50 = phases.find((p) => p.mode === 'online' && p.tills === 50 && p.processes === 1);
  if (at50) {
    checks.push(
      { target: '50 tills: commands/s', required: `≥ ${fmt(HTTP_TARGETS.commandsPerSecondAt50)}`, actual: fmt(at50.commandsPerSecond), met: at50.commandsPerSecond >= HTTP_TARGETS.commandsPerSecondAt50 },
      { target: '50 tills: p95', required: `≤ ${HTTP_TARGETS.p95MsAt50} ms`, actual: `${ms(at50.latency.all.p95Ms)} ms`, met: at50.latency.all.p95Ms <= HTTP_TARGETS.p95MsAt50 },
      { target: '50 tills: p99', required: `≤ ${HTTP_TARGETS.p99MsAt50} ms`, actual: `${ms(at50.latency.all.p99Ms)} ms`, met: at50.latency.all.p99Ms <= HTTP_TARGETS.p99MsAt50 },
      { target: '50 tills: projection lag p99', required: `≤ ${HTTP_TARGETS.lagP99Ms} ms`, actual: `${fmt(at50.lag.all.p99Ms)} ms`, met: at50.lag.all.p99Ms <= HTTP_TARGETS.lagP99Ms },
      { target: '50 tills: errors', required: '0', actual: fmt(at50.errors), met: at50.errors === 0 },
      { target: '50 tills: every sale read back correct', required: 'all', actual: `${fmt(at50.readBack.checked - at50.readBack.wrong)} of ${fmt(at50.readBack.checked)}`, met: allCorrect(at50) },
    );
  }
  const at5 = phases.find((p) => p.mode === 'online' && p.tills === 5 && p.processes === 1);
  if (at5) checks.push({ target: '5 tills: p50', required: `≤ ${HTTP_TARGETS.p50MsAt5} ms`, actual: `${ms(at5.latency.all.p50Ms)} ms`, met: at5.latency.all.p50Ms <= HTTP_TARGETS.p50MsAt5 });
  for (const p of phases.filter((x) => x.processes > 1)) {
    checks.push({
      target: `Scale out (${label(p)}): 0 errors, no double effect`,
      required: '0 errors; log = acknowledged commands; read models = sales',
      actual: `${fmt(p.errors)} errors; ${fmt(p.log.orderEvents)} events for ${fmt(p.log.acknowledgedCommands)} acknowledged, ${fmt(p.log.mismatched)} orders off; ${fmt(p.readModels.reportOrders)} sales reported of ${fmt(p.readModels.completedSales)}`,
      met: allCorrect(p),
    });
  }
  return checks;
}

export function toMarkdown(r: HttpResults): string {
  const out: string[] = ['# HTTP command path benchmark', ''];
  out.push(`Run ${r.meta.startedAt} (took ${r.meta.took} s) with \`${r.meta.command}\`.`);
  out.push(`${r.meta.machine}; 1-minute load average ${r.meta.loadStart} at the start, ${r.meta.loadEnd} at the end. ${r.meta.machineNote}`);
  out.push(`PostgreSQL server: ${r.meta.server}; client and server on the same machine. Code: ${r.meta.git}; build: ${r.meta.build}.`, '');
  out.push(r.meta.method ?? '', '');

  out.push('## Targets (issue 10, Done when)', '', '| Target | Required | Measured | Verdict |', '| --- | --- | --- | --- |');
  for (const c of checkTargets(r.phases)) out.push(`| ${c.target} | ${c.required} | ${c.actual} | ${verdict(c.met)} |`);
  out.push('');

  out.push('## Runs', '');
  out.push('| Run | Commands/s | p50 / p95 / p99 ms | Errors | Server CPU (ms/command) | RSS MB (max) | PG commits/command | Projection lag p50 / p95 / p99 ms | Store appends/s (8 writers) | Commands/s ÷ appends/s | Sales read back |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of r.phases) {
    out.push(
      `| ${label(p)} | ${fmt(p.commandsPerSecond)} | ${ms(p.latency.all.p50Ms)} / ${ms(p.latency.all.p95Ms)} / ${ms(p.latency.all.p99Ms)}${p.batch ? ' (share of its batch)' : ''} | ${fmt(p.errors)} | ` +
        `${fmt(p.cpu.serverShareOfCore * 100)} % of a core (${ms(p.cpu.serverMsPerCommand)}) | ${fmt(p.rssMb.maxPerProcess)} | ${fmt(p.postgres.commitsPerCommand, 2)} | ` +
        `${fmt(p.lag.all.p50Ms)} / ${fmt(p.lag.all.p95Ms)} / ${fmt(p.lag.all.p99Ms)} | ${fmt(p.store.appendsPerSecond)} | ${fmt(p.ratioToStore, 3)} | ` +
        `${allCorrect(p) ? 'all correct' : '**NOT all correct**'} (${fmt(p.readBack.checked)}) |`,
    );
  }
  out.push('');

  out.push('## Latency per command', '', '| Run | Open p50 / p95 / p99 | Line | Payment | Complete | Sync batch p50 / p95 / p99 (commands) |', '| --- | --- | --- | --- | --- | --- |');
  const l = (s: LatencySummary): string => (s.count === 0 ? 'n/a' : `${ms(s.p50Ms)} / ${ms(s.p95Ms)} / ${ms(s.p99Ms)}`);
  for (const p of r.phases) {
    out.push(`| ${label(p)} | ${l(p.latency.open)} | ${l(p.latency.line)} | ${l(p.latency.pay)} | ${l(p.latency.complete)} | ${p.batch ? `${l(p.batch)} (${fmt(p.commandsPerBatch ?? 0)})` : 'n/a'} |`);
  }
  out.push('', 'Milliseconds, from the request written to the answer read, over keep-alive connections. In sync mode a command\'s figure is its share of its batch (batch time / commands).', '');

  out.push('## Where the CPU went', '', '| Run | API | Load generator | PostgreSQL backends | Machine busy | Other work on the machine | Load average, start → end | Log bytes/command | Error lines in the API log |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of r.phases) {
    const c = p.cpu;
    out.push(
      `| ${label(p)} | ${fmt(c.serverShareOfCore * 100)} % | ${fmt(c.clientShareOfCore * 100)} % | ${fmt(c.postgresShareOfCore * 100)} % | ${fmt(c.machineBusyCores, 2)} of ${c.cores} cores | ` +
        `${fmt(c.otherBusyCores, 2)} cores | ${fmt(p.loadAverage.start, 2)} → ${fmt(p.loadAverage.end, 2)} | ${fmt(p.logBytesPerCommand)} | ${fmt(p.serverErrorLines)} |`,
    );
  }
  out.push('', 'Percentages are of one core over the measured window, from /proc/<pid>/stat (utime + stime). "Other work" is what the machine spent beyond the API, the load generator, the database backends of the run and the bench itself: other engineers\' work on the shared machine.', '');

  out.push('## Projection lag and correctness', '', '| Run | Lag p50 / p95 / p99 / max ms | Slowest model at p99 | Operations route: events behind, first → last sample (most; most seconds) | Caught up after the load | Log: order events / acknowledged | Orders off | Daily sales orders / completed | Drawers wrong |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of r.phases) {
    const slowest = Object.entries(p.lag.perModel).sort((a, b) => b[1].p99Ms - a[1].p99Ms)[0];
    out.push(
      `| ${label(p)} | ${fmt(p.lag.all.p50Ms)} / ${fmt(p.lag.all.p95Ms)} / ${fmt(p.lag.all.p99Ms)} / ${fmt(p.lag.all.maxMs)} | ${slowest ? `${slowest[0]} ${fmt(slowest[1].p99Ms)} ms` : 'n/a'} | ` +
        `${fmt(p.lag.operations.firstLagEvents)} → ${fmt(p.lag.operations.endLagEvents)} (${fmt(p.lag.operations.maxLagEvents)}; ${fmt(p.lag.operations.maxLagSeconds, 1)} s) | ${p.lag.caughtUp ? `${fmt(p.lag.catchUpSeconds, 1)} s` : '**no**'} | ` +
        `${fmt(p.log.orderEvents)} / ${fmt(p.log.acknowledgedCommands)} | ${fmt(p.log.mismatched)} | ${fmt(p.readModels.reportOrders)} / ${fmt(p.readModels.completedSales)} | ${fmt(p.readModels.drawersWrong)} of ${fmt(p.readModels.drawersChecked)} |`,
    );
  }
  out.push('');
  const problems = r.phases.flatMap((p) => [
    ...p.errorSamples.map((e) => `- ${label(p)}: ${e.what} answered ${e.status}: \`${e.body.slice(0, 400).replace(/`/g, "'")}\``),
    ...p.readBack.samples.map((s) => `- ${label(p)}: read back: ${s}`),
    ...p.log.samples.map((s) => `- ${label(p)}: log: ${s}`),
    ...p.readModels.samples.map((s) => `- ${label(p)}: read models: ${s}`),
    ...(p.serverErrorSample ? [`- ${label(p)}: API log: \`${p.serverErrorSample.slice(0, 400).replace(/`/g, "'")}\``] : []),
  ]);
  if (problems.length > 0) out.push('## First problems seen', '', ...problems, '');
  return out.join('\n');
}
