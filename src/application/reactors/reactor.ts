import type { DecodedEvent, DecodedEventType } from '../events/decodeEvent.js';

/**
 * Reacts to events with effects outside the log's database transaction (another table through a
 * port, a message). Runs at least once per event, in global order: `react` must be idempotent.
 * The projection runner (`src/projections/runner.ts`) feeds it and keeps its checkpoint.
 */
export interface Reactor {
  readonly kind: 'reactor';
  readonly name: string;
  /** Event types it reacts to; the runner hands it nothing else (its checkpoint still moves past the rest). */
  readonly handles: ReadonlySet<DecodedEventType>;
  react(events: readonly DecodedEvent[]): Promise<void>;
}
