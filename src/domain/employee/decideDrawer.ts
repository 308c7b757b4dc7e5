import type { DrawerId } from '../shared/ids.js';
import { requireMinor } from '../shared/money.js';
import { COUNTED_MAX, FLOAT_MAX, MOVEMENT_MAX, expectedCash, requireCashSales, type MovementId } from './cash.js';
import type { CloseDrawer, OpenDrawer, RecordCashIn, RecordCashOut } from './commands.js';
import { employeeError } from './errors.js';
import type { CashInRecorded, CashOutRecorded, DrawerClosed, DrawerOpened } from './events.js';
import { requireActive, requireManager, requireReason } from './guards.js';
import type { ActiveEmployee, DrawerSession, EmployeeState } from './state.js';

/*
 * A drawer session: one employee accountable for one device's cash drawer from open to close.
 * Every figure of the reckoning is computed here from the stream and the application's sales
 * facts; nothing the client says about expected cash or variance is taken on trust.
 */

export function openDrawer({ data, meta }: OpenDrawer, state: EmployeeState): [DrawerOpened] {
  const employee = requireActive(state);
  const shift = employee.shift;
  if (!shift) throw employeeError('SHIFT_NOT_OPEN', 'Clock in before opening a cash drawer');
  if (shift.drawer) {
    throw employeeError('DRAWER_ALREADY_OPEN', 'The employee already has a cash drawer open', { drawerId: shift.drawer.drawerId });
  }
  const float = requireMinor(data.floatAmount, 'floatAmount', 0, FLOAT_MAX);
  if (employee.role === 'cashier' && !employee.deviceIds.includes(data.deviceId)) {
    throw employeeError('DEVICE_NOT_BOUND', 'The cashier is not bound to this device', { deviceId: data.deviceId });
  }
  return [{ type: 'DrawerOpened', data: { drawerId: data.drawerId, shiftId: shift.shiftId, deviceId: data.deviceId, float, at: meta.at } }];
}

export function recordCashIn({ data, meta }: RecordCashIn, state: EmployeeState): [CashInRecorded] {
  const drawer = requireOpenDrawer(requireActive(state), data.drawerId);
  const amount = requireMinor(data.amount, 'amount', 1, MOVEMENT_MAX);
  const reason = requireReason(data.reason);
  requireNewMovement(drawer, data.movementId);
  return [{ type: 'CashInRecorded', data: { drawerId: data.drawerId, movementId: data.movementId, amount, reason, at: meta.at } }];
}

export function recordCashOut({ data, meta }: RecordCashOut, state: EmployeeState): [CashOutRecorded] {
  const drawer = requireOpenDrawer(requireActive(state), data.drawerId);
  const amount = requireMinor(data.amount, 'amount', 1, MOVEMENT_MAX);
  const reason = requireReason(data.reason);
  const cashSalesSoFar = requireCashSales(data.cashSalesSoFar, 'cashSalesSoFar');
  requireNewMovement(drawer, data.movementId);
  const available = expectedCash(drawer, cashSalesSoFar);
  if (amount > available) {
    throw employeeError('INSUFFICIENT_CASH_IN_DRAWER', 'More cash cannot leave the drawer than is expected in it', { amount, available });
  }
  return [{ type: 'CashOutRecorded', data: { drawerId: data.drawerId, movementId: data.movementId, amount, reason, at: meta.at } }];
}

export function closeDrawer({ data, meta }: CloseDrawer, state: EmployeeState): [DrawerClosed] {
  requireManager(meta);
  const drawer = requireOpenDrawer(requireActive(state), data.drawerId);
  const counted = requireMinor(data.countedAmount, 'countedAmount', 0, COUNTED_MAX);
  const cashSales = requireCashSales(data.cashSales, 'cashSales');
  if (meta.at < drawer.openedAt) {
    throw employeeError('DRAWER_CLOSE_BEFORE_OPEN', 'A drawer cannot close before it opened', { openedAt: drawer.openedAt, at: meta.at });
  }
  const expected = expectedCash(drawer, cashSales);
  const { drawerId, deviceId, float, cashIn, cashOut } = drawer;
  return [
    {
      type: 'DrawerClosed',
      data: { drawerId, deviceId, float, cashIn, cashOut, cashSales, expected, counted, variance: counted - expected, at: meta.at },
    },
  ];
}

function requireOpenDrawer(employee: ActiveEmployee, drawerId: DrawerId): DrawerSession {
  const drawer = employee.shift?.drawer;
  if (drawer?.drawerId !== drawerId) throw employeeError('DRAWER_NOT_OPEN', 'This cash drawer is not open', { drawerId });
  return drawer;
}

/** Movement ids name a movement for good: a second use is refused, not merged or overwritten. */
function requireNewMovement(drawer: DrawerSession, movementId: MovementId): void {
  if (drawer.movementIds.includes(movementId)) {
    throw employeeError('MOVEMENT_ALREADY_RECORDED', 'This movement id has already been recorded in the drawer', { movementId });
  }
}
