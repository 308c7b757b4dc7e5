import type { Instant } from '../shared/time.js';
import type { CloseTillDay, TillCommand } from './commands.js';
import { tillError } from './errors.js';
import type { TillDayClosed, TillEvent } from './events.js';
import { addToGrandTotals, EMPTY_GRAND_TOTALS } from './figures.js';
import { requireFigures } from './validate.js';
import type { TillState } from './state.js';

const BUSINESS_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The Till rules. Who may close (a manager of the till's branch, or the cashier signed in on the
 * till) is checked by the application against the principal's scope; the decider keeps the
 * cashier to their own till, numbers the Z and carries the grand totals.
 */
export function decide(command: TillCommand, state: TillState): readonly TillEvent[] {
  // One command today: the union gets its switch (and `never` check) with the second.
  return [close(command, state)];
}

function close({ data, meta }: CloseTillDay, state: TillState): TillDayClosed {
  const { tenantId, branchId, deviceId, header, businessDate, firstActivityAt, through, figures } = data;
  if (meta.actor.role === 'cashier' && meta.actor.deviceId !== deviceId) {
    throw tillError('TILL_NOT_YOURS', 'A cashier closes only the till they are signed in on', { deviceId });
  }
  if (state.status === 'closed_before' && (state.tenantId !== tenantId || state.branchId !== branchId || state.deviceId !== deviceId)) {
    throw tillError('TILL_MISMATCH', 'This till stream belongs to another device', { deviceId: state.deviceId });
  }
  if (!BUSINESS_DATE.test(businessDate)) throw tillError('TILL_BUSINESS_DATE_INVALID', 'businessDate must be YYYY-MM-DD', { businessDate });
  requireFigures(figures);
  // A period runs from the previous Z to this one (the till's first from its first fact). A till
  // clock behind the previous Z's never makes a period run backwards: it ends where it starts.
  const periodStart = state.status === 'closed_before' ? state.lastPeriodEnd : earliest(firstActivityAt ?? meta.at, meta.at);
  const periodEnd = latest(meta.at, periodStart);
  const previous = state.status === 'closed_before' ? state : null;
  return {
    type: 'TillDayClosed',
    data: {
      tenantId,
      branchId,
      deviceId,
      zNumber: (previous?.lastZ ?? 0) + 1,
      header,
      businessDate,
      periodStart,
      periodEnd,
      through: through ?? previous?.lastThrough ?? null,
      figures,
      grandTotals: addToGrandTotals(previous?.grandTotals ?? EMPTY_GRAND_TOTALS, figures),
      closedBy: { userId: meta.actor.userId, role: meta.actor.role },
    },
  };
}

// Instants of one format compare in time order (shared/time.ts).
const earliest = (a: Instant, b: Instant): Instant => (a < b ? a : b);
const latest = (a: Instant, b: Instant): Instant => (a > b ? a : b);
