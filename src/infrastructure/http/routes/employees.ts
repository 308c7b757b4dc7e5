import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  administerEmployee,
  appointTenantAdmin,
  hireEmployee,
  readEmployee,
  runShiftCommand,
  setEmployeeCredentials,
  type EmployeeAdminDeps,
  type EmployeeAdminRequest,
  type ShiftCommandDeps,
  type ShiftRequest,
} from '../../../application/commands/employees.js';
import type { CommandEnvelope } from '../../../application/handleCommand.js';
import { EMPLOYEE_ROLES, type MovementId } from '../../../domain/employee/index.js';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../domain/employee/personalData.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId } from '../../../domain/shared/ids.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PIN_PATTERN } from '../../auth/credentialRules.js';
// The `idempotency` route config is declared there (module augmentation of FastifyContextConfig).
import type {} from '../../idempotency/registerIdempotency.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { commandPoster, emailSchema, emptyBody, etagOf, idSchema, lineText, reasonSchema } from './commandRoute.js';

export type EmployeeRouteDeps = ShiftCommandDeps & EmployeeAdminDeps;

const TAGS = ['employees'] as const;
const SHIFT_TAGS = ['shifts and cash drawer'] as const;

const TENANT_ADMIN: RoutePermission = { roles: ['tenant_admin'], scope: 'tenant' };
const TENANT_USERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'tenant' };
/** Cashiers act on themselves at their own till; managers on employees of their branches. */
const SHIFT_ACTORS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' };
const MANAGERS: RoutePermission = { roles: ['branch_manager', 'tenant_admin'], scope: 'branch' };
/** Shift and cash-drawer commands honour Idempotency-Key (a till retries, and syncs them after being offline); a cashier must send one. */
const AT_THE_TILL_CONFIG = { idempotency: 'required-for-cashiers' } as const;
/** Hires honour Idempotency-Key too (no cashier hires, so it stays optional). */
const HIRE_CONFIG = { idempotency: 'required-for-cashiers' } as const;

const roleSchema = z.enum(EMPLOYEE_ROLES).describe('platform_owner is not a role of a tenant’s employee');
const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);
const pinSchema = z.string().regex(PIN_PATTERN, 'a PIN is 4 to 8 digits');
const amountSchema = z.number().int().describe('Minor units of the tenant currency');

const employeeParams = z.object({ employeeId: idSchema });
const branchParams = z.object({ employeeId: idSchema, branchId: idSchema });
const deviceParams = z.object({ employeeId: idSchema, deviceId: idSchema });

const hireBody = z.strictObject({
  personalData: z.strictObject({
    name: lineText(NAME_MAX_LENGTH),
    email: emailSchema(EMAIL_MAX_LENGTH),
    phone: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[0-9+ ().-]+$/, 'digits, spaces and + ( ) . -')
      .optional()
      .describe('International form, e.g. +33 1 23 45 67 89'),
  }),
  role: roleSchema,
  branchIds: z.array(idSchema).max(100),
  deviceIds: z.array(idSchema).max(100).optional().describe('Cashiers only: the tills they may sign in on with a PIN'),
  password: passwordSchema.optional().describe('Kept hashed beside the event log, never in it'),
  pin: pinSchema.optional().describe('Usable only on a bound device; kept hashed beside the event log, never in it'),
});

const credentialsBody = z
  .strictObject({ password: passwordSchema.optional(), pin: pinSchema.optional() })
  .refine((body) => body.password !== undefined || body.pin !== undefined, { message: 'give a password, a PIN or both' });

const cashMovementBody = z.strictObject({
  drawerId: idSchema.optional().describe('The drawer open now when left out'),
  movementId: idSchema.optional().describe('Chosen by the till so a retry is not counted twice; a UUID when left out'),
  amount: amountSchema,
  reason: reasonSchema,
});

