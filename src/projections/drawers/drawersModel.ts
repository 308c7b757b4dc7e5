import type { Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModel } from '../readModel.js';
import { businessDateOf } from '../shared/businessDate.js';
import { pairKey, pairsIn, uniquePairs } from '../shared/keys.js';
import { TENANT_SETTINGS_EVENTS, TenantSettingsFold, type TenantSettingsTables } from '../shared/tenantSettings.js';
import { upsertRows } from '../shared/writeRows.js';
import { createDrawersTables, type DrawersTables } from './drawersTables.js';

export const DRAWERS = 'drawers';

type Trx = Transaction<Database & DrawersTables>;

/** A drawer session as the fold keeps it: the row to write, amounts as numbers, instants as ISO strings. */
type Session = {
  tenant_id: string;
  drawer_id: string;
  status: 'open' | 'closed' | 'unopened';
  employee_id: string | null;
  shift_id: string | null;
  branch_id: string | null;
  device_id: string | null;
  business_date: string | null;
  opened_at: string | null;
  opened_position: string | null;
  float: number;
  cash_in: number;
  cash_in_count: number;
  cash_out: number;
  cash_out_count: number;
  cash_tendered: number;
  change_given: number;
  cash_returned: number;
  cash_refunded: number;
  refund_count: number;
  closed_at: string | null;
  closed_by: string | null;
  closing_cash_sales: number | null;
  expected: number | null;
  counted: number | null;
  variance: number | null;
};

type Shift = {
  tenant_id: string;
  shift_id: string;
  employee_id: string;
  branch_id: string;
  device_id: string | null;
  status: 'open' | 'closed';
  business_date: string;
  clocked_in_at: string;
  clocked_out_at: string | null;
  duration_seconds: number | null;
  clock_in_position: string;
  drawer_count: number;
};

type CashPayment = Readonly<{ paymentId: string; drawerId: string; amount: number; revision: number }>;

const EMPLOYEE_EVENTS = ['EmployeeClockedIn', 'EmployeeClockedOut', 'DrawerOpened', 'CashInRecorded', 'CashOutRecorded', 'DrawerClosed'] as const;
const ORDER_EVENTS = ['PaymentAdded', 'PaymentRemoved', 'OrderCompleted', 'OrderVoided', 'OrderRefunded'] as const;

/**
 * Drawer sessions and shifts, from the Employee streams (open, cash in and out, close with its
 * reckoning; clock in and out) and the Order streams (the cash sales move through drawers).
 *
 * Cash follows the same rules as `drawer_cash`, which CloseDrawer reads for its expected cash:
 * a cash tender goes into the drawer it names; removing that payment or voiding its order hands
 * it back; the change of a completed order comes out of the drawer of its last cash payment; a
 * cash refund comes out of the drawer it names. So a drawer closed with every sale in shows
 * cash sales minus refunds equal to the `cashSales` its DrawerClosed recorded.
 */
export const drawersModel: ReadModel<DrawersTables> = {
  kind: 'read_model',
  name: DRAWERS,
  version: 1,
  handles: new Set<DecodedEventType>([...TENANT_SETTINGS_EVENTS, ...EMPLOYEE_EVENTS, ...ORDER_EVENTS]),
  createTables: createDrawersTables,
  async applyBatch(trx, events) {
    if (events.length === 0) return;
    const tenants = await TenantSettingsFold.load(settingsOf(trx), events);
    const payments = await loadOpenPayments(trx, events);
    const sessions = await loadSessions(trx, events, payments);
    const shifts = await loadShifts(trx, events);
    const fold = new DrawersFold(sessions, shifts, payments);
    for (const event of events) {
      tenants.apply(event);
      fold.apply(event, tenants.timeZoneOf(event.tenantId));
    }
    await tenants.save(settingsOf(trx));
    await fold.save(trx);
  },
};

class DrawersFold {
  private readonly touchedSessions = new Set<string>();
  private readonly touchedShifts = new Set<string>();

  constructor(
    private readonly sessions: Map<string, Session>,
    private readonly shifts: Map<string, Shift>,
    private readonly payments: OpenPayments,
  ) {}

