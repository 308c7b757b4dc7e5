import type { DeviceId, DrawerId } from '../../domain/shared/ids.js';
import type { Minor } from '../../domain/shared/money.js';
import { decodeEvent } from '../events/decodeEvent.js';
import type { RecordedEvent } from '../ports/eventStore.js';

/** The reckoning of the employee's most recent drawer close, as DrawerClosed recorded it. */
export type ClosedDrawerView = Readonly<{
  drawerId: DrawerId;
  deviceId: DeviceId;
  openedAt: string | null;
  closedAt: string;
  /** Who closed it (a manager or higher). */
  closedBy: string;
  float: Minor;
  cashIn: Minor;
  cashOut: Minor;
  /** Net cash of sales at the close: tendered, less change, cash handed back and cash refunds. */
  cashSales: Minor;
  expected: Minor;
  counted: Minor;
  variance: Minor;
  /** The drawer in the drawers report, with every figure and later corrections. */
  link: string;
}>;

/**
 * The last closed drawer of an employee's stream (the events its GET folded anyway): the state
 * forgets a drawer once closed, but a manager checking a cashier's day wants the variance.
 */
export function lastClosedDrawerOf(events: readonly RecordedEvent[]): ClosedDrawerView | null {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const recorded = events[i];
    if (recorded?.type !== 'DrawerClosed') continue;
    const closed = decodeEvent(recorded);
    if (closed?.type !== 'DrawerClosed') continue;
    const { drawerId, deviceId, float, cashIn, cashOut, cashSales, expected, counted, variance, at } = closed.data;
    return {
      drawerId, deviceId, openedAt: openedAtOf(events, i, drawerId), closedAt: at, closedBy: closed.envelope.metadata.actor.userId,
      float, cashIn, cashOut, cashSales, expected, counted, variance, link: `/v1/drawers/${encodeURIComponent(drawerId)}`,
    };
  }
  return null;
}

function openedAtOf(events: readonly RecordedEvent[], before: number, drawerId: DrawerId): string | null {
  for (let i = before - 1; i >= 0; i -= 1) {
    const recorded = events[i];
    if (recorded?.type !== 'DrawerOpened') continue;
    const opened = decodeEvent(recorded);
    if (opened?.type === 'DrawerOpened' && opened.data.drawerId === drawerId) return opened.data.at;
  }
  return null;
}
