import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { tenantKind } from '../../src/application/commands/kinds.js';
import { streams } from '../../src/application/events/streams.js';
import { ApplicationError } from '../../src/application/errors.js';
import { handleCommand, type HandlerDeps } from '../../src/application/handleCommand.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import type { TenantCommand } from '../../src/domain/tenant/index.js';
import type { BranchId, DeviceId, TaxRateId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import type { Instant } from '../../src/domain/shared/time.js';
import { buildApp } from '../../src/infrastructure/http/app.js';
import type { Authenticator } from '../../src/infrastructure/http/plugins/access.js';
import { openEmbeddedStorage } from './storage.js';

/** Tests only: the principal travels as JSON in a header instead of a signed token. */
export const headerAuthenticator: Authenticator = (request) => {
  const raw = request.headers['x-test-principal'];
  if (typeof raw !== 'string') return Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'no principal'));
  return Promise.resolve(JSON.parse(raw) as Principal);
};

export function as(principal: Principal): Record<string, string> {
  return { 'x-test-principal': JSON.stringify(principal) };
}

export async function embeddedStore(): Promise<EventStore> {
  return (await openEmbeddedStorage()).eventStore;
}

export function handlerDeps(eventStore: EventStore): HandlerDeps {
  return { eventStore, clock: { now: () => new Date() }, ids: { uuid: () => randomUUID() } };
}

export async function commandApp(deps: HandlerDeps, routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  return buildApp({ logger: pino({ level: 'silent' }), authenticate: headerAuthenticator, readinessChecks: {}, routes });
}

export type SeededTenant = Readonly<{
  tenantId: TenantId;
  branches: readonly BranchId[];
  devices: readonly DeviceId[];
  admin: Principal;
}>;

/** An active tenant with two branches, a till in each, and a 20 % standard rate, set up through the Tenant decider. */
export async function seedTenant(deps: HandlerDeps, priceMode: 'inclusive' | 'exclusive' = 'inclusive'): Promise<SeededTenant> {
  const tenantId = `tenant-${randomUUID()}` as TenantId;
  const branches = ['branch-a', 'branch-b'] as BranchId[];
  const devices = ['till-a1', 'till-b1'] as DeviceId[];
  const owner: Principal = { userId: 'owner' as UserId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null };
  const envelope = { principal: owner, occurredAt: new Date(), correlationId: randomUUID(), causationId: null, idempotencyKey: null, traceContext: null };
  const meta = { actor: { userId: owner.userId, role: owner.role }, at: new Date().toISOString() as Instant };
  const commands: TenantCommand[] = [
    {
      type: 'RegisterTenant',
      data: {
        tenantId, legalName: 'Corner Café SARL', currency: 'EUR', timeZone: 'Europe/Paris', priceMode,
        taxRates: [{ taxRateId: 'standard' as TaxRateId, name: 'Standard', basisPoints: 2000 }],
        discountApprovalThreshold: { basisPoints: 1000 },
      },
      meta,
    },
    { type: 'ActivateTenant', data: {}, meta },
    { type: 'OpenBranch', data: { branchId: branches[0]!, name: 'Centre' }, meta },
    { type: 'OpenBranch', data: { branchId: branches[1]!, name: 'Gare' }, meta },
    { type: 'RegisterDevice', data: { deviceId: devices[0]!, branchId: branches[0]!, name: 'Till 1' }, meta },
    { type: 'RegisterDevice', data: { deviceId: devices[1]!, branchId: branches[1]!, name: 'Till 1' }, meta },
  ];
  for (const command of commands) {
    await handleCommand(deps, tenantKind, streams.tenant(tenantId), tenantId, envelope, () => command);
  }
  const admin: Principal = { userId: 'admin' as UserId, role: 'tenant_admin', tenantId, employeeId: null, deviceId: null, branchIds: branches, support: null };
  return { tenantId, branches, devices, admin };
}
