import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  administerTenant,
  changeTenantLifecycle,
  readTenant,
  registerTenant,
  type TenantAdminDeps,
} from '../../../application/commands/tenants.js';
import type { BranchId, DeviceId, TaxRateId, TenantId } from '../../../domain/shared/ids.js';
import { CURRENCIES, type CurrencyCode } from '../../../domain/shared/money.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { commandPoster, emptyBody, etagOf, idSchema, lineText, reasonSchema, zodApp } from './commandRoute.js';

export type TenantRouteDeps = TenantAdminDeps;

const nameSchema = lineText(100);
const legalNameSchema = lineText(200);
const basisPointsSchema = z.number().int().min(0).max(10_000).describe('Hundredths of a percent: 2000 = 20 %');

// Permissions

const PLATFORM: RoutePermission = { roles: ['platform_owner'], scope: 'platform' };
const TENANT_ADMIN: RoutePermission = { roles: ['tenant_admin'], scope: 'tenant' };
/** The tenant's users, and a platform owner acting as support for it (ADR 0009; a plain owner token finds nothing). */
const TENANT_READERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin', 'auditor', 'platform_owner'], scope: 'tenant', support: 'read' };

// Schemas

const TAGS = ['tenants'] as const;
const currencySchema = z.enum(Object.keys(CURRENCIES) as [CurrencyCode, ...CurrencyCode[]]).describe('ISO 4217 code');
const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+/-]+$/, 'an IANA time zone name')
  .describe('IANA time zone such as Europe/Paris, or UTC');
const priceModeSchema = z.enum(['inclusive', 'exclusive']).describe('Whether prices include tax');

const tenantParams = z.object({ tenantId: idSchema });
const taxRateParams = z.object({ tenantId: idSchema, taxRateId: idSchema });
const branchParams = z.object({ tenantId: idSchema, branchId: idSchema });
const deviceParams = z.object({ tenantId: idSchema, deviceId: idSchema });

const taxRateInput = z.strictObject({
  taxRateId: idSchema.optional().describe('Chosen by the client (e.g. "standard"); a UUID when left out'),
  name: nameSchema,
  basisPoints: basisPointsSchema,
});

const registerTenantBody = z.strictObject({
  legalName: legalNameSchema,
  currency: currencySchema,
  timeZone: timeZoneSchema,
  priceMode: priceModeSchema,
  taxRates: z.array(taxRateInput).max(50).optional(),
  discountApprovalThresholdBasisPoints: basisPointsSchema,
});

const tenantViewSchema = z.object({
  tenantId: z.string(),
  status: z.enum(['registered', 'active', 'suspended', 'closed']),
  legalName: z.string(),
  settings: z.object({
    currency: z.string(),
    minorUnitExponent: z.number().int(),
    timeZone: z.string(),
    priceMode: priceModeSchema,
    discountApprovalThreshold: z.object({ basisPoints: z.number().int() }),
  }),
  taxRates: z.array(z.object({ taxRateId: z.string(), name: z.string(), basisPoints: z.number().int(), status: z.enum(['active', 'retired']) })).readonly(),
  branches: z.array(z.object({ branchId: z.string(), name: z.string(), status: z.enum(['open', 'closed']) })).readonly(),
  devices: z.array(z.object({ deviceId: z.string(), branchId: z.string(), name: z.string(), status: z.enum(['active', 'deactivated']) })).readonly(),
  registeredAt: z.string(),
  activatedAt: z.string().nullable(),
  suspendedAt: z.string().nullable(),
  suspensionReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  closureReason: z.string().nullable(),
});

/**
 * The Tenant's commands as resource URLs: lifecycle for the platform owner; settings, tax rates,
 * branches and devices for the tenant's own admin (another tenant's id answers 404).
 */
