import type { Command } from '../shared/command.js';
import type { BranchId, DeviceId, TenantId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';
import type { TillFigures } from './figures.js';

/** What a Z prints at its top, as the tenant's settings and directory read when it was closed. */
export type TillHeader = Readonly<{ legalName: string; currency: string; timeZone: string; branchName: string; deviceName: string }>;

/**
 * Closes the till's open period with the next Z number. The figures are the till's open period
 * as its read model holds it (the X-report at that moment): the application reads them, the
 * decider numbers the Z and carries the running grand totals on. `meta.at` ends the period.
 */
export type CloseTillDay = Command<
  'CloseTillDay',
  {
    tenantId: TenantId;
    branchId: BranchId;
    deviceId: DeviceId;
    header: TillHeader;
    /** `YYYY-MM-DD`: the closing time's local date in the tenant's zone. */
    businessDate: string;
    /** Business time of the open period's first fact, for a till's first Z; null when it did nothing. */
    firstActivityAt: Instant | null;
    /**
     * Log position of the last fact the figures count (opaque to the domain): what reached the
     * till after it belongs to the next period. Null when nothing was counted yet.
     */
    through: string | null;
    figures: TillFigures;
  }
>;

export type TillCommand = CloseTillDay;
