import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireTenant } from '../../../application/commands/access.js';
import { readScopeOf, requireInScope } from '../../../application/queries/readScope.js';
import { orderKind } from '../../../application/commands/kinds.js';
import { streams } from '../../../application/events/streams.js';
import { changeOrder, openOrder, type OrderInput } from '../../../application/commands/orders.js';
import { notFound } from '../../../application/errors.js';
import { loadAggregate, type HandlerDeps } from '../../../application/handleCommand.js';
import type { BranchId, DeviceId, DiscountId, DrawerId, LineId, OrderId, PaymentId, RefundId, TaxRateId } from '../../../domain/shared/ids.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { answerCommand, commandAnswer, commandPost, commandResultSchema, emptyBody, envelopeWithAnswer, etagOf, freeText, idSchema as id, lineText } from './commandRoute.js';

const uuid = z.uuid();
const minor = z.number().int().describe('integer amount in minor units');

const AT_THE_TILL: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' };
const MANAGERS: RoutePermission = { roles: ['branch_manager', 'tenant_admin'], scope: 'branch' };
/** Who reads an order: those at the till, and a platform owner acting as support for the tenant (ADR 0009). */
const ORDER_READERS: RoutePermission = { roles: [...AT_THE_TILL.roles, 'auditor', 'platform_owner'], scope: 'device', support: 'read' };

const orderParams = z.strictObject({ orderId: uuid });
const tender = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('cash'), amount: minor.describe('cash tendered; change is computed at completion') }),
  z.strictObject({ method: z.literal('card'), amount: minor, processorReference: lineText(128) }),
  z.strictObject({ method: z.literal('other'), amount: minor, description: lineText(200) }),
]);
const discountTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('order') }),
  z.strictObject({ kind: z.literal('line'), lineId: id }),
]);
const discountValue = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('amount'), amount: minor }),
  z.strictObject({ kind: z.literal('percent'), basisPoints: z.number().int().describe('1 % = 100') }),
]);
const refundScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('whole') }),
  z.strictObject({ kind: z.literal('lines'), lines: z.array(z.strictObject({ lineId: id, quantity: z.number().int() })).min(1).max(500) }),
  z.strictObject({ kind: z.literal('amount'), amount: minor }),
]);