  apply(event: DecodedEvent, timeZone: string): void {
    const tenantId = event.tenantId as string;
    switch (event.type) {
      case 'EmployeeClockedIn': {
        const { shiftId, branchId, deviceId, at } = event.data;
        this.putShift({
          tenant_id: tenantId, shift_id: shiftId, employee_id: event.entityId, branch_id: branchId, device_id: deviceId, status: 'open',
          business_date: businessDateOf(at, timeZone), clocked_in_at: at, clocked_out_at: null, duration_seconds: null,
          clock_in_position: String(event.envelope.position.commit), drawer_count: 0,
        });
        return;
      }
      case 'EmployeeClockedOut': {
        const shift = this.shifts.get(pairKey(tenantId, event.data.shiftId));
        if (!shift) return;
        const seconds = Math.floor((Date.parse(event.data.at) - Date.parse(shift.clocked_in_at)) / 1000);
        this.putShift({ ...shift, status: 'closed', clocked_out_at: event.data.at, duration_seconds: seconds });
        return;
      }
      case 'DrawerOpened': {
        const { drawerId, shiftId, deviceId, float, at } = event.data;
        const shift = this.shifts.get(pairKey(tenantId, shiftId));
        if (shift) this.putShift({ ...shift, drawer_count: shift.drawer_count + 1 });
        this.change(tenantId, drawerId, (s) => ({
          ...s, status: 'open', employee_id: event.entityId, shift_id: shiftId, branch_id: shift?.branch_id ?? null, device_id: deviceId,
          business_date: businessDateOf(at, timeZone), opened_at: at, opened_position: String(event.envelope.position.commit), float,
        }));
        return;
      }
      case 'CashInRecorded':
        this.change(tenantId, event.data.drawerId, (s) => ({ ...s, cash_in: s.cash_in + event.data.amount, cash_in_count: s.cash_in_count + 1 }));
        return;
      case 'CashOutRecorded':
        this.change(tenantId, event.data.drawerId, (s) => ({ ...s, cash_out: s.cash_out + event.data.amount, cash_out_count: s.cash_out_count + 1 }));
        return;
      case 'DrawerClosed': {
        const { drawerId, cashSales, expected, counted, variance, at } = event.data;
        this.change(tenantId, drawerId, (s) => ({
          ...s, status: 'closed', closed_at: at, closed_by: event.envelope.metadata.actor.userId,
          closing_cash_sales: cashSales, expected, counted, variance,
        }));
        return;
      }
      case 'PaymentAdded': {
        const { paymentId, tender, drawerId } = event.data;
        if (tender.method !== 'cash' || drawerId === null) return;
        this.payments.add(tenantId, event.entityId, { paymentId, drawerId, amount: tender.amount, revision: event.envelope.streamRevision });
        this.change(tenantId, drawerId, (s) => ({ ...s, cash_tendered: s.cash_tendered + tender.amount }));
        return;
      }
      case 'PaymentRemoved': {
        const removed = this.payments.remove(tenantId, event.entityId, event.data.paymentId);
        if (removed) this.change(tenantId, removed.drawerId, (s) => ({ ...s, cash_returned: s.cash_returned + removed.amount }));
        return;
      }
      case 'OrderCompleted': {
        const last = this.payments.close(tenantId, event.entityId).at(-1);
        const change = event.data.change;
        if (last && change > 0) this.change(tenantId, last.drawerId, (s) => ({ ...s, change_given: s.change_given + change }));
        return;
      }
      case 'OrderVoided':
        for (const payment of this.payments.close(tenantId, event.entityId)) {
          this.change(tenantId, payment.drawerId, (s) => ({ ...s, cash_returned: s.cash_returned + payment.amount }));
        }
        return;
      case 'OrderRefunded': {
        const { method, drawerId, amount } = event.data;
        if (method !== 'cash' || drawerId === null) return;
        this.change(tenantId, drawerId, (s) => ({ ...s, cash_refunded: s.cash_refunded + amount, refund_count: s.refund_count + 1 }));
        return;
      }
      default:
        return;
    }
  }

