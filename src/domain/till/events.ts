import type { Event } from '../shared/command.js';
import type { Role } from '../shared/roles.js';
import type { BranchId, DeviceId, TenantId, UserId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';
import type { TillHeader } from './commands.js';
import type { GrandTotals, TillFigures } from './figures.js';

/**
 * A till's period closed with Z number `zNumber` (1, 2, 3... per device, no gap): the figures it
 * closed, so history shows what was closed whatever the read models say later, and the grand
 * totals after it.
 */
export type TillDayClosed = Event<
  'TillDayClosed',
  {
    tenantId: TenantId;
    branchId: BranchId;
    deviceId: DeviceId;
    zNumber: number;
    header: TillHeader;
    businessDate: string;
    periodStart: Instant;
    periodEnd: Instant;
    /** Log position of the last fact counted; the next period starts after it. */
    through: string | null;
    figures: TillFigures;
    grandTotals: GrandTotals;
    closedBy: Readonly<{ userId: UserId; role: Role }>;
  }
>;

export type TillEvent = TillDayClosed;

/** Schema version of each event type as written today; raise one with an upcaster for the old shape. */
export const TILL_EVENT_VERSIONS: Readonly<Record<TillEvent['type'], number>> = {
  TillDayClosed: 1,
};
