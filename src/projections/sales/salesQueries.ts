import { sql, type AliasedRawBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { ReadFilter } from '../../application/queries/readScope.js';
import type { SortKey } from '../../application/queries/cursor.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { SalesTables } from './salesTables.js';

type Db = Kysely<Database & SalesTables>;

/** How a column reads out: ids and labels as text, dates `YYYY-MM-DD`, instants ISO UTC, sums as numbers. */
type Kind = 'text' | 'date' | 'instant' | 'int' | 'int?';
type Field = Readonly<{ column: string; name: string; kind: Kind }>;

/** One report table: its columns in the answer's order, and the columns of its stable sort (unique per row). */
export type SalesReport = Readonly<{ table: keyof SalesTables; fields: readonly Field[]; order: readonly string[] }>;

const text = (column: string, name: string): Field => ({ column, name, kind: 'text' });
const int = (column: string, name: string): Field => ({ column, name, kind: 'int' });

const DAY: readonly Field[] = [
  { column: 'business_date', name: 'businessDate', kind: 'date' }, text('branch_id', 'branchId'), text('currency', 'currency'), text('price_mode', 'priceMode'),
];
const SALES: readonly Field[] = [
  int('order_count', 'orderCount'), int('items_sold', 'itemsSold'), int('gross', 'gross'), int('discount_amount', 'discountAmount'),
  int('net', 'net'), int('tax', 'tax'), int('total', 'total'), int('refund_count', 'refundCount'), int('refund_amount', 'refundAmount'),
];
const DAY_ORDER = ['business_date', 'branch_id', 'currency', 'price_mode'];

export const REPORTS = {
  daily: {
    table: 'daily_sales',
    fields: [...DAY, ...SALES, int('discount_count', 'discountCount'), int('items_refunded', 'itemsRefunded'), int('void_count', 'voidCount'),
      int('void_amount', 'voidAmount'), { column: 'average_ticket', name: 'averageTicket', kind: 'int?' }],
    order: DAY_ORDER,
  },
  taxes: {
    table: 'daily_sales_tax',
    fields: [...DAY, text('tax_rate_id', 'taxRateId'), int('basis_points', 'basisPoints'), int('order_count', 'orderCount'),
      int('taxable', 'taxable'), int('tax', 'tax'), int('gross', 'gross')],
    order: [...DAY_ORDER, 'tax_rate_id', 'basis_points'],
  },
  payments: {
    table: 'daily_sales_payments',
    fields: [...DAY.filter((f) => f.column !== 'price_mode'), text('method', 'method'), int('tender_count', 'tenderCount'), int('amount', 'amount'),
      int('change_given', 'changeGiven'), int('refund_count', 'refundCount'), int('refund_amount', 'refundAmount')],
    order: ['business_date', 'branch_id', 'currency', 'method'],
  },
  hours: {
    table: 'daily_sales_hours',
    fields: [...DAY, { column: 'hour_start', name: 'hourStart', kind: 'instant' }, int('hour', 'hour'), int('utc_offset_minutes', 'utcOffsetMinutes'), ...SALES],
    order: [...DAY_ORDER, 'hour_start'],
  },
  cashiers: {
    table: 'sales_by_cashier',
    fields: [...DAY, text('cashier_id', 'cashierId'), ...SALES],
    order: [...DAY_ORDER, 'cashier_id'],
  },
  products: {
    table: 'sales_by_product',
    fields: [...DAY, text('sku', 'sku'), text('name', 'name'), int('quantity', 'quantity'), int('gross', 'gross'), int('discount_amount', 'discountAmount'),
      int('net', 'net'), int('tax', 'tax'), int('total', 'total'), int('refund_quantity', 'refundQuantity'), int('refund_amount', 'refundAmount')],
    order: [...DAY_ORDER, 'sku'],
  },
} as const satisfies Record<string, SalesReport>;

export type ReportQuery = Readonly<{ from?: string | undefined; to?: string | undefined; cashierId?: string | undefined; sku?: string | undefined }>;

export type ReportRow = Record<string, string | number | null>;

function selected(field: Field): AliasedRawBuilder<unknown, string> {
  const column = sql.ref(field.column);
  switch (field.kind) {
    case 'date':
      return sql`${column}::text`.as(field.column);
    case 'instant':
      return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(field.column);
    default:
      return sql`${column}`.as(field.column);
  }
}

function typed(field: Field, value: unknown): RawBuilder<unknown> {
  switch (field.kind) {
    case 'date':
      return sql`${value}::date`;
    case 'instant':
      return sql`${value}::timestamptz`;
    case 'int':
    case 'int?':
      return sql`${value}::bigint`;
    case 'text':
      return sql`${value}::text`;
  }
}

function valueOf(field: Field, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (field.kind === 'int' || field.kind === 'int?') return Number(value);
  if (typeof value === 'string') return value;
  throw new TypeError(`${field.column}: expected text, got ${typeof value}`);
}

/** The sort key of an answered row (by its answer names), for the cursor. */
export function sortKeyOf(report: SalesReport, row: Readonly<Record<string, unknown>>): SortKey {
  return report.order.map((column) => {
    const field = report.fields.find((f) => f.column === column);
    const value = field ? row[field.name] : undefined;
    return typeof value === 'number' ? value : String(value);
  });
}

/**
 * One page of a report: the caller's tenant and branches, the date range, in the report's order
 * (date, branch, then the rest of the key), strictly after the cursor's row.
 */
export async function listReport(
  db: Db,
  report: SalesReport,
  filter: ReadFilter,
  query: ReportQuery,
  page: Readonly<{ size: number; after: SortKey | undefined }>,
): Promise<ReportRow[]> {
  const where: RawBuilder<unknown>[] = [sql`tenant_id = ${filter.tenantId}`];
  if (filter.branchIds) where.push(sql`branch_id IN (${sql.join(filter.branchIds)})`);
  if (query.from !== undefined) where.push(sql`business_date >= ${query.from}::date`);
  if (query.to !== undefined) where.push(sql`business_date <= ${query.to}::date`);
  if (query.cashierId !== undefined && report.fields.some((f) => f.column === 'cashier_id')) where.push(sql`cashier_id = ${query.cashierId}`);
  if (query.sku !== undefined && report.fields.some((f) => f.column === 'sku')) where.push(sql`sku = ${query.sku}`);
  const orderFields = report.order.map((column) => {
    const field = report.fields.find((f) => f.column === column);
    if (!field) throw new Error(`${report.table}: ${column} is not a field`);
    return field;
  });
  if (page.after) {
    const after = page.after;
    where.push(sql`(${sql.join(orderFields.map((f) => sql.ref(f.column)))}) > (${sql.join(orderFields.map((f, i) => typed(f, after[i])))})`);
  }
  // The builder, not raw SQL, names the table: the live generation's schema is put on it (`withSchema`).
  const rows: readonly Record<string, unknown>[] = await db
    .selectFrom(report.table)
    .select(report.fields.map(selected))
    .where(sql<boolean>`${sql.join(where, sql` AND `)}`)
    .orderBy(sql`${sql.join(orderFields.map((f) => sql.ref(f.column)))}`)
    .limit(page.size)
    .execute();
  return rows.map((row) => Object.fromEntries(report.fields.map((field) => [field.name, valueOf(field, row[field.column])])));
}
