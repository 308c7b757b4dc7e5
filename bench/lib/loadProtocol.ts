import type { ReadyTill } from './httpTills.js';

/** Messages between the HTTP bench and its load generator process (bench/lib/loadWorker.ts). */

export type CommandKind = 'open' | 'line' | 'pay' | 'complete';
export const COMMAND_KINDS: readonly CommandKind[] = ['open', 'line', 'pay', 'complete'];

/** `online`: each command its own POST. `sync`: a till posts its sales as `/v1/sync` batches. */
export type LoadMode = 'online' | 'sync';

export type LoadSpec = Readonly<{
  mode: LoadMode;
  tills: readonly ReadyTill[];
  /** Selling before the measured window (server JIT, pools, caches warm); verified, not measured. */
  warmupSeconds: number;
  seconds: number;
  /** Sales per `/v1/sync` batch (6 commands each). */
  salesPerBatch: number;
  seed: number;
}>;

export type LoadTask =
  | Readonly<{ kind: 'run'; spec: LoadSpec }>
  | Readonly<{ kind: 'readBack'; limit: number | null; concurrency: number }>
  | Readonly<{ kind: 'close' }>;

/** An acknowledged command: when its answer arrived (epoch ms, sub-ms) and its global position. */
export type Ack = Readonly<{ atEpochMs: number; position: string }>;

/** One sale as the till rang it up, and what the server acknowledged of it. */
export type Sale = Readonly<{
  till: number;
  orderId: string;
  lines: readonly Readonly<{ lineId: string; unitPrice: number; quantity: number }>[];
  total: number;
  tendered: number;
  /** Revision each acknowledged command answered, in order (open = 0 ... complete = 5). */
  revisions: readonly number[];
  completed: boolean;
}>;

export type ErrorSample = Readonly<{ what: string; status: number; body: string }>;

export type RunResult = Readonly<{
  kind: 'run';
  /** Epoch ms of the measured window: from the end of the warm-up to the last answer. */
  windowStartEpochMs: number;
  windowEndEpochMs: number;
  /** Latency of each command started in the window, per kind (online mode). */
  latencies: Readonly<Record<CommandKind, readonly number[]>>;
  /** Latency of each batch started in the window, and its commands (sync mode). */
  batchLatencies: readonly number[];
  batchCommands: readonly number[];
  /** Commands started in the window and acknowledged, per kind (a sync batch's, each). */
  measuredCommands: Readonly<Record<CommandKind, number>>;
  /** Every acknowledged command of the window, for the projection lag. */
  acks: readonly Ack[];
  errors: number;
  errorSamples: readonly ErrorSample[];
  /** Every acknowledged command, warm-up included (what the log must hold). */
  acknowledged: Readonly<Record<CommandKind, number>>;
  sales: readonly Sale[];
  clientCpuSeconds: number;
}>;

export type ReadBackResult = Readonly<{ kind: 'readBack'; checked: number; wrong: number; samples: readonly string[]; seconds: number }>;

export type LoadResult = RunResult | ReadBackResult | Readonly<{ kind: 'close' }>;

export type LoadWorkerMessage =
  | Readonly<{ type: 'measuring'; id: number; atEpochMs: number }>
  | Readonly<{ type: 'result'; id: number; result: LoadResult }>
  | Readonly<{ type: 'error'; id: number; message: string; stack?: string | undefined }>;

export type LoadOrchestratorMessage = Readonly<{ type: 'task'; id: number; task: LoadTask }>;
