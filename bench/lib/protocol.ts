import type { LatencySummary } from './stats.js';

/** Messages between the orchestrator and one store's worker process. */

export type StoreName = 'ours' | 'emmett';

export type AppendMode = 'new_stream' | 'existing_stream';

export type AppendCase = Readonly<{
  mode: AppendMode;
  writers: number;
  eventsPerAppend: number;
  appends: number;
  warmupAppends: number;
}>;

export type Task =
  | Readonly<{ kind: 'setup' }>
  | Readonly<{ kind: 'append'; case: AppendCase }>
  | Readonly<{ kind: 'seed'; events: number; writers: number; eventsPerAppend: number }>
  | Readonly<{ kind: 'readAll'; batchSize: number }>
  | Readonly<{ kind: 'catchUp'; batchSize: number; expectedEvents: number; budgetSeconds: number }>
  | Readonly<{
      kind: 'correctness';
      writers: number;
      appendsPerWriter: number;
      eventsPerAppend: number;
      maxDelayMs: number;
      readBatch: number;
    }>
  | Readonly<{ kind: 'close' }>;

export type SetupResult = Readonly<{ kind: 'setup'; poolSize: number; notes: readonly string[] }>;

export type AppendResultSummary = Readonly<{
  kind: 'append';
  case: AppendCase;
  seconds: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
  latency: LatencySummary;
  errors: number;
}>;

export type SeedResult = Readonly<{ kind: 'seed'; events: number; seconds: number; eventsPerSecond: number; totalEvents: number }>;

export type ReadAllResult = Readonly<{ kind: 'readAll'; events: number; batches: number; seconds: number; eventsPerSecond: number }>;

export type CatchUpVariant = Readonly<{
  name: string;
  description: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** True when the run was stopped by the time budget before seeing every event. */
  partial: boolean;
}>;

export type CatchUpResult = Readonly<{ kind: 'catchUp'; variants: readonly CatchUpVariant[] }>;

export type CorrectnessResult = Readonly<{
  kind: 'correctness';
  written: number;
  read: number;
  missed: number;
  doubled: number;
  unexpected: number;
  /** Times the reader saw a smaller sequence number after a larger one: commits did land out of order. */
  sequenceInversions: number;
  pages: number;
  seconds: number;
}>;

export type TaskResult = SetupResult | AppendResultSummary | SeedResult | ReadAllResult | CatchUpResult | CorrectnessResult | Readonly<{ kind: 'close' }>;

export type WorkerMessage =
  | Readonly<{ type: 'result'; id: number; result: TaskResult }>
  | Readonly<{ type: 'error'; id: number; message: string; stack?: string | undefined }>
  | Readonly<{ type: 'log'; line: string }>;

export type OrchestratorMessage = Readonly<{ type: 'task'; id: number; task: Task }>;
