import type { Transaction } from 'kysely';
import type { SalesFold } from './salesFold.js';
import { upsertDeltas, type Column } from './upsertDeltas.js';

const key = (name: string, type: Column['type'] = 'text'): Column => ({ name, type, role: 'key' });
const add = (name: string): Column => ({ name, type: 'bigint', role: 'add' });
const DAY: readonly Column[] = [key('tenant_id'), key('branch_id'), key('business_date', 'date'), key('currency'), key('price_mode')];
const SALE: readonly Column[] = ['order_count', 'items_sold', 'gross', 'discount_amount', 'net', 'tax', 'total', 'refund_count', 'refund_amount'].map(add);

const DAILY = [...DAY, ...SALE, ...['discount_count', 'items_refunded', 'void_count', 'void_amount'].map(add)];
const TAX = [...DAY, key('tax_rate_id'), key('basis_points', 'integer'), ...['order_count', 'taxable', 'tax', 'gross'].map(add)];
const PAYMENTS = [key('tenant_id'), key('branch_id'), key('business_date', 'date'), key('currency'), key('method'),
  ...['tender_count', 'amount', 'change_given', 'refund_count', 'refund_amount'].map(add)];
const HOURS: readonly Column[] = [...DAY, key('hour_start', 'timestamptz'),
  { name: 'hour', type: 'smallint', role: 'replace' }, { name: 'utc_offset_minutes', type: 'smallint', role: 'replace' }, ...SALE];
const CASHIERS = [...DAY, key('cashier_id'), ...SALE];
const PRODUCTS: readonly Column[] = [...DAY, key('sku'), { name: 'name', type: 'text', role: 'replace' },
  ...['quantity', 'gross', 'discount_amount', 'net', 'tax', 'total', 'refund_quantity', 'refund_amount'].map(add)];

/** Each row the batch touched, once per table: stored + delta. */
export async function writeSales<DB>(trx: Transaction<DB>, fold: SalesFold): Promise<void> {
  await upsertDeltas(trx, 'daily_sales', DAILY, [...fold.daily.values()]);
  await upsertDeltas(trx, 'daily_sales_tax', TAX, [...fold.taxes.values()]);
  await upsertDeltas(trx, 'daily_sales_payments', PAYMENTS, [...fold.payments.values()]);
  await upsertDeltas(trx, 'daily_sales_hours', HOURS, [...fold.hours.values()]);
  await upsertDeltas(trx, 'sales_by_cashier', CASHIERS, [...fold.cashiers.values()]);
  await upsertDeltas(trx, 'sales_by_product', PRODUCTS, [...fold.products.values()]);
}
