import { sql, type ColumnType, type Transaction } from 'kysely';
import type { Database } from '../../infrastructure/postgres/database.js';
import { createTenantSettingsTable, type TenantSettingsTables } from '../shared/tenantSettings.js';

/** A sum of minor units or units: bigint in PostgreSQL, a string from `pg`, a bigint from PGlite. */
type Sum = ColumnType<string | bigint, number, number>;
type Small = ColumnType<number, number, number>;

/** Every report row starts with this key: see README "What each sales figure means". */
type DayKey = { tenant_id: string; branch_id: string; business_date: string; currency: string; price_mode: string };

type SaleFigures = {
  order_count: Sum; items_sold: Sum; gross: Sum; discount_amount: Sum; net: Sum; tax: Sum; total: Sum;
  refund_count: Sum; refund_amount: Sum;
};

export type DailySalesRow = DayKey & SaleFigures & {
  discount_count: Sum; items_refunded: Sum; void_count: Sum; void_amount: Sum;
  /** Generated: total / order_count rounded half away from zero; null without sales. */
  average_ticket: ColumnType<string | bigint | null, never, never>;
};
export type DailySalesTaxRow = DayKey & { tax_rate_id: string; basis_points: Small; order_count: Sum; taxable: Sum; tax: Sum; gross: Sum };
export type DailySalesPaymentRow = Omit<DayKey, 'price_mode'> & {
  method: string; tender_count: Sum; amount: Sum; change_given: Sum; refund_count: Sum; refund_amount: Sum;
};
export type DailySalesHourRow = DayKey & SaleFigures & { hour_start: ColumnType<Date, string, string>; hour: Small; utc_offset_minutes: Small };
export type CashierSalesRow = DayKey & SaleFigures & { cashier_id: string };
export type ProductSalesRow = DayKey & {
  sku: string; name: string; quantity: Sum; gross: Sum; discount_amount: Sum; net: Sum; tax: Sum; total: Sum;
  refund_quantity: Sum; refund_amount: Sum;
};

export type SalesTables = TenantSettingsTables & {
  /** The order as the aggregate folds it, until it is voided (then nothing more can count). */
  /** `snapshot`: the order's SnapshotOrNone as JSON text, never parsed by PostgreSQL (ADR 0018). */
  sales_orders: { tenant_id: string; order_id: string; snapshot: string };
  daily_sales: DailySalesRow;
  daily_sales_tax: DailySalesTaxRow;
  daily_sales_payments: DailySalesPaymentRow;
  daily_sales_hours: DailySalesHourRow;
  sales_by_cashier: CashierSalesRow;
  sales_by_product: ProductSalesRow;
};

const DAY_KEY = sql`tenant_id text NOT NULL, branch_id text NOT NULL, business_date date NOT NULL, currency text NOT NULL, price_mode text NOT NULL`;
const SALE_FIGURES = sql`
  order_count bigint NOT NULL, items_sold bigint NOT NULL, gross bigint NOT NULL, discount_amount bigint NOT NULL,
  net bigint NOT NULL, tax bigint NOT NULL, total bigint NOT NULL, refund_count bigint NOT NULL, refund_amount bigint NOT NULL`;

/**
 * Primary keys lead with tenant and branch, then the date: one branch's page is a range scan of
 * the key in the reports' order.
 */
export async function createSalesTables(trx: Transaction<Database & SalesTables>): Promise<void> {
  await createTenantSettingsTable(settingsOf(trx));
  await sql`CREATE TABLE sales_orders (tenant_id text NOT NULL, order_id text NOT NULL, snapshot text NOT NULL, PRIMARY KEY (tenant_id, order_id))`.execute(trx);
  await sql`
    CREATE TABLE daily_sales (${DAY_KEY}, ${SALE_FIGURES},
      discount_count bigint NOT NULL, items_refunded bigint NOT NULL, void_count bigint NOT NULL, void_amount bigint NOT NULL,
      average_ticket bigint GENERATED ALWAYS AS (
        CASE WHEN order_count = 0 THEN NULL ELSE sign(total) * ((abs(total) * 2 + order_count) / (2 * order_count)) END
      ) STORED,
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, price_mode))`.execute(trx);
  await sql`
    CREATE TABLE daily_sales_tax (${DAY_KEY}, tax_rate_id text NOT NULL, basis_points integer NOT NULL,
      order_count bigint NOT NULL, taxable bigint NOT NULL, tax bigint NOT NULL, gross bigint NOT NULL,
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, price_mode, tax_rate_id, basis_points))`.execute(trx);
  await sql`
    CREATE TABLE daily_sales_payments (tenant_id text NOT NULL, branch_id text NOT NULL, business_date date NOT NULL, currency text NOT NULL,
      method text NOT NULL, tender_count bigint NOT NULL, amount bigint NOT NULL, change_given bigint NOT NULL,
      refund_count bigint NOT NULL, refund_amount bigint NOT NULL,
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, method))`.execute(trx);
  await sql`
    CREATE TABLE daily_sales_hours (${DAY_KEY}, hour_start timestamptz NOT NULL, hour smallint NOT NULL, utc_offset_minutes smallint NOT NULL,
      ${SALE_FIGURES},
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, price_mode, hour_start))`.execute(trx);
  await sql`
    CREATE TABLE sales_by_cashier (${DAY_KEY}, cashier_id text NOT NULL, ${SALE_FIGURES},
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, price_mode, cashier_id))`.execute(trx);
  await sql`
    CREATE TABLE sales_by_product (${DAY_KEY}, sku text NOT NULL, name text NOT NULL,
      quantity bigint NOT NULL, gross bigint NOT NULL, discount_amount bigint NOT NULL, net bigint NOT NULL, tax bigint NOT NULL,
      total bigint NOT NULL, refund_quantity bigint NOT NULL, refund_amount bigint NOT NULL,
      PRIMARY KEY (tenant_id, branch_id, business_date, currency, price_mode, sku))`.execute(trx);
  // In the reports' order (date, branch, then the rest of the key): a tenant's page over all
  // branches, or a manager's over several, is an index range scan that stops at the page's end.
  const byDate: Readonly<Record<string, string>> = {
    daily_sales: 'currency, price_mode',
    daily_sales_tax: 'currency, price_mode, tax_rate_id, basis_points',
    daily_sales_payments: 'currency, method',
    daily_sales_hours: 'currency, price_mode, hour_start',
    sales_by_cashier: 'currency, price_mode, cashier_id',
    sales_by_product: 'currency, price_mode, sku',
  };
  for (const [table, rest] of Object.entries(byDate)) {
    await sql`CREATE INDEX ${sql.id(`${table}_by_date`)} ON ${sql.id(table)} (tenant_id, business_date, branch_id, ${sql.raw(rest)})`.execute(trx);
  }
  // One cashier's or one product's days, whatever the branch.
  await sql`CREATE INDEX sales_by_cashier_by_cashier ON sales_by_cashier (tenant_id, cashier_id, business_date)`.execute(trx);
  await sql`CREATE INDEX sales_by_product_by_sku ON sales_by_product (tenant_id, sku, business_date)`.execute(trx);
}

/**
 * The transaction as the tenant settings' helper types it. Kysely's `Transaction<DB>` is invariant
 * in `DB`, so a transaction over more tables does not type as one over fewer, though it is one.
 */
export function settingsOf(trx: Transaction<Database & SalesTables>): Transaction<Database & TenantSettingsTables> {
  return trx as unknown as Transaction<Database & TenantSettingsTables>;
}

