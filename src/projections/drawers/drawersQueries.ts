import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ReadFilter } from '../../application/queries/readScope.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { DrawerSessionRow, DrawersTables, ShiftRow } from './drawersTables.js';

type Db = Kysely<Database & DrawersTables>;

/** A drawer session as the drawers report shows it; amounts in minor units of the tenant currency. */
export type DrawerView = {
  drawerId: string;
  status: 'open' | 'closed';
  employeeId: string;
  shiftId: string;
  branchId: string | null;
  deviceId: string;
  businessDate: string;
  openedAt: string;
  float: number;
  cashIn: number;
  cashInCount: number;
  cashOut: number;
  cashOutCount: number;
  cashTendered: number;
  changeGiven: number;
  cashReturned: number;
  cashSales: number;
  cashRefunds: number;
  refundCount: number;
  expected: number;
  counted: number | null;
  variance: number | null;
  closedAt: string | null;
  closedBy: string | null;
  closingCashSales: number | null;
  cashSinceClose: number | null;
};

export type ShiftView = {
  shiftId: string;
  status: 'open' | 'closed';
  employeeId: string;
  branchId: string;
  deviceId: string | null;
  businessDate: string;
  clockedInAt: string;
  clockedOutAt: string | null;
  durationSeconds: number | null;
  drawerCount: number;
};

export type DrawerQuery = Readonly<{
  employeeId?: string | undefined;
  status?: 'open' | 'closed' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}>;

/** Newest first: the business time of the opening, then the id (unique in the tenant). */
export type DrawerCursor = readonly [string, string];

/** The cashier a list is narrowed to: a cashier reads their own drawers and shifts only. */
export type Own = Readonly<{ employeeId: string | null }>;

export async function listDrawers(
  db: Db,
  filter: ReadFilter,
  query: DrawerQuery,
  own: Own,
  page: Readonly<{ size: number; after: DrawerCursor | undefined }>,
): Promise<DrawerView[]> {
  let select = db.selectFrom('drawer_sessions').selectAll().where('tenant_id', '=', filter.tenantId).where('status', '!=', 'unopened');
  select = scoped(select, filter, own, query);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) {
    const [openedAt, drawerId] = page.after;
    select = select.where(sql<boolean>`(opened_at, drawer_id) < (${openedAt}::timestamptz, ${drawerId})`);
  }
  const rows = await select.orderBy('opened_at', 'desc').orderBy('drawer_id', 'desc').limit(page.size).execute();
  return rows.map(drawerViewOf);
}

/** One drawer of the tenant, or undefined (another tenant's, or none). */
export async function findDrawer(db: Db, tenantId: string, drawerId: string): Promise<DrawerView | undefined> {
  const row = await db
    .selectFrom('drawer_sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('drawer_id', '=', drawerId)
    .where('status', '!=', 'unopened')
    .executeTakeFirst();
  return row && drawerViewOf(row);
}

export async function listShifts(
  db: Db,
  filter: ReadFilter,
  query: Omit<DrawerQuery, 'status'> & Readonly<{ status?: 'open' | 'closed' | undefined }>,
  own: Own,
  page: Readonly<{ size: number; after: DrawerCursor | undefined }>,
): Promise<ShiftView[]> {
  let select = db.selectFrom('shifts').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.branchIds !== undefined) select = select.where('branch_id', 'in', filter.branchIds);
  if (filter.deviceId !== undefined) select = select.where('device_id', '=', filter.deviceId);
  const employeeId = own.employeeId ?? query.employeeId;
  if (employeeId !== undefined) select = select.where('employee_id', '=', employeeId);
  if (query.from !== undefined) select = select.where('business_date', '>=', query.from);
  if (query.to !== undefined) select = select.where('business_date', '<=', query.to);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (page.after) {
    const [clockedInAt, shiftId] = page.after;
    select = select.where(sql<boolean>`(clocked_in_at, shift_id) < (${clockedInAt}::timestamptz, ${shiftId})`);
  }
  const rows = await select.orderBy('clocked_in_at', 'desc').orderBy('shift_id', 'desc').limit(page.size).execute();
  return rows.map(shiftViewOf);
}

function scoped<O>(
  select: SelectQueryBuilder<Database & DrawersTables, 'drawer_sessions', O>,
  filter: ReadFilter,
  own: Own,
  query: DrawerQuery,
): SelectQueryBuilder<Database & DrawersTables, 'drawer_sessions', O> {
  let narrowed = select;
  if (filter.branchIds !== undefined) narrowed = narrowed.where('branch_id', 'in', filter.branchIds);
  if (filter.deviceId !== undefined) narrowed = narrowed.where('device_id', '=', filter.deviceId);
  const employeeId = own.employeeId ?? query.employeeId;
  if (employeeId !== undefined) narrowed = narrowed.where('employee_id', '=', employeeId);
  if (query.from !== undefined) narrowed = narrowed.where('business_date', '>=', query.from);
  if (query.to !== undefined) narrowed = narrowed.where('business_date', '<=', query.to);
  return narrowed;
}

/**
 * The figures: cash sales = tendered - change - handed back; expected = float + cash in - cash out
 * + cash sales - cash refunds while open, and as DrawerClosed recorded it once closed (the close
 * decided on it); `cashSinceClose` is cash that sales moved through the drawer after its close
 * (a void or a late sync), which the recorded reckoning does not include.
 */
function drawerViewOf(row: Selectable<DrawerSessionRow>): DrawerView {
  const n = (value: string | bigint): number => Number(value);
  const cashSales = n(row.cash_tendered) - n(row.change_given) - n(row.cash_returned);
  const cashRefunds = n(row.cash_refunded);
  const netCash = cashSales - cashRefunds;
  const closed = row.status === 'closed';
  const closingCashSales = row.closing_cash_sales === null ? null : n(row.closing_cash_sales);
  return {
    drawerId: row.drawer_id,
    status: closed ? 'closed' : 'open',
    employeeId: row.employee_id ?? '',
    shiftId: row.shift_id ?? '',
    branchId: row.branch_id,
    deviceId: row.device_id ?? '',
    businessDate: row.business_date ?? '',
    openedAt: row.opened_at?.toISOString() ?? '',
    float: n(row.float),
    cashIn: n(row.cash_in),
    cashInCount: row.cash_in_count,
    cashOut: n(row.cash_out),
    cashOutCount: row.cash_out_count,
    cashTendered: n(row.cash_tendered),
    changeGiven: n(row.change_given),
    cashReturned: n(row.cash_returned),
    cashSales,
    cashRefunds,
    refundCount: row.refund_count,
    expected: closed && row.expected !== null ? n(row.expected) : n(row.float) + n(row.cash_in) - n(row.cash_out) + netCash,
    counted: row.counted === null ? null : n(row.counted),
    variance: row.variance === null ? null : n(row.variance),
    closedAt: row.closed_at?.toISOString() ?? null,
    closedBy: row.closed_by,
    closingCashSales,
    cashSinceClose: closed && closingCashSales !== null ? netCash - closingCashSales : null,
  };
}

function shiftViewOf(row: Selectable<ShiftRow>): ShiftView {
  return {
    shiftId: row.shift_id,
    status: row.status === 'closed' ? 'closed' : 'open',
    employeeId: row.employee_id,
    branchId: row.branch_id,
    deviceId: row.device_id,
    businessDate: row.business_date,
    clockedInAt: row.clocked_in_at.toISOString(),
    clockedOutAt: row.clocked_out_at?.toISOString() ?? null,
    durationSeconds: row.duration_seconds,
    drawerCount: row.drawer_count,
  };
}
