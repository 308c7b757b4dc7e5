import type {
  EmployeeCommand,
  EmployeeHired,
  EmployeeRole,
  EmployeeState,
  ForgetPersonalData,
  HiredEmployee,
  PersonalDataInput,
  ReinstateEmployee,
  SuspendEmployee,
  TerminateEmployee,
} from '../../domain/employee/index.js';
import type { MovementId } from '../../domain/employee/cash.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, ShiftId, TenantId, UserId } from '../../domain/shared/ids.js';
import type { Minor } from '../../domain/shared/money.js';
import { activeDevice, isAcceptingCommands, type TenantState } from '../../domain/tenant/index.js';
import { ApplicationError, notFound } from '../errors.js';
import { loadCurrent } from '../aggregateCache.js';
import { handleCommand, loadAggregate, type CommandEnvelope, type CommandResult } from '../handleCommand.js';
import type { DrawerCash } from '../ports/drawerCash.js';
import type { EventStore } from '../ports/eventStore.js';
import type { PersonalDataVault } from '../ports/personalData.js';
import { employeeSubject } from '../personalData/fields.js';
import { loginOf } from '../loginOf.js';
import { reserveLogin, settleLogin } from '../loginReservations.js';
import type { Principal } from '../principal.js';
import { requireBranch, requireDevice, requirePlatformOwner } from './access.js';
import { employeeKind, tenantKind } from './kinds.js';
import { streams } from '../events/streams.js';
import { lastClosedDrawerOf, type ClosedDrawerView } from './lastClosedDrawer.js';
import { activeTenant, requireActiveDeviceAt, requireOpenBranch } from './tenantContext.js';
import { commandMeta, requireTenantAdmin, tenantOfPrincipal } from './tenantScope.js';
import type { CommandOptions, TenantCommandDeps } from './tenants.js';

// Employees live in streams `employee-<tenantId>/<employeeId>` named from the caller's own
// tenant: an id of another tenant's employee lands in an empty stream and answers 404.
// An employee's id is also the user id of their login in Accounts.

const EMPLOYEE = 'Employee';

// Hiring

export type HireEmployeeInput = Readonly<{
  employeeId: EmployeeId;
  personalData: PersonalDataInput;
  role: EmployeeRole;
  branchIds: readonly BranchId[];
  deviceIds?: readonly DeviceId[] | undefined;
  /** Go to Accounts only (hashed, in the reserved login); never into a command or an event. */
  password?: string | undefined;
  pin?: string | undefined;
}>;

/**
 * Hires into the tenant admin's own tenant, at open branches, bound to active devices of those
 * branches, with a login that has the credentials.
 */
export async function hireEmployee(deps: TenantCommandDeps, envelope: CommandEnvelope, input: HireEmployeeInput): Promise<CommandResult> {
  const { principal } = envelope;
  const tenantId = tenantOfPrincipal(principal, 'Tenant');
  requireTenantAdmin(principal);
  return hireInto(deps, envelope, tenantId, input);
}

/**
 * A new tenant has no one to hire its staff: the platform owner appoints its tenant admins. The
 * event names the platform owner as actor, so the appointment is on the audit trail.
 */
export async function appointTenantAdmin(
  deps: TenantCommandDeps,
  envelope: CommandEnvelope,
  tenantId: TenantId,
  input: Omit<HireEmployeeInput, 'role' | 'branchIds' | 'deviceIds' | 'pin'>,
): Promise<CommandResult> {
  requirePlatformOwner(envelope.principal);
  return hireInto(deps, envelope, tenantId, { ...input, role: 'tenant_admin', branchIds: [] });
}

/**
 * The log and the logins must agree, with no transaction across them (ADR 0013): the decider's
 * rules on the input are checked first, then the login is reserved (pending, unable to sign in;
 * an email held in this tenant is 409 EMAIL_IN_USE, one held elsewhere is no conflict), then
 * EmployeeHired is appended, then the login is activated. A failed append settles the login
 * by what the log holds; a crash leaves a pending login that the account-sync reactor activates
 * or the sweep releases. A retry with the same employee id converges on one hire and one login.
 */
