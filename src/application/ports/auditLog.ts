import type { AppendResult, GlobalPosition, NewEvent } from './eventStore.js';

/**
 * The log as a verifier reads it (ADR 0023): the stored columns, data and metadata as their stored
 * text, never parsed, so what is hashed is what is stored. PostgreSQL:
 * `src/infrastructure/audit/postgresAuditLog.ts`.
 */
export type StoredEvent = Readonly<{
  streamId: string;
  revision: number;
  eventId: string;
  tenantId: string;
  type: string;
  schemaVersion: number;
  dataText: string;
  metadataText: string;
  /** `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  occurredAt: string;
  recordedAt: string;
  position: GlobalPosition;
  /** Hex; null when never chained. */
  hash: string | null;
}>;

/** A stream's last event as a seal records it. */
export type StreamHead = Readonly<{ streamId: string; revision: number; hash: string }>;

/** One of a tenant's streams, for the auditor's listing. */
export type StreamSummary = Readonly<{ streamId: string; lastRevision: number; lastRecordedAt: Date }>;

export interface AuditLog {
  /**
   * Every event of the tenant's streams (`tenantStreamRanges`), ordered by stream id in byte
   * order, then revision; a page at a time, the next read only when the consumer asks.
   */
  storedEvents(tenantId: string, options?: Readonly<{ pageSize?: number }>): AsyncIterable<readonly StoredEvent[]>;

  /** The directory of the tenant's seal `sealNumber` (each stream's row of the latest seal up to it), in stream-id byte order. */
  sealDirectory(tenantId: string, sealNumber: number): AsyncIterable<readonly StreamHead[]>;

  /** The tenant's streams after `after` (stream-id byte order), at most `limit`. */
  listStreams(tenantId: string, page: Readonly<{ after?: string | undefined; limit: number; category?: string | undefined }>): Promise<readonly StreamSummary[]>;

  /** Tenants that have a tenant stream, in id order, for verifying them all. */
  tenants(): AsyncIterable<string>;
}

/** Appends a seal event and the streams that moved since the seal before, in one transaction (PostgreSQL: one commit). */
export interface SealArchive {
  commitSeal(
    args: Readonly<{ streamId: string; expectedRevision: number | 'no_stream'; event: NewEvent; sealNumber: number; tenantId: string; heads: readonly StreamHead[] }>,
  ): Promise<AppendResult>;
}
