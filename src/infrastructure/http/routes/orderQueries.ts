import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../../application/errors.js';
import { requireInScope } from '../../../application/queries/readScope.js';
import { ordersModel } from '../../../projections/orders/ordersModel.js';
import { listOrders, orderDetail, sortKeyOf, type OrderListItem } from '../../../projections/orders/ordersReader.js';
import type { CsvColumn } from '../csv.js';
import type { RoutePermission } from '../plugins/access.js';
import { idSchema } from './commandRoute.js';
import { businessDateSchema, queryGet, queryList, type QueryDeps } from './queryRoute.js';

const TAGS = ['orders'] as const;
/** Who reads orders: those at the till (a cashier their till's), and a platform owner acting as support (ADR 0009). */
const ORDER_READERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin', 'auditor', 'platform_owner'], scope: 'device', support: 'read' };

const amount = z.number().int().describe('Minor units of the order’s currency');
const status = z.enum(['open', 'completed', 'voided']);
const person = z.object({ userId: z.string(), role: z.string() });

const listItem = z.object({
  orderId: z.string(),
  branchId: z.string(),
  deviceId: z.string().describe('The till it was rung up on'),
  cashierId: z.string().describe('Employee id of the cashier who opened it'),
  status,
  currency: z.string(),
  priceMode: z.string().describe('`inclusive`: prices include tax; `exclusive`: tax is added'),
  businessDate: z.iso.date().describe('The tenant’s local date of the completion (completed), the void (voided) or the opening (open)'),
  openedAt: z.string(),
  completedAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
  gross: amount.describe('Lines at list price (unit price × quantity), before discounts, as priced (incl. or excl. tax per priceMode)'),
  discountTotal: amount.describe('Line and order discounts taken off'),
  net: amount.describe('What the sale is worth without tax, after discounts'),
  tax: amount.describe('Tax, per line rounded half away from zero'),
  total: amount.describe('What the customer owes: net + tax'),
  paid: amount.describe('Tenders taken (cash as handed over)'),
  change: amount.describe('Cash given back at completion'),
  refunded: amount.describe('Refunded after completion, all refunds'),
  lineCount: z.number().int(),
  itemCount: z.number().int().describe('Sum of line quantities'),
  revision: z.number().int().describe('Stream revision the row reflects (the aggregate’s ETag is the same number once caught up)'),
});

const detail = listItem.extend({
  taxes: z.array(z.object({ taxRateId: z.string(), basisPoints: z.number().int(), net: amount, tax: amount })),
  due: amount.describe('total − paid while open; 0 once completed or voided'),
  lines: z.array(
    z.object({
      lineId: z.string(), sku: z.string(), name: z.string(), unitPrice: amount, quantity: z.number().int(),
      taxRateId: z.string(), taxBasisPoints: z.number().int(),
      base: amount.describe('unitPrice × quantity'), lineDiscount: amount, orderDiscount: amount.describe('This line’s share of order discounts'),
      amount: amount.describe('base − discounts'), net: amount, tax: amount, gross: amount.describe('What the line costs the customer'),
    }),
  ),
  discounts: z.array(
    z.object({
      discountId: z.string(),
      target: z.union([z.object({ kind: z.literal('order') }), z.object({ kind: z.literal('line'), lineId: z.string() })]),
      value: z.union([z.object({ kind: z.literal('amount'), amount }), z.object({ kind: z.literal('percent'), basisPoints: z.number().int() })]),
      amount: amount.describe('What it takes off now'),
      reason: z.string(),
      approvedBy: person.nullable().describe('The manager who approved it when it went above the tenant threshold'),
    }),
  ),
  payments: z.array(
    z.object({
      paymentId: z.string(), method: z.enum(['cash', 'card', 'other']), amount,
      processorReference: z.string().nullable(), description: z.string().nullable(), drawerId: z.string().nullable(),
    }),
  ),
  tenders: z.array(z.object({ method: z.enum(['cash', 'card', 'other']), count: z.number().int(), amount })).describe('Payments summed per method'),
  refunds: z.array(
    z.object({
      refundId: z.string(), at: z.string(), amount, method: z.string(), reason: z.string(), refundedBy: person, drawerId: z.string().nullable(),
      lines: z.array(z.object({ lineId: z.string(), sku: z.string().nullable(), name: z.string().nullable(), quantity: z.number().int(), amount })),
    }),
  ),
  void: z.object({ at: z.string(), reason: z.string(), voidedBy: person, paidToReturn: amount }).nullable(),
  timeline: z
    .array(
      z.object({
        revision: z.number().int(),
        position: z.string(),
        type: z.string(),
        at: z.string().describe('Business time at the till'),
        recordedAt: z.string().describe('When the server stored it'),
        actor: z.object({ userId: z.string(), role: z.string(), deviceId: z.string().nullable() }),
        data: z.record(z.string(), z.unknown()),
      }),
    )
    .describe('Every event of the order, in order: who did what when'),
});

const filters = z.object({
  branchId: idSchema.optional(),
  deviceId: idSchema.optional().describe('The till'),
  cashierId: idSchema.optional().describe('Employee id of the cashier'),
  status: status.optional(),
  from: businessDateSchema.optional().describe('First business date (YYYY-MM-DD), inclusive'),
  to: businessDateSchema.optional().describe('Last business date (YYYY-MM-DD), inclusive'),
});

const cursorKey = z.tuple([businessDateSchema, z.iso.datetime(), z.string().max(128)]);

const COLUMNS: readonly (keyof OrderListItem)[] = [
  'orderId', 'businessDate', 'status', 'branchId', 'deviceId', 'cashierId', 'currency', 'priceMode', 'openedAt', 'completedAt', 'voidedAt',
  'gross', 'discountTotal', 'net', 'tax', 'total', 'paid', 'change', 'refunded', 'lineCount', 'itemCount', 'revision',
];
const CSV: readonly CsvColumn<OrderListItem>[] = COLUMNS.map((key) => ({ header: key, value: (row) => row[key] }));

/** The orders list and detail, from the orders read model (ADR 0016: the aggregate GET stays the till's). */
export function registerOrderQueryRoutes(app: FastifyInstance, deps: QueryDeps): void {
  queryList(
    app,
    deps,
    '/v1/orders',
    {
      summary: 'Orders, newest business date first (a cashier sees their till’s, a manager their branches’)',
      tags: TAGS,
      query: filters,
      item: listItem,
      permission: ORDER_READERS,
      readModel: ordersModel,
      cursor: { key: cursorKey, of: sortKeyOf },
      csv: { columns: CSV, filename: 'orders.csv' },
    },
    ({ db, filter, query, page }) => listOrders(db, filter, query, page),
  );

  queryGet(
    app,
    deps,
    '/v1/orders/:orderId/detail',
    {
      summary: 'One order as the back office reads it: priced lines, discounts and approvers, tenders, refunds, the void, its timeline',
      tags: TAGS,
      params: z.strictObject({ orderId: idSchema }),
      response: detail,
      permission: ORDER_READERS,
      readModel: ordersModel,
    },
    async ({ db, scope, params }) => {
      const order = await orderDetail(db, scope.tenantId, params.orderId);
      if (!order) throw notFound('Order');
      // Inside the tenant, someone else's till or branch is refused like a command on it.
      requireInScope(scope, order);
      return order;
    },
  );
}
