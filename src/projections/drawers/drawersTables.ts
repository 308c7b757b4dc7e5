import { sql, type ColumnType, type Transaction } from 'kysely';
import type { Database } from '../../infrastructure/postgres/database.js';
import { createTenantSettingsTable, type TenantSettingsTables } from '../shared/tenantSettings.js';

/** Bigints arrive as strings from `pg` and as `bigint` from PGlite; numbers go in. */
type Amount = ColumnType<string | bigint, string | bigint | number, string | bigint | number>;
type Timestamp = ColumnType<Date, string, string>;

/** One drawer session: one employee accountable for one till's cash drawer, from open to close. */
export type DrawerSessionRow = {
  tenant_id: string;
  drawer_id: string;
  /** 'open' | 'closed'; 'unopened' while only sales have named the drawer (never in a log the commands wrote). */
  status: string;
  employee_id: string | null;
  shift_id: string | null;
  branch_id: string | null;
  device_id: string | null;
  /** The tenant's local date of the opening. */
  business_date: string | null;
  opened_at: Timestamp | null;
  /** Commit of the DrawerOpened event. */
  opened_position: Amount | null;
  float: Amount;
  cash_in: Amount;
  cash_in_count: number;
  cash_out: Amount;
  cash_out_count: number;
  /** Cash handed over by customers into this drawer. */
  cash_tendered: Amount;
  /** Change given back from this drawer when a sale completed. */
  change_given: Amount;
  /** Cash handed back when a cash payment was removed or its order voided. */
  cash_returned: Amount;
  /** Cash paid out of this drawer for refunds, and how many. */
  cash_refunded: Amount;
  refund_count: number;
  closed_at: Timestamp | null;
  closed_by: string | null;
  /** The reckoning recorded by DrawerClosed: net cash sales, expected, counted, variance. */
  closing_cash_sales: Amount | null;
  expected: Amount | null;
  counted: Amount | null;
  variance: Amount | null;
};

/** One shift: clock-in to clock-out of one employee at one branch (and till, on a till). */
export type ShiftRow = {
  tenant_id: string;
  shift_id: string;
  employee_id: string;
  branch_id: string;
  device_id: string | null;
  /** 'open' | 'closed'. */
  status: string;
  business_date: string;
  clocked_in_at: Timestamp;
  clocked_out_at: Timestamp | null;
  /** Whole seconds from clock-in to clock-out; null while open. */
  duration_seconds: number | null;
  clock_in_position: Amount;
  drawer_count: number;
};

/** Cash payments of orders not yet completed or voided: where removal, void and change move cash. */
export type OpenCashPaymentRow = {
  tenant_id: string;
  order_id: string;
  payment_id: string;
  drawer_id: string;
  amount: Amount;
  /** Stream revision of PaymentAdded: change leaves the drawer of the last cash payment. */
  revision: number;
};

export type DrawersTables = TenantSettingsTables & {
  drawer_sessions: DrawerSessionRow;
  shifts: ShiftRow;
  drawer_open_cash_payments: OpenCashPaymentRow;
};

export async function createDrawersTables(trx: Transaction<Database & DrawersTables>): Promise<void> {
  // kysely types a transaction invariantly in its tables; this one holds tenant_settings too.
  await createTenantSettingsTable(trx as unknown as Transaction<Database & TenantSettingsTables>);
  await sql`
    CREATE TABLE drawer_sessions (
      tenant_id text NOT NULL,
      drawer_id text NOT NULL,
      status text NOT NULL,
      employee_id text,
      shift_id text,
      branch_id text,
      device_id text,
      business_date text,
      opened_at timestamptz,
      opened_position bigint,
      float bigint NOT NULL,
      cash_in bigint NOT NULL,
      cash_in_count integer NOT NULL,
      cash_out bigint NOT NULL,
      cash_out_count integer NOT NULL,
      cash_tendered bigint NOT NULL,
      change_given bigint NOT NULL,
      cash_returned bigint NOT NULL,
      cash_refunded bigint NOT NULL,
      refund_count integer NOT NULL,
      closed_at timestamptz,
      closed_by text,
      closing_cash_sales bigint,
      expected bigint,
      counted bigint,
      variance bigint,
      PRIMARY KEY (tenant_id, drawer_id)
    )`.execute(trx);
  // A page of a tenant's drawers, newest first, with or without one filter: each an index range.
  await sql`CREATE INDEX drawer_sessions_by_tenant ON drawer_sessions (tenant_id, opened_at DESC, drawer_id DESC)`.execute(trx);
  await sql`CREATE INDEX drawer_sessions_by_branch ON drawer_sessions (tenant_id, branch_id, opened_at DESC, drawer_id DESC)`.execute(trx);
  await sql`CREATE INDEX drawer_sessions_by_device ON drawer_sessions (tenant_id, device_id, opened_at DESC, drawer_id DESC)`.execute(trx);
  await sql`CREATE INDEX drawer_sessions_by_employee ON drawer_sessions (tenant_id, employee_id, opened_at DESC, drawer_id DESC)`.execute(trx);
  await sql`CREATE INDEX drawer_sessions_by_date ON drawer_sessions (tenant_id, business_date, opened_at DESC, drawer_id DESC)`.execute(trx);
  await sql`
    CREATE TABLE shifts (
      tenant_id text NOT NULL,
      shift_id text NOT NULL,
      employee_id text NOT NULL,
      branch_id text NOT NULL,
      device_id text,
      status text NOT NULL,
      business_date text NOT NULL,
      clocked_in_at timestamptz NOT NULL,
      clocked_out_at timestamptz,
      duration_seconds integer,
      clock_in_position bigint NOT NULL,
      drawer_count integer NOT NULL,
      PRIMARY KEY (tenant_id, shift_id)
    )`.execute(trx);
  await sql`CREATE INDEX shifts_by_tenant ON shifts (tenant_id, clocked_in_at DESC, shift_id DESC)`.execute(trx);
  await sql`CREATE INDEX shifts_by_branch ON shifts (tenant_id, branch_id, clocked_in_at DESC, shift_id DESC)`.execute(trx);
  await sql`CREATE INDEX shifts_by_device ON shifts (tenant_id, device_id, clocked_in_at DESC, shift_id DESC)`.execute(trx);
  await sql`CREATE INDEX shifts_by_employee ON shifts (tenant_id, employee_id, clocked_in_at DESC, shift_id DESC)`.execute(trx);
  await sql`CREATE INDEX shifts_by_date ON shifts (tenant_id, business_date, clocked_in_at DESC, shift_id DESC)`.execute(trx);
  await sql`
    CREATE TABLE drawer_open_cash_payments (
      tenant_id text NOT NULL,
      order_id text NOT NULL,
      payment_id text NOT NULL,
      drawer_id text NOT NULL,
      amount bigint NOT NULL,
      revision integer NOT NULL,
      PRIMARY KEY (tenant_id, order_id, payment_id)
    )`.execute(trx);
}