  async save(trx: Trx): Promise<void> {
    await upsertRows(trx, 'drawer_sessions', ['tenant_id', 'drawer_id'], [...this.touchedSessions].map((key) => this.sessions.get(key)).filter(isDefined));
    await upsertRows(trx, 'shifts', ['tenant_id', 'shift_id'], [...this.touchedShifts].map((key) => this.shifts.get(key)).filter(isDefined));
    await this.payments.save(trx);
  }

  private change(tenantId: string, drawerId: string, next: (session: Session) => Session): void {
    const key = pairKey(tenantId, drawerId);
    this.sessions.set(key, next(this.sessions.get(key) ?? unopened(tenantId, drawerId)));
    this.touchedSessions.add(key);
  }

  private putShift(shift: Shift): void {
    const key = pairKey(shift.tenant_id, shift.shift_id);
    this.shifts.set(key, shift);
    this.touchedShifts.add(key);
  }
}

/** Cash payments of the batch's orders still open: loaded once, changed in memory, rewritten once per order. */
class OpenPayments {
  private readonly touched = new Set<string>();

  constructor(
    private readonly byOrder: Map<string, CashPayment[]>,
    private readonly orders: readonly (readonly [string, string])[],
  ) {}

  drawersOf(): readonly (readonly [string, string])[] {
    return this.orders.flatMap(([tenantId, orderId]) => (this.byOrder.get(pairKey(tenantId, orderId)) ?? []).map((p) => [tenantId, p.drawerId] as const));
  }

  add(tenantId: string, orderId: string, payment: CashPayment): void {
    const key = pairKey(tenantId, orderId);
    this.byOrder.set(key, [...(this.byOrder.get(key) ?? []), payment]);
    this.touched.add(key);
  }

  remove(tenantId: string, orderId: string, paymentId: string): CashPayment | undefined {
    const key = pairKey(tenantId, orderId);
    const open = this.byOrder.get(key) ?? [];
    const removed = open.find((p) => p.paymentId === paymentId);
    if (!removed) return undefined;
    this.byOrder.set(key, open.filter((p) => p !== removed));
    this.touched.add(key);
    return removed;
  }

  /** The order's open cash payments in the order they were taken; none remain open after. */
  close(tenantId: string, orderId: string): readonly CashPayment[] {
    const key = pairKey(tenantId, orderId);
    const open = [...(this.byOrder.get(key) ?? [])].sort((a, b) => a.revision - b.revision);
    this.byOrder.set(key, []);
    this.touched.add(key);
    return open;
  }

  async save(trx: Trx): Promise<void> {
    const orders = this.orders.filter(([tenantId, orderId]) => this.touched.has(pairKey(tenantId, orderId)));
    if (orders.length === 0) return;
    await trx.deleteFrom('drawer_open_cash_payments').where(pairsIn(['tenant_id', 'order_id'], orders)).execute();
    const rows = orders.flatMap(([tenantId, orderId]) =>
      (this.byOrder.get(pairKey(tenantId, orderId)) ?? []).map((p) => ({
        tenant_id: tenantId, order_id: orderId, payment_id: p.paymentId, drawer_id: p.drawerId, amount: p.amount, revision: p.revision,
      })),
    );
    await upsertRows(trx, 'drawer_open_cash_payments', ['tenant_id', 'order_id', 'payment_id'], rows);
  }
}

async function loadOpenPayments(trx: Trx, events: readonly DecodedEvent[]): Promise<OpenPayments> {
  const orders = uniquePairs(events.filter((e) => e.category === 'order').map((e) => [e.tenantId, e.entityId] as const));
  const byOrder = new Map<string, CashPayment[]>();
  if (orders.length > 0) {
    const rows = await trx.selectFrom('drawer_open_cash_payments').selectAll().where(pairsIn(['tenant_id', 'order_id'], orders)).execute();
    for (const row of rows) {
      const key = pairKey(row.tenant_id, row.order_id);
      byOrder.set(key, [...(byOrder.get(key) ?? []), { paymentId: row.payment_id, drawerId: row.drawer_id, amount: Number(row.amount), revision: row.revision }]);
    }
  }
  return new OpenPayments(byOrder, orders);
}

