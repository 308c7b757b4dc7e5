import type { RecordedEvent } from '../ports/eventStore.js';

/**
 * Reacts to events with effects outside the log's database transaction (another table through a
 * port, a message). Runs at least once per event, in global order: `react` must be idempotent.
 * The projection runner (`src/projections/runner.ts`) feeds it and keeps its checkpoint.
 */
export interface Reactor {
  readonly kind: 'reactor';
  readonly name: string;
  react(events: readonly RecordedEvent[]): Promise<void>;
}
