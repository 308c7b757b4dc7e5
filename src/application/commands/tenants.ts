import type {
  ActivateTenant,
  ChangeCurrency,
  CloseTenant,
  RegisterTenant,
  ReinstateTenant,
  SuspendTenant,
  TenantCommand,
  TenantState,
} from '../../domain/tenant/index.js';
import type { CommandMeta } from '../../domain/shared/command.js';
import type { BranchId, DeviceId, TaxRateId, TenantId } from '../../domain/shared/ids.js';
import { notFound } from '../errors.js';
import { handleCommand, loadAggregate, type CommandEnvelope, type CommandResult, type HandlerDeps } from '../handleCommand.js';
import type { Accounts } from '../ports/accounts.js';
import type { TenantSales } from '../ports/tenantSales.js';
import type { EventStore } from '../ports/eventStore.js';
import type { Principal } from '../principal.js';
import { requirePlatformOwner, requireTenant } from './access.js';
import { tenantKind } from './kinds.js';
import { streams } from '../events/streams.js';
import { commandMeta, requireKnownTimeZone, requireTenantAdminOf } from './tenantScope.js';

/** What tenant and employee commands need: the handler's deps and the logins beside the log. */
export type TenantCommandDeps = HandlerDeps & Readonly<{ accounts: Accounts }>;

/** The tenant admin's commands also need to know whether the tenant has sold yet (a read model). */
export type TenantAdminDeps = TenantCommandDeps & Readonly<{ tenantSales: TenantSales }>;

export type CommandOptions = Readonly<{ ifMatch?: number | undefined }>;

type WithoutMeta<C> = C extends unknown ? Omit<C, 'meta'> : never;

/** The platform owner's commands on an existing tenant's lifecycle. */
export type TenantLifecycleRequest = WithoutMeta<ActivateTenant | SuspendTenant | ReinstateTenant | CloseTenant>;

/**
 * The tenant admin's commands on their own tenant. ChangeCurrency's `hasSales` is a fact the
 * application supplies, never the caller.
 */
export type TenantAdminRequest =
  | WithoutMeta<Exclude<TenantCommand, RegisterTenant | ActivateTenant | SuspendTenant | ReinstateTenant | CloseTenant | ChangeCurrency>>
  | Readonly<{ type: 'ChangeCurrency'; data: Readonly<{ currency: string }> }>;

export type RegisterTenantInput = Omit<RegisterTenant['data'], 'tenantId'>;

/** The platform owner registers a tenant under an id the edge chose (a fresh UUID). */
export async function registerTenant(
  deps: TenantCommandDeps,
  envelope: CommandEnvelope,
  tenantId: TenantId,
  input: RegisterTenantInput,
): Promise<CommandResult> {
  requirePlatformOwner(envelope.principal);
  requireKnownTimeZone(input.timeZone);
  const meta = commandMeta(envelope);
  return handleCommand(deps, tenantKind, streams.tenant(tenantId), tenantId, envelope, (): TenantCommand => ({
    type: 'RegisterTenant',
    data: { ...input, tenantId },
    meta,
  }));
}

/** Activate, suspend, reinstate, close: the platform owner's, on any tenant (a missing one is 404 from the decider). */
export async function changeTenantLifecycle(
  deps: TenantCommandDeps,
  envelope: CommandEnvelope,
  tenantId: string,
  request: TenantLifecycleRequest,
  options: CommandOptions = {},
): Promise<CommandResult> {
  requirePlatformOwner(envelope.principal);
  const id = tenantId as TenantId;
  const meta = commandMeta(envelope);
  return handleCommand(deps, tenantKind, streams.tenant(id), id, envelope, () => withMeta(request, meta), options);
}

/**
 * Settings, tax rates, branches and devices: the tenant admin's, on their own tenant only.
 * Another tenant's id answers 404 before its stream is read, so neither its existence nor its
 * revision (through If-Match) leaks.
 */