const employeeViewSchema = z.object({
  employeeId: z.string(),
  tenantId: z.string(),
  status: z.enum(['active', 'suspended', 'terminated']),
  role: roleSchema,
  branchIds: z.array(z.string()).readonly(),
  deviceIds: z.array(z.string()).readonly(),
  personalData: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }).nullable(),
  personalDataStatus: z.enum(['visible', 'redacted', 'forgotten']).describe('visible to tenant admins only; forgotten after erasure'),
  statusReason: z.string().nullable(),
  shift: z
    .object({
      shiftId: z.string(),
      branchId: z.string(),
      deviceId: z.string().nullable(),
      clockedInAt: z.string(),
      drawer: z
        .object({
          drawerId: z.string(),
          deviceId: z.string(),
          openedAt: z.string(),
          float: amountSchema,
          cashIn: amountSchema,
          cashOut: amountSchema,
        })
        .nullable(),
    })
    .nullable(),
  lastClosedDrawer: z
    .object({
      drawerId: z.string(),
      deviceId: z.string(),
      openedAt: z.string().nullable(),
      closedAt: z.string(),
      closedBy: z.string().describe('User id of the manager who closed it'),
      float: amountSchema,
      cashIn: amountSchema,
      cashOut: amountSchema,
      cashSales: amountSchema.describe('Net cash of sales at the close: tendered, less change, cash handed back and cash refunds'),
      expected: amountSchema.describe('float + cashIn - cashOut + cashSales'),
      counted: amountSchema,
      variance: amountSchema.describe('counted - expected: negative when cash is missing'),
      link: z.string().describe('The drawer in GET /v1/drawers/{drawerId}'),
    })
    .nullable()
    .describe('The most recent drawer the employee closed, as DrawerClosed recorded it; null before the first close'),
});

/**
 * The Employee's commands: hiring and administration by the tenant admin (logins kept in step
 * in Accounts), credentials, and the employee's own shift and cash-drawer commands.
 */
