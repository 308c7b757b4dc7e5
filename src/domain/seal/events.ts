import type { Event } from '../shared/command.js';
import type { TenantId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';

/** Why a seal was made: a till's Z closure, or someone asked. */
export type SealReason = Readonly<{ kind: 'z_closure'; deviceId: string; zNumber: number }> | Readonly<{ kind: 'on_demand'; userId: string }>;

/**
 * What a seal states about a tenant's history (ADR 0024), all of it signed: through log position
 * `through` the tenant had `eventCount` events in `streamCount` streams whose heads (stream,
 * last revision, head hash) have the RFC 6962 Merkle root `root`.
 */
export type SealFigures = Readonly<{
  tenantId: TenantId;
  sealNumber: number;
  /** Log position (`<commit>.<prepare>`) of the tenant's last event covered; null when it had none. */
  through: string | null;
  eventCount: number;
  streamCount: number;
  /** Hex SHA-256 Merkle root over the stream heads in stream-id byte order. */
  root: string;
  sealedAt: Instant;
  reason: SealReason;
  algorithm: 'Ed25519';
  keyId: string;
}>;

/** Seal number `sealNumber` of the tenant (1, 2, 3...): its figures and their signature. */
export type HistorySealed = Event<'HistorySealed', SealFigures & { /** base64url Ed25519 signature over the figures' RFC 8785 text. */ signature: string }>;

export type SealEvent = HistorySealed;

/** Schema version of every Seal event type as written today. */
export const SEAL_EVENT_VERSIONS: Readonly<Record<SealEvent['type'], number>> = {
  HistorySealed: 1,
};