async function hireInto(deps: TenantCommandDeps, envelope: CommandEnvelope, tenantId: TenantId, input: HireEmployeeInput): Promise<CommandResult> {
  const meta = commandMeta(envelope);
  const { employeeId, personalData, role, branchIds } = input;
  const deviceIds = input.deviceIds ?? [];
  // Field by field: the credentials of the input never reach the command.
  const command: EmployeeCommand = { type: 'HireEmployee', data: { employeeId, tenantId, personalData, role, branchIds, deviceIds }, meta };
  const hired = hiredBy(command);
  await reserveLogin(
    deps,
    {
      userId: userIdOf(employeeId),
      tenantId,
      employeeId,
      // As the decider normalised it (trimmed, lower-cased): the login matches the record.
      email: hired.personalData.email,
      role: hired.role,
      branchIds: hired.branchIds,
      deviceIds: hired.deviceIds,
      password: input.password ?? null,
      pin: input.pin ?? null,
    },
    deps.clock.now(),
  );
  let result: CommandResult;
  try {
    result = await handleCommand(deps, employeeKind, streams.employee(tenantId, employeeId), tenantId, envelope, async (): Promise<EmployeeCommand> => {
      const tenant = await operatingTenant(deps.eventStore, tenantId);
      for (const branchId of branchIds) requireOpenBranch(tenant, branchId);
      for (const deviceId of deviceIds) {
        const device = activeDevice(tenant, deviceId);
        if (!device) throw new ApplicationError('not_found', 'DEVICE_NOT_FOUND', 'No such active device', { deviceId });
        if (!branchIds.includes(device.branchId)) {
          throw new ApplicationError('invalid', 'DEVICE_OUTSIDE_BRANCHES', "The device stands at a branch that is not one of the employee's", {
            deviceId,
            branchId: device.branchId,
          });
        }
      }
      return command;
    });
  } catch (error) {
    // The refusal is the answer; a failure to settle leaves the login pending for the sweep.
    await settleLogin(deps, tenantId, employeeId).catch(() => undefined);
    throw error;
  }
  await syncAccount(deps, tenantId, employeeId);
  return result;
}

/**
 * What the decider would record for this hire on an empty stream: its rules on the input alone
 * (email shape and control characters, role, branches, devices) refuse before anything is
 * written, and it gives the normalised email the login is reserved under.
 */
function hiredBy(command: EmployeeCommand): EmployeeHired['data'] & Readonly<{ personalData: NonNullable<EmployeeHired['data']['personalData']> }> {
  const [event] = employeeKind.decider.decide(command, employeeKind.decider.initialState);
  if (event?.type !== 'EmployeeHired') throw new Error('a hire on an empty stream records EmployeeHired');
  const { personalData } = event.data;
  // Only a stored hire whose data key is gone reads as null; a decided one holds what was given.
  if (personalData === null) throw new Error('a decided hire holds its personal data');
  return { ...event.data, personalData };
}

// Administration

type WithoutMeta<C> = C extends unknown ? Omit<C, 'meta'> : never;

/**
 * The tenant admin's commands on an employee. Facts of the Tenant aggregate (which branch a
 * device stands at, which devices a branch has) are filled in by the application.
 */
export type EmployeeAdminRequest =
  | Readonly<{ type: 'ChangeEmployeeRole'; data: Readonly<{ role: EmployeeRole }> }>
  | Readonly<{ type: 'AssignBranch'; data: Readonly<{ branchId: BranchId }> }>
  | Readonly<{ type: 'UnassignBranch'; data: Readonly<{ branchId: BranchId }> }>
  | Readonly<{ type: 'BindDevice'; data: Readonly<{ deviceId: DeviceId }> }>
  | Readonly<{ type: 'UnbindDevice'; data: Readonly<{ deviceId: DeviceId }> }>
  | WithoutMeta<SuspendEmployee | ReinstateEmployee | TerminateEmployee | ForgetPersonalData>;

/** Forgetting also destroys the employee's data key (ADR 0025). */
export type EmployeeAdminDeps = TenantCommandDeps & Readonly<{ personalData: Pick<PersonalDataVault, 'forget'> }>;

