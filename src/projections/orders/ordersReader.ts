import { sql, type Kysely, type Selectable } from 'kysely';
import type { ReadFilter } from '../../application/queries/readScope.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { TenderMethod } from '../../domain/order/values.js';
import { pricingOf, type OrderSnapshot } from '../shared/orderSnapshot.js';
import type { OrderRow, OrdersTables, RefundRecord, TimelineEntry, VoidRecord } from './ordersTables.js';

/** The sort key of a list row, and so of the cursor: (business date, opened at, order id), newest first. */
export type OrderSortKey = readonly [businessDate: string, openedAt: string, orderId: string];

export type OrderListFilters = Readonly<{
  cashierId?: string | undefined;
  status?: 'open' | 'completed' | 'voided' | undefined;
  /** Business dates, inclusive, `YYYY-MM-DD`. */
  from?: string | undefined;
  to?: string | undefined;
}>;

export type OrderListItem = Readonly<{
  orderId: string; branchId: string; deviceId: string; cashierId: string;
  status: 'open' | 'completed' | 'voided'; currency: string; priceMode: string; businessDate: string;
  openedAt: string; completedAt: string | null; voidedAt: string | null;
  gross: number; discountTotal: number; net: number; tax: number; total: number; paid: number; change: number; refunded: number;
  lineCount: number; itemCount: number; revision: number;
}>;

type Db = Kysely<Database & OrdersTables>;

const LIST_COLUMNS = [
  'order_id', 'branch_id', 'device_id', 'cashier_id', 'status', 'currency', 'price_mode', 'business_date', 'opened_at', 'completed_at',
  'voided_at', 'gross', 'discount_total', 'net', 'tax', 'total', 'paid', 'change', 'refunded', 'line_count', 'item_count', 'revision',
] as const;

type ListRow = Pick<Selectable<OrderRow>, (typeof LIST_COLUMNS)[number]>;

const iso = (at: Date | string): string => (typeof at === 'string' ? new Date(at).toISOString() : at.toISOString());
const int = (value: string | bigint | number): number => Number(value);

function itemOf(row: ListRow): OrderListItem {
  return {
    orderId: row.order_id,
    branchId: row.branch_id,
    deviceId: row.device_id,
    cashierId: row.cashier_id,
    status: row.status,
    currency: row.currency,
    priceMode: row.price_mode,
    businessDate: row.business_date,
    openedAt: iso(row.opened_at),
    completedAt: row.completed_at === null ? null : iso(row.completed_at),
    voidedAt: row.voided_at === null ? null : iso(row.voided_at),
    gross: int(row.gross),
    discountTotal: int(row.discount_total),
    net: int(row.net),
    tax: int(row.tax),
    total: int(row.total),
    paid: int(row.paid),
    change: int(row.change),
    refunded: int(row.refunded),
    lineCount: row.line_count,
    itemCount: int(row.item_count),
    revision: row.revision,
  };
}

export const sortKeyOf = (item: OrderListItem): OrderSortKey => [item.businessDate, item.openedAt, item.orderId];

/**
 * One page of the caller's orders, newest first. Every filter is an equality or a range on an
 * index that ends in the sort order (ordersTables.ts), and the cursor a row comparison on it, so
 * the page is an index range scan whatever the depth.
 */
export function listOrdersQuery(db: Db, filter: ReadFilter, filters: OrderListFilters, page: Readonly<{ size: number; after: OrderSortKey | undefined }>) {
  let query = db.selectFrom('orders').select(LIST_COLUMNS).where('tenant_id', '=', filter.tenantId);
  if (filter.branchIds) query = filter.branchIds.length === 1 ? query.where('branch_id', '=', filter.branchIds[0] ?? '') : query.where('branch_id', 'in', filter.branchIds);
  if (filter.deviceId) query = query.where('device_id', '=', filter.deviceId);
  if (filters.cashierId) query = query.where('cashier_id', '=', filters.cashierId);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.from) query = query.where('business_date', '>=', filters.from);
  if (filters.to) query = query.where('business_date', '<=', filters.to);
  if (page.after) {
    const [businessDate, openedAt, orderId] = page.after;
    query = query.where(sql<boolean>`(business_date, opened_at, order_id) < (${businessDate}, ${openedAt}::timestamptz, ${orderId})`);
  }
  return query.orderBy('business_date', 'desc').orderBy('opened_at', 'desc').orderBy('order_id', 'desc').limit(page.size);
}

