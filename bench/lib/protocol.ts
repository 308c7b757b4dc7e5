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
  | Readonly<{ kind: 'catchUp'; batchSize: number; budgetSeconds: number }>
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

/** One timed run of an append case in one store. */
export type AppendRun = Readonly<{
  kind: 'append';
  case: AppendCase;
  seconds: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
  /** Latency of every timed append that succeeded. */
  latenciesMs: readonly number[];
  errors: number;
}>;

export type SeedResult = Readonly<{ kind: 'seed'; events: number; seconds: number; eventsPerSecond: number; totalEvents: number }>;

/** What a reader delivered compared with what the table holds. */
export type Delivery = Readonly<{
  /** Events handed to the caller, repeats included; the rate is computed from this. */
  events: number;
  /** Different event ids among them. */
  distinct: number;
  /** Events in the store's table (SQL count) when the read started. */
  expected: number;
}>;

export type ReadAllResult = Readonly<{ kind: 'readAll'; batches: number; seconds: number; eventsPerSecond: number } & Delivery>;

export type CatchUpVariant = Readonly<
  {
    name: string;
    description: string;
    seconds: number;
    eventsPerSecond: number;
    /** True when the time budget ended the run. */
    stoppedByBudget: boolean;
  } & Delivery
>;

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

export type TaskResult = SetupResult | AppendRun | SeedResult | ReadAllResult | CatchUpResult | CorrectnessResult | Readonly<{ kind: 'close' }>;

export type WorkerMessage =
  | Readonly<{ type: 'result'; id: number; result: TaskResult }>
  | Readonly<{ type: 'error'; id: number; message: string; stack?: string | undefined }>;

export type OrchestratorMessage = Readonly<{ type: 'task'; id: number; task: Task }>;