async function loadSessions(trx: Trx, events: readonly DecodedEvent[], payments: OpenPayments): Promise<Map<string, Session>> {
  const named = events.flatMap((event): (readonly [string, string])[] => {
    switch (event.type) {
      case 'DrawerOpened':
      case 'CashInRecorded':
      case 'CashOutRecorded':
      case 'DrawerClosed':
        return [[event.tenantId, event.data.drawerId]];
      case 'PaymentAdded':
      case 'OrderRefunded':
        return event.data.drawerId === null ? [] : [[event.tenantId, event.data.drawerId]];
      default:
        return [];
    }
  });
  const keys = uniquePairs([...named, ...payments.drawersOf()]);
  const sessions = new Map<string, Session>();
  if (keys.length === 0) return sessions;
  const rows = await trx.selectFrom('drawer_sessions').selectAll().where(pairsIn(['tenant_id', 'drawer_id'], keys)).execute();
  for (const row of rows) {
    sessions.set(pairKey(row.tenant_id, row.drawer_id), {
      ...row,
      status: row.status as Session['status'],
      opened_at: isoOrNull(row.opened_at),
      opened_position: row.opened_position === null ? null : String(row.opened_position),
      float: Number(row.float),
      cash_in: Number(row.cash_in),
      cash_out: Number(row.cash_out),
      cash_tendered: Number(row.cash_tendered),
      change_given: Number(row.change_given),
      cash_returned: Number(row.cash_returned),
      cash_refunded: Number(row.cash_refunded),
      closed_at: isoOrNull(row.closed_at),
      closing_cash_sales: numberOrNull(row.closing_cash_sales),
      expected: numberOrNull(row.expected),
      counted: numberOrNull(row.counted),
      variance: numberOrNull(row.variance),
    });
  }
  return sessions;
}

async function loadShifts(trx: Trx, events: readonly DecodedEvent[]): Promise<Map<string, Shift>> {
  const keys = uniquePairs(
    events.flatMap((event): (readonly [string, string])[] =>
      event.type === 'EmployeeClockedIn' || event.type === 'EmployeeClockedOut' || event.type === 'DrawerOpened' ? [[event.tenantId, event.data.shiftId]] : [],
    ),
  );
  const shifts = new Map<string, Shift>();
  if (keys.length === 0) return shifts;
  const rows = await trx.selectFrom('shifts').selectAll().where(pairsIn(['tenant_id', 'shift_id'], keys)).execute();
  for (const row of rows) {
    shifts.set(pairKey(row.tenant_id, row.shift_id), {
      ...row,
      status: row.status as Shift['status'],
      clocked_in_at: row.clocked_in_at.toISOString(),
      clocked_out_at: isoOrNull(row.clocked_out_at),
      clock_in_position: String(row.clock_in_position),
    });
  }
  return shifts;
}

function unopened(tenantId: string, drawerId: string): Session {
  return {
    tenant_id: tenantId, drawer_id: drawerId, status: 'unopened', employee_id: null, shift_id: null, branch_id: null, device_id: null,
    business_date: null, opened_at: null, opened_position: null, float: 0, cash_in: 0, cash_in_count: 0, cash_out: 0, cash_out_count: 0,
    cash_tendered: 0, change_given: 0, cash_returned: 0, cash_refunded: 0, refund_count: 0, closed_at: null, closed_by: null,
    closing_cash_sales: null, expected: null, counted: null, variance: null,
  };
}

/**
 * The same transaction seen with only the tenant settings table: kysely types a transaction
 * invariantly in its tables, though one holding more tables serves every query of fewer.
 */
export function settingsOf(trx: Trx): Transaction<Database & TenantSettingsTables> {
  return trx as unknown as Transaction<Database & TenantSettingsTables>;
}

function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

function numberOrNull(value: string | bigint | null): number | null {
  return value === null ? null : Number(value);
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