export async function listOrders(...args: Parameters<typeof listOrdersQuery>): Promise<OrderListItem[]> {
  const rows = await listOrdersQuery(...args).execute();
  return rows.map(itemOf);
}

/** Who, as an order event records a person (approver, refunder, voider). */
type Person = Readonly<{ userId: string; role: string }>;

export type OrderDetail = OrderListItem &
  Readonly<{
    taxes: Readonly<{ taxRateId: string; basisPoints: number; net: number; tax: number }>[];
    due: number;
    lines: Readonly<{
      lineId: string; sku: string; name: string; unitPrice: number; quantity: number; taxRateId: string; taxBasisPoints: number;
      base: number; lineDiscount: number; orderDiscount: number; amount: number; net: number; tax: number; gross: number;
    }>[];
    discounts: Readonly<{
      discountId: string; target: Readonly<{ kind: 'order' } | { kind: 'line'; lineId: string }>;
      value: Readonly<{ kind: 'amount'; amount: number } | { kind: 'percent'; basisPoints: number }>;
      amount: number; reason: string; approvedBy: Person | null;
    }>[];
    payments: Readonly<{ paymentId: string; method: TenderMethod; amount: number; processorReference: string | null; description: string | null; drawerId: string | null }>[];
    tenders: Readonly<{ method: TenderMethod; count: number; amount: number }>[];
    refunds: (Omit<RefundRecord, 'lines'> & Readonly<{ lines: Readonly<{ lineId: string; sku: string | null; name: string | null; quantity: number; amount: number }>[] }>)[];
    void: VoidRecord | null;
    timeline: TimelineEntry[];
  }>;

/** One order of the tenant with everything the back office shows of it; undefined when the tenant has none of that id. */
export async function orderDetail(db: Db, tenantId: string, orderId: string): Promise<OrderDetail | undefined> {
  const row = await db
    .selectFrom('orders')
    .select([...LIST_COLUMNS, 'snapshot', 'refunds', 'void_record', 'timeline'])
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!row) return undefined;
  const order = JSON.parse(row.snapshot) as OrderSnapshot;
  const refunds = JSON.parse(row.refunds) as readonly RefundRecord[];
  const voidRecord = row.void_record === null ? null : (JSON.parse(row.void_record) as VoidRecord);
  const timeline = JSON.parse(row.timeline) as TimelineEntry[];
  const pricing = pricingOf(order);
  const lines = pricing.lines.map((priced) => {
    const line = order.lines.find((l) => l.lineId === priced.lineId);
    return { sku: line?.sku ?? '', name: line?.name ?? '', unitPrice: line?.unitPrice ?? 0, ...priced };
  });
  const payments = order.payments.map((p) => ({
    paymentId: p.paymentId,
    method: p.tender.method,
    amount: p.tender.amount,
    processorReference: p.tender.method === 'card' ? p.tender.processorReference : null,
    description: p.tender.method === 'other' ? p.tender.description : null,
    drawerId: p.drawerId,
  }));
  const tenders = (['cash', 'card', 'other'] as const).flatMap((method) => {
    const of = payments.filter((p) => p.method === method);
    return of.length === 0 ? [] : [{ method, count: of.length, amount: of.reduce((sum, p) => sum + p.amount, 0) }];
  });
  const item = itemOf(row);
  return {
    ...item,
    taxes: [...pricing.totals.taxes],
    due: order.status === 'open' ? Math.max(0, pricing.totals.total - order.paid) : 0,
    lines,
    discounts: order.discounts.map((d) => ({ ...d, amount: pricing.discountAmounts.get(d.discountId) ?? 0 })),
    payments,
    tenders,
    refunds: refunds.map((refund) => ({
      ...refund,
      lines: refund.lines.map((l) => {
        const line = order.lines.find((candidate) => candidate.lineId === l.lineId);
        return { ...l, sku: line?.sku ?? null, name: line?.name ?? null };
      }),
    })),
    void: voidRecord,
    timeline,
  };
}
