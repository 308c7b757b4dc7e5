import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SortKey } from '../../../application/queries/cursor.js';
import { salesModel } from '../../../projections/sales/salesModel.js';
import { listReport, REPORTS, sortKeyOf, type ReportQuery, type SalesReport } from '../../../projections/sales/salesQueries.js';
import type { SalesTables } from '../../../projections/sales/salesTables.js';
import type { CsvColumn, CsvValue } from '../csv.js';
import type { RoutePermission } from '../plugins/access.js';
import { idSchema } from './commandRoute.js';
import { businessDateSchema, queryList, type QueryDeps } from './queryRoute.js';

const TAGS = ['sales reports'] as const;
/** Branch reports are for managers (their branches) and admins (the tenant); support may read them; a cashier may not. */
const READERS: RoutePermission = { roles: ['branch_manager', 'tenant_admin', 'auditor', 'platform_owner'], scope: 'branch', support: 'read' };

/** What each figure means (README "What each sales figure means" says it at length). */
const MEANING: Readonly<Record<string, string>> = {
  businessDate: 'The tenant’s local date (YYYY-MM-DD) of the sale’s completion, the refund or the void',
  branchId: 'The branch of the order',
  currency: 'ISO 4217 code of the order; amounts are in its minor units',
  priceMode: 'inclusive: prices include tax; exclusive: tax is added',
  orderCount: 'Sales completed on the date',
  itemsSold: 'Units on those sales',
  gross: 'Price-list amount (unit price × quantity) before discounts; with tax when inclusive, before tax when exclusive',
  discountCount: 'Discounts on those sales',
  discountAmount: 'What discounts took off (line and order discounts)',
  net: 'After discounts, without tax',
  tax: 'Tax of the sales, per line rounded half away from zero',
  total: 'What the customers paid for the sales: net + tax',
  averageTicket: 'total / orderCount, rounded half away from zero; null without sales',
  refundCount: 'Refunds given on the date (of sales of any date)',
  refundAmount: 'Money paid back by those refunds, tax included',
  itemsRefunded: 'Units named by those refunds (an amount-only refund names none)',
  voidCount: 'Open orders voided on the date',
  voidAmount: 'What the voided orders came to when voided (their total)',
  taxRateId: 'The tax rate',
  basisPoints: 'The rate in basis points (19 % = 1900); a rate changed during an order keeps its own row',
  taxable: 'Taxable base: net of the lines at this rate',
  method: 'cash, card or other',
  tenderCount: 'Tenders of this method on the sales',
  amount: 'Amount tendered (cash: as handed over, before change)',
  changeGiven: 'Change handed back (always out of cash)',
  hourStart: 'The instant (UTC) the local hour began: a 25-hour day has two buckets for its repeated hour',
  hour: 'The local wall-clock hour, 0 to 23',
  utcOffsetMinutes: 'Local time minus UTC in that hour, in minutes',
  cashierId: 'The employee who rang the order up; refunds count to the sale’s cashier',
  sku: 'The product',
  name: 'The product’s name on its latest sale',
  quantity: 'Units sold',
  refundQuantity: 'Units refunded by line',
};

function itemOf(report: SalesReport): z.ZodObject<Record<string, z.ZodType>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of report.fields) {
    const base = field.kind === 'int' ? z.number().int() : field.kind === 'int?' ? z.number().int().nullable() : z.string();
    const meaning = MEANING[field.name];
    shape[field.name] = meaning ? base.describe(meaning) : base;
  }
  return z.object(shape);
}

const dateSchema = businessDateSchema;
const baseFilters = {
  branchId: idSchema.optional().describe('Only this branch (a manager: one of theirs)'),
  from: dateSchema.optional().describe('First business date (YYYY-MM-DD), inclusive'),
  to: dateSchema.optional().describe('Last business date (YYYY-MM-DD), inclusive'),
};
const cursorKey = z.array(z.union([z.string().max(200), z.number().int()])).min(1).max(8);

type Route = Readonly<{ url: string; report: SalesReport; summary: string; filename: string; extra?: Readonly<Record<string, z.ZodType>> }>;

const ROUTES: readonly Route[] = [
  { url: '/v1/reports/daily-sales', report: REPORTS.daily, summary: 'Daily sales: orders, gross, discounts, net, tax, total, average ticket, refunds, voids, items', filename: 'daily-sales.csv' },
  { url: '/v1/reports/daily-sales/taxes', report: REPORTS.taxes, summary: 'Daily sales per tax rate: taxable base, tax and gross', filename: 'daily-sales-taxes.csv' },
  { url: '/v1/reports/daily-sales/payment-methods', report: REPORTS.payments, summary: 'Daily sales per payment method: tenders, amount, change given, refunds', filename: 'daily-sales-payment-methods.csv' },
  { url: '/v1/reports/daily-sales/hours', report: REPORTS.hours, summary: 'Daily sales per hour of the local day', filename: 'daily-sales-hours.csv' },
  {
    url: '/v1/reports/sales-by-cashier', report: REPORTS.cashiers, summary: 'Sales per cashier and day', filename: 'sales-by-cashier.csv',
    extra: { cashierId: idSchema.optional().describe('Only this cashier') },
  },
  {
    url: '/v1/reports/sales-by-product', report: REPORTS.products, summary: 'Sales per product (sku) and day: quantity, gross, discounts, net, tax, refunds', filename: 'sales-by-product.csv',
    extra: { sku: z.string().min(1).max(128).optional().describe('Only this sku') },
  },
];

/** The sales reports over the `sales` read model, every one paged, scoped and CSV-able by the query seam. */
export function registerSalesReportRoutes(app: FastifyInstance, deps: QueryDeps): void {
  for (const route of ROUTES) {
    const item = itemOf(route.report);
    const columns: readonly CsvColumn<Item>[] = route.report.fields.map((field) => ({ header: field.name, value: (row: Item) => csvValueOf(row[field.name]) }));
    queryList<z.ZodObject<Record<string, never>>, z.ZodObject<Record<string, z.ZodType>>, typeof item, SortKey, SalesTables>(
      app,
      deps,
      route.url,
      {
        summary: route.summary,
        description:
          'In date order, then branch, currency and the rest of the row’s key. A branch manager reads their branches, a tenant admin (and support) the tenant; ' +
          'a cashier may not (403). Rows are per tenant, branch, business date, currency and price mode: see README “What each sales figure means”.',
        tags: TAGS,
        query: z.object({ ...baseFilters, ...route.extra }),
        item,
        permission: READERS,
        readModel: salesModel,
        cursor: { key: cursorKey, of: (row) => sortKeyOf(route.report, row) },
        csv: { columns, filename: route.filename },
      },
      ({ db, filter, query, page }) => listReport(db, route.report, filter, reportQueryOf(query), page),
    );
  }
}

type Item = Readonly<Record<string, unknown>>;

function csvValueOf(value: unknown): CsvValue {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function reportQueryOf(query: Readonly<Record<string, unknown>>): ReportQuery {
  const text = (key: string): string | undefined => (typeof query[key] === 'string' ? query[key] : undefined);
  return { from: text('from'), to: text('to'), cashierId: text('cashierId'), sku: text('sku') };
}