export function registerTenantRoutes(app: FastifyInstance, deps: TenantRouteDeps): void {
  const zapp = zodApp(app);
  const post = commandPoster(app, deps);
  const newId = (): string => deps.ids.uuid();

  // Lifecycle (platform owner)

  post(
    '/v1/tenants',
    {
      summary: 'Register a tenant',
      description: 'The server picks the tenant id, answered as `id`. The tenant starts `registered`: it can be set up, not sell.',
      tags: TAGS,
      params: z.object({}),
      body: registerTenantBody,
      permission: PLATFORM,
      // A new tenant with a fresh id: nothing to pin.
      ifMatch: 'checked',
    },
    async ({ body, envelope }) => {
      const tenantId = newId() as TenantId;
      const { discountApprovalThresholdBasisPoints, taxRates, ...rest } = body;
      const result = await registerTenant(deps, envelope, tenantId, {
        ...rest,
        taxRates: taxRates?.map((rate) => ({ taxRateId: (rate.taxRateId ?? newId()) as TaxRateId, name: rate.name, basisPoints: rate.basisPoints })),
        discountApprovalThreshold: { basisPoints: discountApprovalThresholdBasisPoints },
      });
      return { id: tenantId, result };
    },
  );

  const reasonBody = z.strictObject({ reason: reasonSchema });
  const lifecycle = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    request: (body: z.output<B>) => Parameters<typeof changeTenantLifecycle>[3],
  ): void => {
    post(`/v1/tenants/:tenantId/${path}`, { summary, tags: TAGS, params: tenantParams, body, permission: PLATFORM }, async ({ params, body: given, envelope, ifMatch }) => ({
      id: params.tenantId,
      result: await changeTenantLifecycle(deps, envelope, params.tenantId, request(given), { ifMatch }),
    }));
  };
  lifecycle('activate', 'Activate a registered tenant: it may sell from now on', emptyBody, () => ({ type: 'ActivateTenant', data: {} }));
  lifecycle('suspend', 'Suspend an active tenant: it accepts no commands until reinstated', reasonBody, (b) => ({ type: 'SuspendTenant', data: b }));
  lifecycle('reinstate', 'Reinstate a suspended tenant', emptyBody, () => ({ type: 'ReinstateTenant', data: {} }));
  lifecycle('close', 'Close a tenant for good; its history stays readable', reasonBody, (b) => ({ type: 'CloseTenant', data: b }));

  // Settings (tenant admin)

  const admin = <B extends z.ZodType, P extends z.ZodType<{ tenantId: string }>>(
    url: string,
    summary: string,
    params: P,
    body: B,
    request: (body: z.output<B>, params: z.output<P>) => Parameters<typeof administerTenant>[3],
    idOf: (params: z.output<P>) => string = (p) => p.tenantId,
  ): void => {
    post(`/v1/tenants/:tenantId${url}`, { summary, tags: TAGS, params, body, permission: TENANT_ADMIN }, async ({ params: p, body: b, envelope, ifMatch }) => ({
      id: idOf(p),
      result: await administerTenant(deps, envelope, p.tenantId, request(b, p), { ifMatch }),
    }));
  };

  admin('/legal-name', 'Change the legal name', tenantParams, z.strictObject({ legalName: legalNameSchema }), (b) => ({
    type: 'ChangeLegalName',
    data: b,
  }));
  admin(
    '/currency',
    'Change the currency (only while the tenant has no sales)',
    tenantParams,
    z.strictObject({ currency: currencySchema }),
    (b) => ({ type: 'ChangeCurrency', data: b }),
  );
  admin('/time-zone', 'Change the time zone', tenantParams, z.strictObject({ timeZone: timeZoneSchema }), (b) => ({ type: 'ChangeTimeZone', data: b }));
  admin('/price-mode', 'Change whether prices include tax', tenantParams, z.strictObject({ priceMode: priceModeSchema }), (b) => ({
    type: 'ChangePriceMode',
    data: b,
  }));
  admin(
    '/discount-threshold',
    'Change the discount share above which a manager must approve',
    tenantParams,
    z.strictObject({ basisPoints: basisPointsSchema }),
    (b) => ({ type: 'ChangeDiscountApprovalThreshold', data: b }),
  );

  // Tax rates

  post(
    '/v1/tenants/:tenantId/tax-rates',
    { summary: 'Add a tax rate', description: 'Answers the tax rate id as `id`.', tags: TAGS, params: tenantParams, body: taxRateInput, permission: TENANT_ADMIN },
    async ({ params, body, envelope, ifMatch }) => {
      const taxRateId = (body.taxRateId ?? newId()) as TaxRateId;
      const result = await administerTenant(
        deps,
        envelope,
        params.tenantId,
        { type: 'AddTaxRate', data: { taxRateId, name: body.name, basisPoints: body.basisPoints } },
        { ifMatch },
      );
      return { id: taxRateId, result };
    },
  );
  admin(
    '/tax-rates/:taxRateId',
    'Change a tax rate’s name or rate; what is left out stays',
    taxRateParams,
    z.strictObject({ name: nameSchema.optional(), basisPoints: basisPointsSchema.optional() }),
    (b, p) => ({ type: 'ChangeTaxRate', data: { taxRateId: p.taxRateId as TaxRateId, name: b.name, basisPoints: b.basisPoints } }),
    (p) => p.taxRateId,
  );
  admin(
    '/tax-rates/:taxRateId/retire',
    'Retire a tax rate (never deleted: past orders refer to it)',
    taxRateParams,
    emptyBody,
    (_b, p) => ({ type: 'RetireTaxRate', data: { taxRateId: p.taxRateId as TaxRateId } }),
    (p) => p.taxRateId,
  );

  // Branches

  post(
    '/v1/tenants/:tenantId/branches',
    { summary: 'Open a branch', description: 'The server picks the branch id, answered as `id`.', tags: TAGS, params: tenantParams, body: z.strictObject({ name: nameSchema }), permission: TENANT_ADMIN },
    async ({ params, body, envelope, ifMatch }) => {
      const branchId = newId() as BranchId;
      const result = await administerTenant(deps, envelope, params.tenantId, { type: 'OpenBranch', data: { branchId, name: body.name } }, { ifMatch });
      return { id: branchId, result };
    },
  );
  admin('/branches/:branchId/rename', 'Rename a branch', branchParams, z.strictObject({ name: nameSchema }), (b, p) => ({
    type: 'RenameBranch',
    data: { branchId: p.branchId as BranchId, name: b.name },
  }), (p) => p.branchId);
  admin(
    '/branches/:branchId/close',
    'Close a branch (its devices must be deactivated first)',
    branchParams,
    emptyBody,
    (_b, p) => ({ type: 'CloseBranch', data: { branchId: p.branchId as BranchId } }),
    (p) => p.branchId,
  );

  // Devices

  post(
    '/v1/tenants/:tenantId/devices',
    {
      summary: 'Register a device (POS till) at a branch',
      description: 'The server picks the device id, answered as `id`. A device stays at its branch for good.',
      tags: TAGS,
      params: tenantParams,
      body: z.strictObject({ branchId: idSchema, name: nameSchema }),
      permission: TENANT_ADMIN,
    },
    async ({ params, body, envelope, ifMatch }) => {
      const deviceId = newId() as DeviceId;
      const result = await administerTenant(
        deps,
        envelope,
        params.tenantId,
        { type: 'RegisterDevice', data: { deviceId, branchId: body.branchId as BranchId, name: body.name } },
        { ifMatch },
      );
      return { id: deviceId, result };
    },
  );
  admin('/devices/:deviceId/rename', 'Rename a device', deviceParams, z.strictObject({ name: nameSchema }), (b, p) => ({
    type: 'RenameDevice',
    data: { deviceId: p.deviceId as DeviceId, name: b.name },
  }), (p) => p.deviceId);
  admin(
    '/devices/:deviceId/deactivate',
    'Deactivate a device for good; its tokens stop working at once',
    deviceParams,
    z.strictObject({ reason: reasonSchema }),
    (b, p) => ({ type: 'DeactivateDevice', data: { deviceId: p.deviceId as DeviceId, reason: b.reason } }),
    (p) => p.deviceId,
  );

  // Query

  zapp.get(
    '/v1/tenants/:tenantId',
    {
      schema: {
        summary: 'The tenant’s current state (settings, tax rates, branches, devices)',
        description: 'Folded from the tenant’s stream; the ETag is its revision, for If-Match on commands.',
        tags: [...TAGS],
        params: tenantParams,
        response: { 200: tenantViewSchema },
      },
      config: { permission: TENANT_READERS, openapi: { etag: true } },
    },
    async (request, reply) => {
      const { view, revision } = await readTenant(deps.eventStore, principalOf(request), request.params.tenantId);
      void reply.header('etag', etagOf(revision));
      return view;
    },
  );
}