export async function administerEmployee(
  deps: EmployeeAdminDeps,
  envelope: CommandEnvelope,
  employeeId: EmployeeId,
  request: EmployeeAdminRequest,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const { principal } = envelope;
  const tenantId = tenantOfPrincipal(principal, EMPLOYEE);
  requireTenantAdmin(principal);
  const meta = commandMeta(envelope);
  const result = await handleCommand(
    deps,
    employeeKind,
    streams.employee(tenantId, employeeId),
    tenantId,
    envelope,
    async ({ state }): Promise<EmployeeCommand> => {
      if (state.status === 'none') throw notFound(EMPLOYEE);
      // Right to erasure holds whatever the tenant's status; every other change needs a tenant
      // that takes commands.
      if (request.type === 'ForgetPersonalData') return { ...request, meta };
      const tenant = await operatingTenant(deps.eventStore, tenantId);
      switch (request.type) {
        case 'AssignBranch':
          requireOpenBranch(tenant, request.data.branchId);
          return { ...request, meta };
        case 'UnassignBranch': {
          // Every device ever registered there: a binding to a since-deactivated till ends too.
          const devicesAtBranch = devicesOf(tenant).filter((d) => d.branchId === request.data.branchId).map((d) => d.id);
          return { type: 'UnassignBranch', data: { branchId: request.data.branchId, devicesAtBranch }, meta };
        }
        case 'BindDevice': {
          const device = activeDevice(tenant, request.data.deviceId);
          if (!device) throw new ApplicationError('not_found', 'DEVICE_NOT_FOUND', 'No such active device', { deviceId: request.data.deviceId });
          return { type: 'BindDevice', data: { deviceId: device.id, branchId: device.branchId }, meta };
        }
        default:
          return { ...request, meta };
      }
    },
    options,
  );
  // Accounts follow the log so tokens reflect the change at once. Called even when nothing
  // changed, so an earlier failure here heals on the client's retry: a retried forget destroys
  // the data key (crypto-shredding: the stored hire can never be read again) and the login's
  // email, password and PIN again, which is idempotent.
  if (request.type === 'ForgetPersonalData') {
    await deps.personalData.forget(employeeSubject(tenantId, employeeId));
    await deps.accounts.forget(userIdOf(employeeId));
  } else {
    await syncAccount(deps, tenantId, employeeId);
  }
  return result;
}

/** Role, branches, devices and status of the login, as the employee's stream now has them. */
async function syncAccount(deps: TenantCommandDeps, tenantId: TenantId, employeeId: EmployeeId): Promise<void> {
  const { userId, change } = loginOf(await loadHired(deps.eventStore, tenantId, employeeId));
  await deps.accounts.update(userId, change);
}

// Credentials

/** A password or PIN, set by a tenant admin or by the employee themself; no event is written. */
export async function setEmployeeCredentials(
  deps: TenantCommandDeps,
  principal: Principal,
  employeeId: EmployeeId,
  credentials: Readonly<{ password?: string | undefined; pin?: string | undefined }>,
): Promise<void> {
  const tenantId = tenantOfPrincipal(principal, EMPLOYEE);
  if (principal.employeeId !== employeeId) requireTenantAdmin(principal);
  const employee = await loadHired(deps.eventStore, tenantId, employeeId);
  if (employee.status === 'terminated') {
    throw new ApplicationError('conflict', 'EMPLOYEE_TERMINATED', 'The employee has been terminated');
  }
  if (employee.personalData === null) {
    throw new ApplicationError('conflict', 'PERSONAL_DATA_FORGOTTEN', "The employee's data has been erased; their login is gone");
  }
  const { password, pin } = credentials;
  if (password === undefined && pin === undefined) {
    throw new ApplicationError('invalid', 'NO_CREDENTIALS', 'Give a password, a PIN or both');
  }
  await deps.accounts.setCredentials(userIdOf(employeeId), {
    ...(password === undefined ? {} : { password }),
    ...(pin === undefined ? {} : { pin }),
  });
}

// Shifts and cash drawer

/**
 * The employee's own commands (or a manager's for them). Ids of what a command opens are chosen
 * by the edge; left out, the shift or drawer addressed is the one open now.
 */
export type ShiftRequest =
  | Readonly<{ type: 'ClockIn'; data: Readonly<{ shiftId: ShiftId; branchId: BranchId; deviceId?: DeviceId | undefined }> }>
  | Readonly<{ type: 'ClockOut'; data: Readonly<{ shiftId?: ShiftId | undefined }> }>
  | Readonly<{ type: 'OpenDrawer'; data: Readonly<{ drawerId: DrawerId; deviceId: DeviceId; floatAmount: Minor }> }>
  | Readonly<{ type: 'RecordCashIn'; data: Readonly<{ drawerId?: DrawerId | undefined; movementId: MovementId; amount: Minor; reason: string }> }>
  | Readonly<{ type: 'RecordCashOut'; data: Readonly<{ drawerId?: DrawerId | undefined; movementId: MovementId; amount: Minor; reason: string }> }>
  | Readonly<{ type: 'CloseDrawer'; data: Readonly<{ drawerId?: DrawerId | undefined; countedAmount: Minor }> }>;

/** Shift and drawer commands also need the cash that sales put into the drawer (a read model). */
export type ShiftCommandDeps = TenantCommandDeps & Readonly<{ drawerCash: DrawerCash }>;

