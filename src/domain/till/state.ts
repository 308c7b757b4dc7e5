import type { BranchId, DeviceId, TenantId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';
import type { GrandTotals } from './figures.js';

/** A till never closed yet. */
export type NewTill = Readonly<{ status: 'new' }>;

/** A till with at least one Z: the last one's number and end, and the grand totals after it. */
export type ClosedBeforeTill = Readonly<{
  status: 'closed_before';
  tenantId: TenantId;
  branchId: BranchId;
  deviceId: DeviceId;
  lastZ: number;
  lastPeriodEnd: Instant;
  lastThrough: string | null;
  grandTotals: GrandTotals;
}>;

export type TillState = NewTill | ClosedBeforeTill;

export const initialTillState: TillState = { status: 'new' };