/** The order command API: POST a command to the order's resource URL; GET the order. */
export function registerOrderRoutes(fastify: FastifyInstance, deps: HandlerDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const responses = { 200: commandResultSchema, 201: commandResultSchema };

  app.post(
    '/v1/orders',
    {
      schema: {
        summary: 'Open an order on a till (the till chooses the order id, so it can sell offline)',
        tags: ['orders'],
        body: z.strictObject({ orderId: uuid, branchId: id, deviceId: id }),
        response: responses,
      },
      config: { permission: AT_THE_TILL, idempotency: 'required-for-cashiers', openapi: { envelope: true, etag: true, location: true } },
    },
    async (request, reply) => {
      const { orderId, branchId, deviceId } = request.body;
      const location = `/v1/orders/${orderId}`;
      const envelope = envelopeWithAnswer(request, deps.clock, orderId, (revision) => commandAnswer(orderId, revision, 201, { location }));
      const result = await openOrder(deps, envelope, {
        orderId: orderId as OrderId,
        branchId: branchId as BranchId,
        deviceId: deviceId as DeviceId,
      });
      void reply.status(201).header('location', location);
      return answerCommand(reply, orderId, result);
    },
  );

  /** A command on an existing order; tills retry everything, so a cashier must send an Idempotency-Key. */
  const route = <Params extends z.ZodType<{ orderId: string }>, Body extends z.ZodType>(
    change: Readonly<{ url: string; summary: string; permission: RoutePermission; params: Params; body: Body }> & {
      toInput: (body: z.output<Body>, params: z.output<Params>) => OrderInput;
    },
  ): void => {
    commandPost(
      app,
      deps,
      change.url,
      { ...change, tags: ['orders'], config: { idempotency: 'required-for-cashiers' }, idOf: (params) => params.orderId },
      async ({ params, body, envelope, ifMatch }) => ({
        id: params.orderId,
        result: await changeOrder(deps, envelope, params.orderId as OrderId, change.toInput(body, params), ifMatch),
      }),
    );
  };

  const lineParams = z.strictObject({ orderId: uuid, lineId: id });
  route({
    url: '/v1/orders/:orderId/lines',
    summary: 'Add a line (the server prices it with the tenant tax rate)',
    permission: AT_THE_TILL,
    params: orderParams,
    body: z.strictObject({ lineId: id, sku: lineText(64), name: lineText(200), unitPrice: minor, quantity: z.number().int(), taxRateId: id }),
    toInput: (b) => ({ type: 'AddOrderLine', ...b, lineId: b.lineId as LineId, taxRateId: b.taxRateId as TaxRateId }),
  });
  route({
    url: '/v1/orders/:orderId/lines/:lineId/quantity',
    summary: "Change a line's quantity",
    permission: AT_THE_TILL,
    params: lineParams,
    body: z.strictObject({ quantity: z.number().int() }),
    toInput: (b, p) => ({ type: 'ChangeLineQuantity', lineId: p.lineId as LineId, quantity: b.quantity }),
  });
  route({
    url: '/v1/orders/:orderId/lines/:lineId/remove',
    summary: 'Remove a line',
    permission: AT_THE_TILL,
    params: lineParams,
    body: emptyBody,
    toInput: (_b, p) => ({ type: 'RemoveOrderLine', lineId: p.lineId as LineId }),
  });
  route({
    url: '/v1/orders/:orderId/discounts',
    summary: 'Apply a discount to a line or the order (above the tenant threshold: a manager)',
    permission: AT_THE_TILL,
    params: orderParams,
    body: z.strictObject({ discountId: id, target: discountTarget, value: discountValue, reason: freeText(200) }),
    toInput: (b) => ({
      type: 'ApplyDiscount',
      discountId: b.discountId as DiscountId,
      target: b.target.kind === 'line' ? { kind: 'line', lineId: b.target.lineId as LineId } : { kind: 'order' },
      value: b.value,
      reason: b.reason,
    }),
  });
  route({
    url: '/v1/orders/:orderId/discounts/:discountId/remove',
    summary: 'Remove a discount',
    permission: AT_THE_TILL,
    params: z.strictObject({ orderId: uuid, discountId: id }),
    body: emptyBody,
    toInput: (_b, p) => ({ type: 'RemoveDiscount', discountId: p.discountId as DiscountId }),
  });
  route({
    url: '/v1/orders/:orderId/payments',
    summary: 'Add a payment (partial tenders allowed; cash may exceed what is due)',
    permission: AT_THE_TILL,
    params: orderParams,
    body: z.strictObject({ paymentId: id, tender, drawerId: id.optional() }),
    toInput: (b) => ({ type: 'AddPayment', paymentId: b.paymentId as PaymentId, tender: b.tender, drawerId: (b.drawerId ?? null) as DrawerId | null }),
  });
  route({
    url: '/v1/orders/:orderId/payments/:paymentId/remove',
    summary: 'Remove a payment while the order is open',
    permission: AT_THE_TILL,
    params: z.strictObject({ orderId: uuid, paymentId: id }),
    body: emptyBody,
    toInput: (_b, p) => ({ type: 'RemovePayment', paymentId: p.paymentId as PaymentId }),
  });
  route({
    url: '/v1/orders/:orderId/complete',
    summary: 'Complete a fully paid order; it is immutable afterwards',
    permission: AT_THE_TILL,
    params: orderParams,
    body: emptyBody,
    toInput: () => ({ type: 'CompleteOrder' }),
  });
  route({
    url: '/v1/orders/:orderId/void',
    summary: 'Void an open order (a manager once it has lines or payments)',
    permission: AT_THE_TILL,
    params: orderParams,
    body: z.strictObject({ reason: freeText(200) }),
    toInput: (b) => ({ type: 'VoidOrder', reason: b.reason }),
  });
  route({
    url: '/v1/orders/:orderId/refunds',
    summary: 'Refund a completed order, whole, per line or an amount, to a tender method',
    permission: MANAGERS,
    params: orderParams,
    body: z.strictObject({ refundId: id, scope: refundScope, method: z.enum(['cash', 'card', 'other']), reason: freeText(200), drawerId: id.optional() }),
    toInput: (b) => ({
      type: 'RefundOrder',
      refundId: b.refundId as RefundId,
      scope: b.scope.kind === 'lines' ? { kind: 'lines', lines: b.scope.lines.map((l) => ({ lineId: l.lineId as LineId, quantity: l.quantity })) } : b.scope,
      method: b.method,
      reason: b.reason,
      drawerId: (b.drawerId ?? null) as DrawerId | null,
    }),
  });

  app.get(
    '/v1/orders/:orderId',
    {
      schema: {
        summary: 'The order as it stands (folded from its events), with its revision as ETag',
        tags: ['orders'],
        params: orderParams,
        response: {
          200: z.looseObject({
            orderId: z.string(),
            status: z.enum(['open', 'completed', 'voided']),
            revision: z.number().int().nullable(),
            due: minor,
            paid: minor,
          }),
        },
      },
      config: { permission: ORDER_READERS, openapi: { etag: true } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!principal.tenantId) throw notFound('Order');
      const loaded = await loadAggregate(deps.eventStore, orderKind, streams.order(principal.tenantId, request.params.orderId));
      requireTenant(principal, loaded.tenantId, 'Order');
      const { state } = loaded;
      if (state.status === 'none') throw notFound('Order');
      // A cashier reads the sales of the till they signed in on; a manager those of their branches.
      requireInScope(readScopeOf(principal), state);
      void reply.header('etag', etagOf(loaded.revision));
      // `at` duplicates `openedAt`; the pricing is flattened into totals and priced lines below.
      const { pricing, at: _at, ...order } = state as typeof state & { at?: unknown };
      return {
        ...order,
        revision: loaded.revision,
        totals: pricing.totals,
        lines: pricing.lines.map((priced) => ({ ...state.lines.find((l) => l.lineId === priced.lineId), ...priced })),
        due: Math.max(0, pricing.totals.total - state.paid),
      };
    },
  );
}