export async function runShiftCommand(
  deps: ShiftCommandDeps,
  envelope: CommandEnvelope,
  employeeId: EmployeeId,
  request: ShiftRequest,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const { principal } = envelope;
  const tenantId = tenantOfPrincipal(principal, EMPLOYEE);
  const meta = commandMeta(envelope);
  const isSelf = principal.employeeId === employeeId;
  if (principal.role === 'cashier' && !isSelf) {
    throw new ApplicationError('forbidden', 'OWN_SHIFT_ONLY', 'A cashier clocks and handles cash for themself only');
  }
  return handleCommand(
    deps,
    employeeKind,
    streams.employee(tenantId, employeeId),
    tenantId,
    envelope,
    async ({ state }): Promise<EmployeeCommand> => {
      if (state.status === 'none') throw notFound(EMPLOYEE);
      const shift = state.status === 'active' ? state.shift : null;
      const drawer = shift?.drawer ?? null;
      switch (request.type) {
        case 'ClockIn': {
          // On a till session, clocking in without naming a device means this till.
          const deviceId = request.data.deviceId ?? (isSelf ? (principal.deviceId ?? undefined) : undefined);
          const { branchId } = request.data;
          requireReach(principal, isSelf, state, branchId, deviceId ?? null);
          const tenant = await activeTenant(deps.eventStore, tenantId);
          requireOpenBranch(tenant, branchId);
          if (deviceId !== undefined) requireActiveDeviceAt(tenant, branchId, deviceId);
          return { type: 'ClockIn', data: { shiftId: request.data.shiftId, branchId, deviceId }, meta };
        }
        case 'ClockOut': {
          requireReach(principal, isSelf, state, shift?.branchId ?? null, shift?.deviceId ?? null);
          await activeTenant(deps.eventStore, tenantId);
          const shiftId = request.data.shiftId ?? shift?.shiftId;
          if (shiftId === undefined) throw new ApplicationError('conflict', 'SHIFT_NOT_OPEN', 'The employee is not clocked in');
          return { type: 'ClockOut', data: { shiftId }, meta };
        }
        case 'OpenDrawer': {
          const { deviceId } = request.data;
          requireReach(principal, isSelf, state, shift?.branchId ?? null, deviceId);
          const tenant = await activeTenant(deps.eventStore, tenantId);
          if (shift) requireActiveDeviceAt(tenant, shift.branchId, deviceId);
          return { type: 'OpenDrawer', data: request.data, meta };
        }
        case 'RecordCashIn':
        case 'RecordCashOut':
        case 'CloseDrawer': {
          requireReach(principal, isSelf, state, shift?.branchId ?? null, drawer?.deviceId ?? null);
          await activeTenant(deps.eventStore, tenantId);
          const drawerId = request.data.drawerId ?? drawer?.drawerId;
          if (drawerId === undefined) throw new ApplicationError('conflict', 'DRAWER_NOT_OPEN', 'The employee has no cash drawer open');
          if (request.type === 'RecordCashIn') return { type: 'RecordCashIn', data: { ...request.data, drawerId }, meta };
          // Net cash of the sales paid into this drawer, as of every command acknowledged so far.
          const cashSales = await deps.drawerCash.cashSalesOf(tenantId, drawerId);
          if (request.type === 'RecordCashOut') return { type: 'RecordCashOut', data: { ...request.data, drawerId, cashSalesSoFar: cashSales }, meta };
          return { type: 'CloseDrawer', data: { drawerId, countedAmount: request.data.countedAmount, cashSales }, meta };
        }
      }
    },
    options,
  );
}

/**
 * Who may act on an employee's shift and drawer: the employee (a cashier on their own till
 * only), a branch manager for employees of their branches, a tenant admin for anyone.
 * `branchId` is where the action happens (the open shift's branch); null before clock-in, when a
 * manager must share a branch with the employee.
 */
function requireReach(principal: Principal, isSelf: boolean, employee: HiredEmployee, branchId: BranchId | null, deviceId: DeviceId | null): void {
  if (branchId !== null) requireBranch(principal, branchId);
  else if (!isSelf && principal.role === 'branch_manager' && !employee.branchIds.some((id) => principal.branchIds.includes(id))) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_BRANCHES', 'This employee works at no branch of yours');
  }
  if (principal.role === 'cashier' && deviceId !== null && branchId !== null) requireDevice(principal, branchId, deviceId);
}

// Reads

