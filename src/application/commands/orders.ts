import type { OrderCommand, RefundScope } from '../../domain/order/index.js';
import type { DiscountTarget, DiscountValue, Tender, TenderMethod } from '../../domain/order/values.js';
import type { CommandMeta } from '../../domain/shared/command.js';
import type {
  BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, TaxRateId, TenantId,
} from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import { ApplicationError, notFound } from '../errors.js';
import { handleCommand, type CommandEnvelope, type CommandResult, type CrossReads, type HandlerDeps } from '../handleCommand.js';
import type { Principal } from '../principal.js';
import { requireBranch, requireDevice, requireTenant } from './access.js';
import { employeeKind, orderKind } from './kinds.js';
import { streams } from '../events/streams.js';
import { activeTenantOf, requireActiveDeviceAt, requireOpenBranch, requireTaxRate } from './tenantContext.js';

/** What the edge passes for a command on an existing order (already schema-checked). */
export type OrderInput =
  | Readonly<{ type: 'AddOrderLine'; lineId: LineId; sku: string; name: string; unitPrice: number; quantity: number; taxRateId: TaxRateId }>
  | Readonly<{ type: 'ChangeLineQuantity'; lineId: LineId; quantity: number }>
  | Readonly<{ type: 'RemoveOrderLine'; lineId: LineId }>
  | Readonly<{ type: 'ApplyDiscount'; discountId: DiscountId; target: DiscountTarget; value: DiscountValue; reason: string }>
  | Readonly<{ type: 'RemoveDiscount'; discountId: DiscountId }>
  | Readonly<{ type: 'AddPayment'; paymentId: PaymentId; tender: Tender; drawerId: DrawerId | null }>
  | Readonly<{ type: 'RemovePayment'; paymentId: PaymentId }>
  | Readonly<{ type: 'CompleteOrder' }>
  | Readonly<{ type: 'VoidOrder'; reason: string }>
  | Readonly<{ type: 'RefundOrder'; refundId: RefundId; scope: RefundScope; method: TenderMethod; reason: string; drawerId: DrawerId | null }>;

function metaOf(envelope: CommandEnvelope): CommandMeta {
  const { principal } = envelope;
  return {
    actor: { userId: principal.userId, role: principal.role, deviceId: principal.deviceId ?? undefined },
    at: envelope.occurredAt.toISOString() as Instant,
  };
}

function tenantOf(principal: Principal): TenantId {
  if (!principal.tenantId) throw notFound('Order');
  return principal.tenantId;
}

/**
 * Opens a sale on a till: the tenant must be active, the branch open, the device active there,
 * and a cashier must be signed in on that very device (ADR 0006).
 */
export async function openOrder(
  deps: HandlerDeps,
  envelope: CommandEnvelope,
  input: Readonly<{ orderId: OrderId; branchId: BranchId; deviceId: DeviceId }>,
): Promise<CommandResult> {
  const { principal } = envelope;
  const tenantId = tenantOf(principal);
  const cashierId = principal.employeeId;
  return handleCommand(deps, orderKind, streams.order(tenantId, input.orderId), tenantId, envelope, async ({ state, tenantId: owner }, reads) => {
    if (state.status !== 'none') requireTenant(principal, owner, 'Order');
    const tenant = await activeTenantOf(reads, tenantId);
    requireOpenBranch(tenant, input.branchId);
    requireActiveDeviceAt(tenant, input.branchId, input.deviceId);
    requireDevice(principal, input.branchId, input.deviceId);
    if (!cashierId) throw new ApplicationError('forbidden', 'EMPLOYEES_ONLY', 'Only an employee of the tenant rings up sales');
    const { settings } = tenant.tenant;
    const open: OrderCommand = {
      type: 'OpenOrder',
      data: { ...input, tenantId, cashierId, currency: settings.currency, priceMode: settings.priceMode },
      meta: metaOf(envelope),
    };
    return open;
  });
}