export function registerEmployeeRoutes(app: FastifyInstance, deps: EmployeeRouteDeps): void {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const post = commandPoster(app, deps);
  const newId = (): string => deps.ids.uuid();
  /**
   * A hire's employee id: a new UUID, or with an Idempotency-Key one derived from the key, so a
   * retry after a failure (the stored answer lost) addresses the same employee and its reserved
   * login, and converges on one hire (ADR 0013).
   */
  const hireId = (envelope: CommandEnvelope, tenantId: string): EmployeeId =>
    (envelope.idempotencyKey === null ? newId() : uuidFrom(`hire\u0000${tenantId}\u0000${envelope.principal.userId}\u0000${envelope.idempotencyKey}`)) as EmployeeId;

  // Hiring and administration (tenant admin)

  post(
    '/v1/employees',
    {
      summary: 'Hire an employee',
      description:
        'The server picks the employee id, answered as `id`; it is also the user id of the login created with the given ' +
        'password and PIN. Branches must be open and devices active at one of them. An email is one login per tenant: ' +
        'one already used in this tenant is 409 `EMAIL_IN_USE`. With an `Idempotency-Key`, a retry (even after a failure) ' +
        'hires the same employee once.',
      tags: TAGS,
      params: z.object({}),
      body: hireBody,
      permission: TENANT_ADMIN,
      config: HIRE_CONFIG,
      // A new employee: nothing to pin.
      ifMatch: 'checked',
    },
    async ({ body, envelope }) => {
      const employeeId = hireId(envelope, envelope.principal.tenantId ?? '');
      const result = await hireEmployee(deps, envelope, {
        employeeId,
        personalData: body.personalData,
        role: body.role,
        branchIds: body.branchIds as BranchId[],
        deviceIds: body.deviceIds as DeviceId[] | undefined,
        password: body.password,
        pin: body.pin,
      });
      return { id: employeeId, result };
    },
  );

  post(
    '/v1/tenants/:tenantId/admins',
    {
      summary: "Appoint a tenant admin (platform owner): how a new tenant gets its first staff",
      description:
        'Hires an employee with role tenant_admin into the tenant; the event names the platform owner as actor. ' +
        'An email already used in that tenant is 409 `EMAIL_IN_USE`; `Idempotency-Key` is honoured as for a hire.',
      tags: TAGS,
      params: z.strictObject({ tenantId: idSchema }),
      body: hireBody.pick({ personalData: true, password: true }),
      permission: { roles: ['platform_owner'], scope: 'platform' },
      config: HIRE_CONFIG,
      ifMatch: 'checked',
    },
    async ({ params, body, envelope }) => {
      const employeeId = hireId(envelope, params.tenantId);
      const result = await appointTenantAdmin(deps, envelope, params.tenantId as TenantId, {
        employeeId,
        personalData: body.personalData,
        password: body.password,
      });
      return { id: employeeId, result };
    },
  );

  const admin = <B extends z.ZodType, P extends z.ZodType<{ employeeId: string }>>(
    url: string,
    summary: string,
    params: P,
    body: B,
    request: (body: z.output<B>, params: z.output<P>) => EmployeeAdminRequest,
  ): void => {
    post(`/v1/employees/:employeeId${url}`, { summary, tags: TAGS, params, body, permission: TENANT_ADMIN }, async ({ params: p, body: b, envelope, ifMatch }) => ({
      id: p.employeeId,
      result: await administerEmployee(deps, envelope, p.employeeId as EmployeeId, request(b, p), { ifMatch }),
    }));
  };

  admin('/role', 'Change the employee’s role (a cashier’s device bindings end when they stop being one)', employeeParams, z.strictObject({ role: roleSchema }), (b) => ({
    type: 'ChangeEmployeeRole',
    data: b,
  }));
  admin('/branches', 'Assign the employee to an open branch', employeeParams, z.strictObject({ branchId: idSchema }), (b) => ({
    type: 'AssignBranch',
    data: { branchId: b.branchId as BranchId },
  }));
  admin('/branches/:branchId/unassign', 'Unassign the employee from a branch (bindings to its devices end)', branchParams, emptyBody, (_b, p) => ({
    type: 'UnassignBranch',
    data: { branchId: p.branchId as BranchId },
  }));
  admin('/devices', 'Bind a cashier to an active device of one of their branches', employeeParams, z.strictObject({ deviceId: idSchema }), (b) => ({
    type: 'BindDevice',
    data: { deviceId: b.deviceId as DeviceId },
  }));
  admin('/devices/:deviceId/unbind', 'Unbind a cashier from a device', deviceParams, emptyBody, (_b, p) => ({
    type: 'UnbindDevice',
    data: { deviceId: p.deviceId as DeviceId },
  }));
  admin('/suspend', 'Suspend the employee: they cannot sign in and their tokens stop working at once', employeeParams, z.strictObject({ reason: reasonSchema }), (b) => ({
    type: 'SuspendEmployee',
    data: b,
  }));
  admin('/reinstate', 'Reinstate a suspended employee', employeeParams, emptyBody, () => ({ type: 'ReinstateEmployee', data: {} }));
  admin('/terminate', 'Terminate the employee for good', employeeParams, z.strictObject({ reason: reasonSchema }), (b) => ({
    type: 'TerminateEmployee',
    data: b,
  }));
  admin('/forget', 'Forget the employee’s personal data (right to erasure): their data key is destroyed, so no read, replay or export shows it again, and their login goes', employeeParams, emptyBody, () => ({
    type: 'ForgetPersonalData',
    data: {},
  }));

  zapp.post(
    '/v1/employees/:employeeId/credentials',
    {
      schema: {
        summary: 'Set the employee’s password or PIN',
        description: 'By a tenant admin or the employee themself. Writes no event: credentials never enter the event log. Answers 204.',
        tags: [...TAGS],
        params: employeeParams,
        body: credentialsBody,
        response: { 204: z.null().describe('Set') },
      },
      config: { permission: TENANT_USERS },
    },
    async (request, reply) => {
      await setEmployeeCredentials(deps, principalOf(request), request.params.employeeId as EmployeeId, request.body);
      return reply.code(204).send(null);
    },
  );

  // Shifts and cash drawer

  const shift = <B extends z.ZodType>(
    url: string,
    summary: string,
    body: B,
    request: (body: z.output<B>) => Readonly<{ id: string | null; request: ShiftRequest }>,
    options: Readonly<{ permission?: RoutePermission }> = {},
  ): void => {
    post(
      `/v1/employees/:employeeId${url}`,
      {
        summary,
        tags: SHIFT_TAGS,
        params: employeeParams,
        body,
        permission: options.permission ?? SHIFT_ACTORS,
        config: AT_THE_TILL_CONFIG,
      },
      async ({ params, body: b, envelope, ifMatch }) => {
        const built = request(b);
        const result = await runShiftCommand(deps, envelope, params.employeeId as EmployeeId, built.request, { ifMatch });
        return { id: built.id ?? params.employeeId, result };
      },
    );
  };

  shift(
    '/clock-in',
    'Clock in at a branch (on a till: at that till); answers the shift id as `id`',
    z.strictObject({ shiftId: idSchema.optional(), branchId: idSchema, deviceId: idSchema.optional() }),
    (b) => {
      const shiftId = (b.shiftId ?? newId()) as ShiftId;
      return { id: shiftId, request: { type: 'ClockIn', data: { shiftId, branchId: b.branchId as BranchId, deviceId: b.deviceId as DeviceId | undefined } } };
    },
  );
  shift('/clock-out', 'Clock out (the cash drawer must be closed first)', z.strictObject({ shiftId: idSchema.optional() }).nullish(), (b) => ({
    id: null,
    request: { type: 'ClockOut', data: { shiftId: b?.shiftId as ShiftId | undefined } },
  }));
  shift(
    '/drawer/open',
    'Open the cash drawer of a device with a float; answers the drawer id as `id`',
    z.strictObject({ drawerId: idSchema.optional(), deviceId: idSchema, floatAmount: amountSchema }),
    (b) => {
      const drawerId = (b.drawerId ?? newId()) as DrawerId;
      return { id: drawerId, request: { type: 'OpenDrawer', data: { drawerId, deviceId: b.deviceId as DeviceId, floatAmount: b.floatAmount } } };
    },
  );
  const movement = (type: 'RecordCashIn' | 'RecordCashOut') => (b: z.output<typeof cashMovementBody>) => {
    const movementId = (b.movementId ?? newId()) as MovementId;
    return {
      id: movementId,
      request: { type, data: { drawerId: b.drawerId as DrawerId | undefined, movementId, amount: b.amount, reason: b.reason } },
    };
  };
  shift('/drawer/cash-in', 'Put cash into the drawer; answers the movement id as `id`', cashMovementBody, movement('RecordCashIn'));
  shift('/drawer/cash-out', 'Take cash out of the drawer; answers the movement id as `id`', cashMovementBody, movement('RecordCashOut'));
  shift(
    '/drawer/close',
    'Close the drawer with the counted cash (a branch manager or higher); the variance is computed by the server',
    z.strictObject({ drawerId: idSchema.optional(), countedAmount: amountSchema }),
    (b) => ({ id: null, request: { type: 'CloseDrawer', data: { drawerId: b.drawerId as DrawerId | undefined, countedAmount: b.countedAmount } } }),
    { permission: MANAGERS },
  );

  // Query

  zapp.get(
    '/v1/employees/:employeeId',
    {
      schema: {
        summary: 'The employee’s current state',
        description:
          'Folded from the employee’s stream; the ETag is its revision. Personal data is shown to tenant admins only ' +
          '(and to a platform owner acting as support, who sees what the tenant admin sees). ' +
          'A manager sees the employees of their branches, a cashier themself.',
        tags: [...TAGS],
        params: employeeParams,
        response: { 200: employeeViewSchema },
      },
      config: {
        permission: { roles: [...TENANT_USERS.roles, 'auditor', 'platform_owner'], scope: 'tenant', support: 'read' },
        openapi: { etag: true, problems: { 403: ['OWN_RECORD_ONLY', 'OUTSIDE_YOUR_BRANCHES'] } },
      },
    },
    async (request, reply) => {
      const { view, revision } = await readEmployee(deps.eventStore, principalOf(request), request.params.employeeId as EmployeeId);
      void reply.header('etag', etagOf(revision));
      return view;
    },
  );
}

/** A name-based UUID (version 8, SHA-256 of the name): the same name, the same id. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