export type EmployeeView = Readonly<{
  employeeId: EmployeeId;
  tenantId: TenantId;
  status: HiredEmployee['status'];
  role: EmployeeRole;
  branchIds: readonly BranchId[];
  deviceIds: readonly DeviceId[];
  /** Visible to tenant admins only; null when redacted for the caller or forgotten for good. */
  personalData: Readonly<{ name: string; email: string; phone: string | null }> | null;
  personalDataStatus: 'visible' | 'redacted' | 'forgotten';
  statusReason: string | null;
  shift: Readonly<{
    shiftId: ShiftId;
    branchId: BranchId;
    deviceId: DeviceId | null;
    clockedInAt: string;
    drawer: Readonly<{ drawerId: DrawerId; deviceId: DeviceId; openedAt: string; float: Minor; cashIn: Minor; cashOut: Minor }> | null;
  }> | null;
  /** The most recent drawer closed, with its reckoning; null before the first close. */
  lastClosedDrawer: ClosedDrawerView | null;
}>;

/**
 * An employee of the caller's tenant, folded from the stream: a tenant admin sees anyone, a
 * manager the employees of their branches, a cashier themself.
 */
export async function readEmployee(
  eventStore: EventStore,
  principal: Principal,
  employeeId: EmployeeId,
): Promise<Readonly<{ view: EmployeeView; revision: number | null }>> {
  const tenantId = tenantOfPrincipal(principal, EMPLOYEE);
  const { state, revision, events } = await loadAggregate(eventStore, employeeKind, streams.employee(tenantId, employeeId));
  if (state.status === 'none') throw notFound(EMPLOYEE);
  const isSelf = principal.employeeId === employeeId;
  if (!isSelf && principal.role === 'cashier') throw new ApplicationError('forbidden', 'OWN_RECORD_ONLY', 'A cashier sees their own record only');
  if (!isSelf && principal.role === 'branch_manager' && !state.branchIds.some((id) => principal.branchIds.includes(id))) {
    throw new ApplicationError('forbidden', 'OUTSIDE_YOUR_BRANCHES', 'This employee works at no branch of yours');
  }
  const shift = state.status === 'active' ? state.shift : null;
  // Support (ADR 0009) sees the tenant's own view, as its admin does.
  const seesPersonalData = principal.role === 'tenant_admin' || principal.support !== null;
  const personalDataStatus = state.personalData === null ? 'forgotten' : seesPersonalData ? 'visible' : 'redacted';
  const view: EmployeeView = {
    employeeId: state.employeeId,
    tenantId: state.tenantId,
    status: state.status,
    role: state.role,
    branchIds: state.branchIds,
    deviceIds: state.deviceIds,
    personalData: personalDataStatus === 'visible' ? state.personalData : null,
    personalDataStatus,
    statusReason: state.status === 'active' ? null : state.reason,
    shift: shift && {
      shiftId: shift.shiftId,
      branchId: shift.branchId,
      deviceId: shift.deviceId,
      clockedInAt: shift.clockedInAt,
      drawer: shift.drawer && {
        drawerId: shift.drawer.drawerId,
        deviceId: shift.drawer.deviceId,
        openedAt: shift.drawer.openedAt,
        float: shift.drawer.float,
        cashIn: shift.drawer.cashIn,
        cashOut: shift.drawer.cashOut,
      },
    },
    lastClosedDrawer: lastClosedDrawerOf(events),
  };
  return { view, revision };
}

// Helpers

async function loadHired(eventStore: EventStore, tenantId: TenantId, employeeId: EmployeeId): Promise<HiredEmployee> {
  const { state } = await loadAggregate(eventStore, employeeKind, streams.employee(tenantId, employeeId));
  return hiredOrNotFound(state);
}

function hiredOrNotFound(state: EmployeeState): HiredEmployee {
  if (state.status === 'none') throw notFound(EMPLOYEE);
  return state;
}

/** The tenant, which must take commands (registered while being set up, or active). */
async function operatingTenant(eventStore: EventStore, tenantId: TenantId): Promise<TenantState> {
  const { state } = await loadCurrent(eventStore, tenantKind, streams.tenant(tenantId));
  if (state.status === 'none') throw notFound('Tenant');
  if (!isAcceptingCommands(state)) {
    throw new ApplicationError('conflict', 'TENANT_NOT_OPERATING', `The tenant is ${state.status} and accepts no changes`);
  }
  return state;
}

function devicesOf(tenant: TenantState): readonly Readonly<{ id: DeviceId; branchId: BranchId }>[] {
  return tenant.status === 'none' ? [] : [...tenant.tenant.devices.values()];
}

/** An employee's login carries the employee's id as its user id. */
function userIdOf(employeeId: EmployeeId): UserId {
  return employeeId as string as UserId;
}
