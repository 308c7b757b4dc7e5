import { committedByKey, type CommittedCommand as Committed, type CommittedKeyScope } from '../../application/committedByKey.js';
import type { EventStore } from '../../application/ports/eventStore.js';

export type { CommittedKeyScope };
export type CommittedCommand = Committed & Readonly<{ streamId: string }>;

/**
 * The events a command with this Idempotency-Key already committed to the stream, or null
 * (see committedByKey). The command handler does the same on the events it loads anyway.
 */
export async function findCommittedByKey(
  eventStore: EventStore,
  streamId: string,
  key: string,
  scope: CommittedKeyScope = {},
): Promise<CommittedCommand | null> {
  const found = committedByKey(await eventStore.readStream(streamId), key, scope);
  return found && { streamId, ...found };
}
