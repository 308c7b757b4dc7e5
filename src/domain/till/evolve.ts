import type { TillEvent } from './events.js';
import type { TillState } from './state.js';

/** Folds one event into the state; ignores event types it does not know (newer writers). */
export function evolve(state: TillState, event: TillEvent): TillState {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- one type today, but a newer writer's type reaches here at runtime
  if (event.type !== 'TillDayClosed') return state;
  const { tenantId, branchId, deviceId, zNumber, periodEnd, through, grandTotals } = event.data;
  return { status: 'closed_before', tenantId, branchId, deviceId, lastZ: zNumber, lastPeriodEnd: periodEnd, lastThrough: through, grandTotals };
}
