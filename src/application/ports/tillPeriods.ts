import type { DeviceId, TenantId } from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import type { TillFigures } from '../../domain/till/index.js';

/** A till's open period (what an X-report shows and the next Z closes), as its read model holds it. */
export type OpenTillPeriod = Readonly<{
  /** Number of the last Z the read model has applied; 0 before the first. */
  lastZ: number;
  /** Business time of the period's first fact; null while the till did nothing since its last Z. */
  firstActivityAt: Instant | null;
  /** Log position (`<commit>.<prepare>`) of the period's last fact; null when it has none. */
  through: string | null;
  figures: TillFigures;
}>;

/**
 * The till periods read model, for the Z command. Tills and orders are different aggregates, so
 * the figures are a read model's; an implementation counts every event acknowledged before the
 * call (it catches up first).
 */
export interface TillPeriods {
  openPeriodOf(tenantId: TenantId, deviceId: DeviceId): Promise<OpenTillPeriod>;
}
