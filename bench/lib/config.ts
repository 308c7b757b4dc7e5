/** Benchmark settings, all overridable from the environment. */
export type BenchConfig = Readonly<{
  /** Server to create the scratch database on (the database in the URL is only used to connect). */
  databaseUrl: string;
  /** Timed appends per append case. */
  appends: number;
  /** Timed runs of each append case per store; rates are the median run, latencies pooled. */
  repeats: number;
  /** Untimed appends before each append case. */
  warmupAppends: number;
  writerCounts: readonly number[];
  eventsPerAppend: readonly number[];
  /** Connection pool size of both stores: at least the largest writer count. */
  poolSize: number;
  /** Events seeded into each store for the read-all and catch-up cases. */
  seedEvents: number;
  seedWriters: number;
  seedEventsPerAppend: number;
  readBatchSize: number;
  correctnessWriters: number;
  correctnessAppendsPerWriter: number;
  /** Events per append of each correctness run: single events (the case) and small batches. */
  correctnessEventsPerAppend: readonly number[];
  correctnessMaxDelayMs: number;
  /** Page size of the concurrent reader; Emmett's default processor batch size is 100. */
  correctnessReadBatch: number;
  /** Longest a catch-up variant may run before it is stopped (Emmett's consumer checkpoints every message). */
  catchUpBudgetSeconds: number;
  keepDatabase: boolean;
}>;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${raw}`);
  return value;
}

export function loadConfig(): BenchConfig {
  const writerCounts = [1, 8, 32];
  const appends = intFromEnv('BENCH_APPENDS', 2000);
  return {
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    appends,
    repeats: Math.max(1, intFromEnv('BENCH_REPEATS', 3)),
    warmupAppends: intFromEnv('BENCH_WARMUP_APPENDS', Math.max(100, Math.floor(appends / 10))),
    writerCounts,
    eventsPerAppend: [1, 5],
    poolSize: Math.max(...writerCounts) + 2,
    seedEvents: intFromEnv('BENCH_SEED_EVENTS', 200_000),
    seedWriters: 16,
    seedEventsPerAppend: 50,
    readBatchSize: 1000,
    correctnessWriters: 8,
    correctnessAppendsPerWriter: intFromEnv('BENCH_CORRECTNESS_APPENDS', 250),
    correctnessEventsPerAppend: [1, 5],
    correctnessMaxDelayMs: 5,
    correctnessReadBatch: 100,
    catchUpBudgetSeconds: intFromEnv('BENCH_CATCH_UP_BUDGET_S', 60),
    keepDatabase: process.env.BENCH_KEEP_DATABASE === '1',
  };
}