/** Any other command on an order: isolation and scope are checked against the order's own state. */
export async function changeOrder(
  deps: HandlerDeps,
  envelope: CommandEnvelope,
  orderId: OrderId,
  input: OrderInput,
  ifMatch?: number,
): Promise<CommandResult> {
  const { principal } = envelope;
  const tenantId = tenantOf(principal);
  return handleCommand(
    deps,
    orderKind,
    streams.order(tenantId, orderId),
    tenantId,
    envelope,
    async ({ state, tenantId: owner }, reads): Promise<OrderCommand> => {
      requireTenant(principal, owner, 'Order');
      if (state.status === 'none') throw notFound('Order');
      // Refunds are a manager's business anywhere in their branches. Everything else, voids too,
      // happens at the till: a cashier voids only an (empty) sale of their own till, a manager any.
      if (input.type === 'RefundOrder') requireBranch(principal, state.branchId);
      else requireDevice(principal, state.branchId, state.deviceId);
      // A suspended or closed tenant accepts no commands, also on sales opened before (DOMAIN.md).
      const tenant = await activeTenantOf(reads, tenantId);
      let command = input;
      if (input.type === 'AddPayment' && input.drawerId !== null) {
        await requireOpenDrawer(reads, tenantId, [principal.employeeId], input.drawerId, state.deviceId);
      } else if (input.type === 'AddPayment' && input.tender.method === 'cash') {
        command = { ...input, drawerId: await tillDrawer(reads, tenantId, principal, state.deviceId) };
      }
      // A manager refunding at the till may pay out of the drawer of the cashier who made the sale.
      if (input.type === 'RefundOrder' && input.drawerId !== null) {
        await requireOpenDrawer(reads, tenantId, [principal.employeeId, state.cashierId], input.drawerId, null);
      }
      return build(envelope, tenant, command);
    },
    { ifMatch },
  );
}

/**
 * Where cash taken without naming a drawer goes: the drawer the caller has open at the order's
 * till. On a till session (a PIN login) cash is refused while no drawer is open there, or it would
 * be in no drawer's count; in the back office (no till) it stays outside any drawer.
 */
async function tillDrawer(reads: CrossReads, tenantId: TenantId, principal: Principal, deviceId: DeviceId): Promise<DrawerId | null> {
  if (principal.employeeId !== null) {
    const state = await reads.state(employeeKind, streams.employee(tenantId, principal.employeeId));
    const drawer = state.status === 'active' ? state.shift?.drawer : undefined;
    if (drawer?.deviceId === deviceId) return drawer.drawerId;
  }
  if (principal.deviceId === null) return null;
  throw new ApplicationError('conflict', 'DRAWER_NOT_OPEN', 'Open the cash drawer at this till before taking cash');
}

/**
 * Cash counted against a drawer must go to a drawer that is open now, held by one of `holders`
 * (and, for a sale, in the order's till), or drawer reconciliation and Z-reports would credit
 * cash to the wrong person.
 */
async function requireOpenDrawer(
  reads: CrossReads,
  tenantId: TenantId,
  holders: readonly (EmployeeId | null)[],
  drawerId: DrawerId,
  deviceId: DeviceId | null,
): Promise<void> {
  for (const employeeId of new Set(holders)) {
    if (employeeId === null) continue;
    const state = await reads.state(employeeKind, streams.employee(tenantId, employeeId));
    const drawer = state.status === 'active' ? state.shift?.drawer : undefined;
    if (drawer?.drawerId === drawerId && (deviceId === null || drawer.deviceId === deviceId)) return;
  }
  throw new ApplicationError('invalid', 'DRAWER_NOT_OPEN_HERE', 'No such open drawer at this till', { drawerId });
}

type ActiveTenant = Awaited<ReturnType<typeof activeTenantOf>>;

function build(envelope: CommandEnvelope, tenant: ActiveTenant, input: OrderInput): OrderCommand {
  const meta = metaOf(envelope);
  switch (input.type) {
    case 'AddOrderLine': {
      const { taxRateId, ...line } = input;
      return { type: 'AddOrderLine', data: { ...line, taxRate: requireTaxRate(tenant, taxRateId) }, meta };
    }
    case 'ApplyDiscount': {
      const { type, ...discount } = input;
      // Approval is proven by who signs the request: a manager approving at a cashier's till
      // sends the discount with their own credentials, and the decider records them. Nothing in a
      // request names an approver, so a cashier cannot name themself or anyone (ADR 0006, addendum).
      return {
        type,
        data: { ...discount, approvalThresholdBasisPoints: tenant.tenant.settings.discountApprovalThreshold.basisPoints, approvedBy: null },
        meta,
      };
    }
    case 'CompleteOrder':
      return { type: 'CompleteOrder', data: {}, meta };
    case 'ChangeLineQuantity':
    case 'RemoveOrderLine':
    case 'RemoveDiscount':
    case 'AddPayment':
    case 'RemovePayment':
    case 'VoidOrder':
    case 'RefundOrder': {
      const { type, ...data } = input;
      return { type, data, meta } as OrderCommand;
    }
  }
}
