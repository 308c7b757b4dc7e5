import type { AppendRun } from './protocol.js';
import { median, summarize, type LatencySummary } from './stats.js';

/** One store's result for one append case over all its repeated runs. */
export type AppendStoreResult = Readonly<{
  /** Median over the runs. */
  appendsPerSecond: number;
  eventsPerSecond: number;
  runs: readonly Readonly<{ appendsPerSecond: number; seconds: number }>[];
  /** Percentiles over the appends of all runs together. */
  latency: LatencySummary;
  errors: number;
}>;

export function combineRuns(runs: readonly AppendRun[]): AppendStoreResult {
  return {
    appendsPerSecond: median(runs.map((r) => r.appendsPerSecond)),
    eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
    runs: runs.map((r) => ({ appendsPerSecond: r.appendsPerSecond, seconds: r.seconds })),
    latency: summarize(runs.flatMap((r) => r.latenciesMs)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}
