import type { EventMetadata, RecordedEvent } from '../../../application/ports/eventStore.js';

/** A row of `events` as the read queries select it (bigints as text for both drivers). */
export type EventRow = {
  global_position: string | bigint;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_revision: string | bigint;
  tenant_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
  /** Hex; null on an event written before the chain, until `audit upgrade`. */
  hash: string | null;
};

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    tenantId: row.tenant_id,
    occurredAt: row.occurred_at,
    data: row.data,
    // Written only by this adapter from a typed EventMetadata.
    metadata: row.metadata as EventMetadata,
    streamId: row.stream_id,
    streamRevision: Number(row.stream_revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    recordedAt: row.recorded_at,
    hash: row.hash,
  };
}