export async function administerTenant(
  deps: TenantAdminDeps,
  envelope: CommandEnvelope,
  tenantId: string,
  request: TenantAdminRequest,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const id = requireTenantAdminOf(envelope.principal, tenantId, 'Tenant');
  const meta = commandMeta(envelope);
  const result = await handleCommand(
    deps,
    tenantKind,
    streams.tenant(id),
    id,
    envelope,
    // Asked on every attempt: an order opened meanwhile must keep the currency fixed.
    async ({ state }) => adminCommand(request, state, meta, request.type === 'ChangeCurrency' && (await deps.tenantSales.hasSales(id))),
    options,
  );
  if (request.type === 'DeactivateDevice') {
    // The event is the fact; the accounts store follows it so the till's tokens stop working now.
    // Called again on a retry that changed nothing, so a failure here heals on the next try.
    await deps.accounts.deactivateDevice(id, request.data.deviceId);
  }
  return result;
}

function adminCommand(request: TenantAdminRequest, state: TenantState, meta: CommandMeta, hasSales: boolean): TenantCommand {
  switch (request.type) {
    case 'ChangeCurrency':
      // Any order opened, in any state, keeps the currency: its amounts were priced in the old one.
      return { type: 'ChangeCurrency', data: { currency: request.data.currency, hasSales }, meta };
    case 'ChangeTimeZone':
      requireKnownTimeZone(request.data.timeZone);
      return withMeta(request, meta);
    default:
      return withMeta(request, meta);
  }
}

function withMeta<R extends WithoutMeta<TenantCommand>>(request: R, meta: CommandMeta): R & Readonly<{ meta: CommandMeta }> {
  return { ...request, meta };
}

// Reads

export type TenantView = Readonly<{
  tenantId: TenantId;
  status: Exclude<TenantState['status'], 'none'>;
  legalName: string;
  settings: Readonly<{
    currency: string;
    minorUnitExponent: number;
    timeZone: string;
    priceMode: 'inclusive' | 'exclusive';
    discountApprovalThreshold: Readonly<{ basisPoints: number }>;
  }>;
  taxRates: readonly Readonly<{ taxRateId: TaxRateId; name: string; basisPoints: number; status: 'active' | 'retired' }>[];
  branches: readonly Readonly<{ branchId: BranchId; name: string; status: 'open' | 'closed' }>[];
  devices: readonly Readonly<{ deviceId: DeviceId; branchId: BranchId; name: string; status: 'active' | 'deactivated' }>[];
  registeredAt: string;
  activatedAt: string | null;
  suspendedAt: string | null;
  suspensionReason: string | null;
  closedAt: string | null;
  closureReason: string | null;
}>;

/** The tenant's current state, folded from its stream, for its own users only. */
export async function readTenant(
  eventStore: EventStore,
  principal: Principal,
  tenantId: string,
): Promise<Readonly<{ view: TenantView; revision: number | null }>> {
  const id = requireTenant(principal, tenantId, 'Tenant');
  const { state, revision } = await loadAggregate(eventStore, tenantKind, streams.tenant(id));
  if (state.status === 'none') throw notFound('Tenant');
  const { tenant } = state;
  const view: TenantView = {
    tenantId: tenant.id,
    status: state.status,
    legalName: tenant.legalName,
    settings: {
      currency: tenant.settings.currency,
      minorUnitExponent: tenant.settings.minorUnitExponent,
      timeZone: tenant.settings.timeZone,
      priceMode: tenant.settings.priceMode,
      discountApprovalThreshold: { basisPoints: tenant.settings.discountApprovalThreshold.basisPoints },
    },
    taxRates: [...tenant.taxRates.values()].map((r) => ({ taxRateId: r.id, name: r.name, basisPoints: r.basisPoints, status: r.status })),
    branches: [...tenant.branches.values()].map((b) => ({ branchId: b.id, name: b.name, status: b.status })),
    devices: [...tenant.devices.values()].map((d) => ({ deviceId: d.id, branchId: d.branchId, name: d.name, status: d.status })),
    registeredAt: tenant.registeredAt,
    activatedAt: state.status === 'active' || state.status === 'suspended' ? state.activatedAt : null,
    suspendedAt: state.status === 'suspended' ? state.suspendedAt : null,
    suspensionReason: state.status === 'suspended' ? state.suspensionReason : null,
    closedAt: state.status === 'closed' ? state.closedAt : null,
    closureReason: state.status === 'closed' ? state.closureReason : null,
  };
  return { view, revision };
}
