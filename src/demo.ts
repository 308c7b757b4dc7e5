import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { employeeKind, orderKind, tenantKind } from './application/commands/kinds.js';
import { streams } from './application/events/streams.js';
import { appointTenantAdmin, hireEmployee, runShiftCommand, type HireEmployeeInput, type ShiftCommandDeps, type ShiftRequest } from './application/commands/employees.js';
import { changeOrder, openOrder, type OrderInput } from './application/commands/orders.js';
import { administerTenant, changeTenantLifecycle, registerTenant, type TenantAdminDeps, type TenantAdminRequest } from './application/commands/tenants.js';
import { committedByKey } from './application/committedByKey.js';
import { loadAggregate, type CommandEnvelope } from './application/handleCommand.js';
import type { Principal } from './application/principal.js';
import type { OrderState } from './domain/order/index.js';
import type { Tender } from './domain/order/values.js';
import type { BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, ShiftId, TaxRateId, TenantId, UserId } from './domain/shared/ids.js';
import type { Minor } from './domain/shared/money.js';
import { bootstrapPlatformOwner } from './infrastructure/auth/bootstrap.js';
import { createPostgresAccounts, type PostgresAccounts } from './infrastructure/auth/postgresAccounts.js';
import { ConfigError, loadConfig, type Config } from './infrastructure/config/config.js';
import { readEnvironment } from './infrastructure/config/environment.js';
import { openStorage, type Storage } from './infrastructure/eventstore/createEventStore.js';
import { DataDirInUseError } from './infrastructure/postgres/dataDirLock.js';
import { randomIds, systemClock } from './infrastructure/system.js';
import { createReadModels } from './projections/readModels.js';


/*
 * `npm run demo`: seeds a demo tenant, "Demo Bakery", into the configured database through the
 * application services (the same code the HTTP routes call), so every rule of the domain holds.
 * Ids, the catalogue and the sales are derived from fixed seeds; business times are spread over
 * the days before today. Every command carries an idempotency key, so an interrupted run picks up
 * where it stopped; once the seed is complete, a second run only prints the login details.
 *
 * The credentials below are public: this must never run against a production database.
 */

const PASSWORD = 'demo-password-123';
const OWNER_EMAIL = 'demo-owner@tillstream.test';
const TIME_ZONE = 'Europe/Paris';
const SALES_DAYS = 3;
const FLOAT: Minor = 15_000;

type LocalDate = Readonly<{ year: number; month: number; day: number }>;
type Ctx = Readonly<{ deps: ShiftCommandDeps & TenantAdminDeps; accounts: PostgresAccounts; tenantId: TenantId }>;

// Deterministic ids, data and time

/** A UUID (version 5 layout) derived from a name: the same demo gets the same ids everywhere. */
function demoUuid(name: string): string {
  const hash = createHash('sha1').update(`tillstream-demo:${name}`).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** mulberry32: a small, seeded PRNG; one per branch and day keeps each day's sales stable. */
function prng(name: string): () => number {
  let state = createHash('sha1').update(`tillstream-demo-seed:${name}`).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};
/** Fisher-Yates, on a copy. */
function shuffle<T>(rng: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const between = (rng: () => number, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

function localDateOf(at: Date, timeZone: string): LocalDate {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at).split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) throw new Error('cannot read a date');
  return { year, month, day };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

const isoDate = (date: LocalDate): string => `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffset(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The instant at which the tenant's wall clock shows `secondsOfDay` on `date`. */
function atLocal(date: LocalDate, secondsOfDay: number): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + secondsOfDay * 1000;
  const first = wall - zoneOffset(wall, TIME_ZONE);
  return new Date(wall - zoneOffset(first, TIME_ZONE));
}

const hm = (hours: number, minutes: number): number => hours * 3600 + minutes * 60;

const euros = (amount: Minor): string => `€${(amount / 100).toFixed(2)}`;

// The demo tenant

const TENANT_ID = demoUuid('tenant') as TenantId;
const STANDARD = 'standard' as TaxRateId;
const REDUCED = 'reduced' as TaxRateId;

const BRANCHES = [
  { key: 'marais', name: 'Paris Marais', branchId: demoUuid('branch:marais') as BranchId },
  { key: 'lyon', name: 'Lyon Croix-Rousse', branchId: demoUuid('branch:lyon') as BranchId },
] as const;
const [MARAIS, LYON] = BRANCHES;

const DEVICES = [
  { name: 'Marais till 1', branch: MARAIS, deviceId: demoUuid('device:marais-1') as DeviceId },
  { name: 'Marais till 2', branch: MARAIS, deviceId: demoUuid('device:marais-2') as DeviceId },
  { name: 'Croix-Rousse till 1', branch: LYON, deviceId: demoUuid('device:lyon-1') as DeviceId },
] as const;
const [MARAIS_1, MARAIS_2, LYON_1] = DEVICES;

type DemoEmployee = Readonly<{
  employeeId: EmployeeId;
  name: string;
  email: string;
  role: HireEmployeeInput['role'];
  branchIds: readonly BranchId[];
  deviceIds: readonly DeviceId[];
  pin?: string;
}>;

const employee = (key: string, fields: Omit<DemoEmployee, 'employeeId'>): DemoEmployee => ({ employeeId: demoUuid(`employee:${key}`) as EmployeeId, ...fields });
const ADMIN = employee('admin', { name: 'Alice Admin', email: 'demo-admin@tillstream.test', role: 'tenant_admin', branchIds: [], deviceIds: [] });
const MANAGER = employee('manager', {
  name: 'Marc Manager', email: 'demo-manager@tillstream.test', role: 'branch_manager', branchIds: [MARAIS.branchId, LYON.branchId], deviceIds: [],
});
const CASHIER_MARAIS = employee('cashier-marais', {
  name: 'Camille Caissière', email: 'demo-cashier1@tillstream.test', role: 'cashier',
  branchIds: [MARAIS.branchId], deviceIds: [MARAIS_1.deviceId, MARAIS_2.deviceId], pin: '2468',
});
const CASHIER_LYON = employee('cashier-lyon', {
  name: 'Louis Caissier', email: 'demo-cashier2@tillstream.test', role: 'cashier',
  branchIds: [LYON.branchId], deviceIds: [LYON_1.deviceId], pin: '1357',
});

type Item = Readonly<{ sku: string; name: string; unitPrice: Minor; taxRateId: TaxRateId }>;
const CATALOGUE: readonly Item[] = [
  { sku: 'BAG-TRAD', name: 'Baguette tradition', unitPrice: 130, taxRateId: REDUCED },
  { sku: 'CROISSANT', name: 'Croissant au beurre', unitPrice: 125, taxRateId: REDUCED },
  { sku: 'PAIN-CHOC', name: 'Pain au chocolat', unitPrice: 140, taxRateId: REDUCED },
  { sku: 'PAIN-RAISINS', name: 'Pain aux raisins', unitPrice: 160, taxRateId: REDUCED },
  { sku: 'ECLAIR-CAFE', name: 'Éclair au café', unitPrice: 350, taxRateId: REDUCED },
  { sku: 'JAMBON-BEURRE', name: 'Jambon-beurre', unitPrice: 550, taxRateId: REDUCED },
  { sku: 'TARTE-CITRON', name: 'Tarte au citron (6 parts)', unitPrice: 2_200, taxRateId: REDUCED },
  { sku: 'MACARONS-12', name: 'Boîte de 12 macarons', unitPrice: 1_800, taxRateId: REDUCED },
  { sku: 'CIDRE-75', name: 'Cidre brut 75 cl', unitPrice: 650, taxRateId: STANDARD },
  { sku: 'TOTE-BAG', name: 'Tote bag Demo Bakery', unitPrice: 900, taxRateId: STANDARD },
];

// Who acts

function principalOf(person: DemoEmployee, deviceId: DeviceId | null = null): Principal {
  return {
    userId: person.employeeId as string as UserId,
    role: person.role,
    tenantId: TENANT_ID,
    employeeId: person.employeeId,
    deviceId,
    branchIds: person.branchIds,
    support: null,
  };
}

function envelope(principal: Principal, at: Date, key: string, correlationId = 'demo-seed'): CommandEnvelope {
  return { principal, occurredAt: at, correlationId, causationId: null, idempotencyKey: `demo:${key}`, traceContext: null };
}

// Setup: platform owner, tenant, branches, devices, staff

async function platformOwner(storage: Storage): Promise<Readonly<{ principal: Principal; created: boolean }>> {
  const { db } = storage.postgres;
  const existing = await db.selectFrom('accounts').select('user_id').where('role', '=', 'platform_owner').orderBy('created_at').executeTakeFirst();
  const created = existing === undefined;
  const userId = existing ? (existing.user_id as UserId) : await bootstrapPlatformOwner(db, systemClock, randomIds, { email: OWNER_EMAIL, password: PASSWORD });
  return { created, principal: { userId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null } };
}

async function hire(ctx: Ctx, principal: Principal, person: DemoEmployee, at: Date): Promise<void> {
  // The login exists only once the hire is recorded: an interrupted run hires again (a replay).
  if (await ctx.accounts.findByEmployeeId(person.employeeId)) return;
  await hireEmployee(ctx.deps, envelope(principal, at, `hire:${person.employeeId}`), {
    employeeId: person.employeeId,
    personalData: { name: person.name, email: person.email },
    role: person.role,
    branchIds: person.branchIds,
    deviceIds: person.deviceIds,
    password: PASSWORD,
    pin: person.pin,
  });
}

async function setUpTenant(ctx: Ctx, owner: Principal, setupDay: LocalDate): Promise<void> {
  const at = (minutes: number): Date => atLocal(setupDay, hm(9, minutes));
  await registerTenant(ctx.deps, envelope(owner, at(0), 'register-tenant'), TENANT_ID, {
    legalName: 'Demo Bakery',
    currency: 'EUR',
    timeZone: TIME_ZONE,
    priceMode: 'inclusive',
    taxRates: [
      { taxRateId: STANDARD, name: 'Standard 20 %', basisPoints: 2_000 },
      { taxRateId: REDUCED, name: 'Reduced 5.5 %', basisPoints: 550 },
    ],
    discountApprovalThreshold: { basisPoints: 1_000 },
  });
  // A new tenant's first admin is appointed by the platform owner.
  if (!(await ctx.accounts.findByEmployeeId(ADMIN.employeeId))) {
    await appointTenantAdmin(ctx.deps, envelope(owner, at(5), `hire:${ADMIN.employeeId}`), TENANT_ID, {
      employeeId: ADMIN.employeeId,
      personalData: { name: ADMIN.name, email: ADMIN.email },
      password: PASSWORD,
    });
  }
  const admin = principalOf(ADMIN);
  const adminDo = (minutes: number, key: string, request: TenantAdminRequest) => administerTenant(ctx.deps, envelope(admin, at(minutes), key), TENANT_ID, request);
  for (const [i, branch] of BRANCHES.entries()) {
    await adminDo(10 + i, `open-branch:${branch.key}`, { type: 'OpenBranch', data: { branchId: branch.branchId, name: branch.name } });
  }
  for (const [i, device] of DEVICES.entries()) {
    await adminDo(15 + i, `register-device:${device.deviceId}`, {
      type: 'RegisterDevice', data: { deviceId: device.deviceId, branchId: device.branch.branchId, name: device.name },
    });
  }
  await changeTenantLifecycle(ctx.deps, envelope(owner, at(20), 'activate-tenant'), TENANT_ID, { type: 'ActivateTenant', data: {} });
  for (const [i, person] of [MANAGER, CASHIER_MARAIS, CASHIER_LYON].entries()) await hire(ctx, admin, person, at(25 + i));
}

// Sales

type Payment = 'cash' | 'card' | 'split';
type PlannedOrder = Readonly<{
  index: number;
  at: number;
  lines: readonly Readonly<{ item: Item; quantity: number }>[];
  payment: Payment;
  cashierDiscount: boolean;
  managerDiscount: boolean;
  voided: boolean;
}>;

type DayPlan = Readonly<{ day: number; branch: (typeof BRANCHES)[number]; orders: readonly PlannedOrder[]; refundOf: number | null }>;

/** A branch's day of sales, from its own seed: times, baskets, tenders and the odd discount. */
function planDay(day: number, branch: (typeof BRANCHES)[number]): DayPlan {
  const rng = prng(`${branch.key}:${day}`);
  const count = between(rng, 14, 16);
  const times = Array.from({ length: count }, () => between(rng, hm(7, 45), hm(18, 40))).sort((a, b) => a - b);
  const orders = times.map((at, index): PlannedOrder => {
    const items = shuffle(rng, CATALOGUE).slice(0, between(rng, 1, 4));
    const roll = rng();
    return {
      index,
      at,
      lines: items.map((item) => ({ item, quantity: rng() < 0.7 ? 1 : between(rng, 2, 4) })),
      payment: roll < 0.45 ? 'card' : roll < 0.85 ? 'cash' : 'split',
      cashierDiscount: rng() < 0.12,
      // One discount above the 10 % threshold, given by the manager; one void; one refund.
      managerDiscount: day === 2 && branch === MARAIS && index === 7,
      voided: day === 0 && branch === LYON && index === 5,
    };
  });
  return { day, branch, orders, refundOf: day === 1 && branch === MARAIS ? 3 : null };
}

const orderIdOf = (plan: DayPlan, index: number): OrderId => demoUuid(`order:${plan.branch.key}:${plan.day}:${index}`) as OrderId;

async function loadOrder(ctx: Ctx, orderId: OrderId): Promise<OrderState> {
  return (await loadAggregate(ctx.deps.eventStore, orderKind, streams.order(ctx.tenantId, orderId))).state;
}

/** What a customer hands over for `due` in cash: the exact sum or the next coin or note up. */
function cashTendered(rng: () => number, due: Minor): Minor {
  const up = (unit: number): Minor => Math.ceil(due / unit) * unit;
  return pick(rng, [due, up(100), up(500), up(1_000), up(2_000)]);
}

type DayResult = Readonly<{ completed: number; voided: number; takings: Minor; refunded: Minor; expectedCash: Minor }>;

async function sellDay(ctx: Ctx, plan: DayPlan, date: LocalDate): Promise<DayResult> {
  const { branch, day } = plan;
  const cashierPerson = branch === MARAIS ? CASHIER_MARAIS : CASHIER_LYON;
  // The Marais cashier works on till 2 on the middle day: the second device sees sales too.
  const device = branch === LYON ? LYON_1 : day === 1 ? MARAIS_2 : MARAIS_1;
  const cashier = principalOf(cashierPerson, device.deviceId);
  const manager = principalOf(MANAGER);
  const at = (seconds: number): Date => atLocal(date, seconds);
  const tag = `${branch.key}:${day}`;
  const rng = prng(`${tag}:tenders`);
  const shiftId = demoUuid(`shift:${tag}`) as ShiftId;
  const drawerId = demoUuid(`drawer:${tag}`) as DrawerId;
  const shift = (who: Principal, seconds: number, key: string, request: ShiftRequest) =>
    runShiftCommand(ctx.deps, envelope(who, at(seconds), `${tag}:${key}`), cashierPerson.employeeId, request);

  await shift(cashier, hm(7, 30), 'clock-in', { type: 'ClockIn', data: { shiftId, branchId: branch.branchId, deviceId: device.deviceId } });
  await shift(cashier, hm(7, 32), 'open-drawer', { type: 'OpenDrawer', data: { drawerId, deviceId: device.deviceId, floatAmount: FLOAT } });

  for (const order of plan.orders) {
    const orderId = orderIdOf(plan, order.index);
    const key = `${tag}:o${order.index}`;
    const correlationId = `demo-order-${orderId}`;
    const step = (who: Principal, seconds: number, name: string, input: OrderInput) =>
      changeOrder(ctx.deps, envelope(who, at(order.at + seconds), `${key}:${name}`, correlationId), orderId, input);

    await openOrder(ctx.deps, envelope(cashier, at(order.at), `${key}:open`, correlationId), { orderId, branchId: branch.branchId, deviceId: device.deviceId });
    for (const [i, { item, quantity }] of order.lines.entries()) {
      await step(cashier, 10 * (i + 1), `line${i + 1}`, { type: 'AddOrderLine', lineId: `l${i + 1}` as LineId, ...item, quantity });
    }
    if (order.cashierDiscount) {
      await step(cashier, 50, 'discount', {
        type: 'ApplyDiscount', discountId: 'd1' as DiscountId, target: { kind: 'line', lineId: 'l1' as LineId }, value: { kind: 'percent', basisPoints: 1_000 }, reason: 'Day-old pastry',
      });
    }
    if (order.managerDiscount) {
      // 20 % is above the tenant's 10 % threshold: the manager gives it at the till.
      await step(manager, 55, 'manager-discount', {
        type: 'ApplyDiscount', discountId: 'd2' as DiscountId, target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 2_000 }, reason: 'Loyal customer',
      });
    }
    if (order.voided) {
      await step(manager, 90, 'void', { type: 'VoidOrder', reason: 'Customer left before paying' });
      continue;
    }
    await pay(ctx, order.payment, rng, orderId, drawerId, (seconds, name, tender, drawer) =>
      step(cashier, seconds, name, { type: 'AddPayment', paymentId: name as PaymentId, tender, drawerId: drawer }));
    await step(cashier, 120, 'complete', { type: 'CompleteOrder' });

    const refunded = plan.refundOf === null ? undefined : plan.orders[plan.refundOf];
    if (refunded && order.index === refunded.index + 4) {
      // A customer brings back the first item of an earlier sale; the manager refunds it in cash.
      const refundedId = orderIdOf(plan, refunded.index);
      await changeOrder(ctx.deps, envelope(manager, at(order.at + 180), `${tag}:refund`, `demo-order-${refundedId}`), refundedId, {
        type: 'RefundOrder',
        refundId: 'r1' as RefundId,
        scope: { kind: 'lines', lines: [{ lineId: 'l1' as LineId, quantity: 1 }] },
        method: 'cash',
        reason: 'Customer returned an item',
        drawerId,
      });
    }
  }

  const result = await reckon(ctx, plan, drawerId);
  // The manager counts the drawer and closes it; then the cashier clocks out.
  await shift(manager, hm(19, 0), 'close-drawer', { type: 'CloseDrawer', data: { drawerId, countedAmount: result.expectedCash } });
  await shift(cashier, hm(19, 5), 'clock-out', { type: 'ClockOut', data: { shiftId } });
  return result;
}

type PayStep = (seconds: number, name: string, tender: Tender, drawerId: DrawerId | null) => Promise<unknown>;

/** Pays what the order says is due: card, cash (with change) or a part in cash and the rest by card. */
async function pay(ctx: Ctx, payment: Payment, rng: () => number, orderId: OrderId, drawerId: DrawerId, run: PayStep): Promise<void> {
  const state = await loadOrder(ctx, orderId);
  if (state.status !== 'open') return;
  const paidAlready = (id: string): boolean => state.payments.some((p) => p.paymentId === id);
  const due = state.pricing.totals.total - state.paid;
  const reference = (): string => `DEMO-${Math.floor(rng() * 0xffffff).toString(16).padStart(6, '0').toUpperCase()}`;
  switch (payment) {
    case 'card':
      if (!paidAlready('p1')) await run(80, 'p1', { method: 'card', amount: due, processorReference: reference() }, null);
      return;
    case 'cash':
      if (!paidAlready('p1')) await run(80, 'p1', { method: 'cash', amount: cashTendered(rng, due) }, drawerId);
      return;
    case 'split': {
      const cash = due > 800 ? 500 : Math.max(1, Math.floor(due / 2));
      if (!paidAlready('p1')) await run(80, 'p1', { method: 'cash', amount: cash }, drawerId);
      const after = await loadOrder(ctx, orderId);
      const rest = after.status === 'open' ? after.pricing.totals.total - after.paid : 0;
      if (rest > 0 && !paidAlready('p2')) await run(90, 'p2', { method: 'card', amount: rest, processorReference: reference() }, null);
      return;
    }
  }
}

/** Counts the day from the orders themselves: takings, and the cash that should be in the drawer. */
async function reckon(ctx: Ctx, plan: DayPlan, drawerId: DrawerId): Promise<DayResult> {
  let completed = 0;
  let voided = 0;
  let takings = 0;
  let refunded = 0;
  let cash = FLOAT;
  for (const order of plan.orders) {
    const state = await loadOrder(ctx, orderIdOf(plan, order.index));
    if (state.status === 'voided') voided++;
    if (state.status !== 'completed') continue;
    completed++;
    takings += state.pricing.totals.total;
    refunded += state.refunded;
    const tendered = state.payments.filter((p) => p.tender.method === 'cash' && p.drawerId === drawerId).reduce((sum, p) => sum + p.tender.amount, 0);
    const cashRefunds = state.refunds.filter((r) => r.method === 'cash').reduce((sum, r) => sum + r.amount, 0);
    cash += tendered - state.change - cashRefunds;
  }
  return { completed, voided, takings, refunded, expectedCash: cash };
}

/** The manager's working day: clocked in at the Marais, voids and refunds wherever needed. */
async function managerShift(ctx: Ctx, day: number, date: LocalDate, when: 'in' | 'out'): Promise<void> {
  const shiftId = demoUuid(`shift:manager:${day}`) as ShiftId;
  const request: ShiftRequest = when === 'in'
    ? { type: 'ClockIn', data: { shiftId, branchId: MARAIS.branchId } }
    : { type: 'ClockOut', data: { shiftId } };
  await runShiftCommand(ctx.deps, envelope(principalOf(MANAGER), atLocal(date, when === 'in' ? hm(7, 15) : hm(19, 30)), `manager:${day}:clock-${when}`), MANAGER.employeeId, request);
}

/** The last command of the seed: once it is in the log, the demo is complete. */
const LAST_KEY = `demo:manager:${SALES_DAYS - 1}:clock-out`;

async function isComplete(ctx: Ctx): Promise<boolean> {
  const { events } = await loadAggregate(ctx.deps.eventStore, employeeKind, streams.employee(TENANT_ID, MANAGER.employeeId));
  return committedByKey(events, LAST_KEY, { tenantId: TENANT_ID, deviceId: null }) !== null;
}

// Output

function baseUrl(config: Config): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

function loginInfo(config: Config, owner: Readonly<{ created: boolean }>): string {
  const api = baseUrl(config);
  const where = config.database.kind === 'embedded' ? `the embedded database in ${config.database.dataDir}` : 'the PostgreSQL server in DATABASE_URL';
  const staff = [ADMIN, MANAGER, CASHIER_MARAIS, CASHIER_LYON]
    .map((p) => `  ${p.role.padEnd(15)} ${p.email.padEnd(31)} employee ${p.employeeId}${p.pin ? `  PIN ${p.pin}` : ''}`)
    .join('\n');
  return `
Demo Bakery is ready in ${where}.
  tenant ${TENANT_ID} (EUR, ${TIME_ZONE}, prices include tax; tax rates "standard" 20 % and "reduced" 5.5 %; a manager approves discounts above 10 %)
${BRANCHES.map((b) => `  branch ${b.branchId}  ${b.name}`).join('\n')}
${DEVICES.map((d) => `  device ${d.deviceId}  ${d.name}`).join('\n')}

Logins (demo only; every password is ${PASSWORD}):
${owner.created ? `  platform_owner  ${OWNER_EMAIL.padEnd(31)} (created by the demo)` : '  platform_owner  (an existing one was kept; its password is not the demo one)'}
${staff}
  The Marais cashier signs in by PIN on ${MARAIS_1.name} or ${MARAIS_2.name}; the Lyon cashier on ${LYON_1.name}.

Start the API on the same configuration (npm start), then sign in (back office, or a till by PIN):

  curl -s -X POST ${api}/v1/auth/login -H 'content-type: application/json' \\
    -d '{"email":"${ADMIN.email}","password":"${PASSWORD}"}'

  curl -s -X POST ${api}/v1/auth/pin -H 'content-type: application/json' \\
    -d '{"deviceId":"${MARAIS_1.deviceId}","employeeId":"${CASHIER_MARAIS.employeeId}","pin":"${CASHIER_MARAIS.pin ?? ''}"}'

  ACCESS_TOKEN=...   # accessToken of either answer
  curl -s ${api}/v1/tenants/${TENANT_ID} -H "authorization: Bearer $ACCESS_TOKEN"

API docs: ${api}/docs (OpenAPI: ${api}/v1/openapi.json)
`;
}

// Main

async function main(): Promise<number> {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('npm run demo refuses to run with NODE_ENV=production: it creates logins with published passwords.\n');
    return 1;
  }
  const config = loadConfig(readEnvironment());
  if (config.nodeEnv === 'production') {
    process.stderr.write('npm run demo refuses to run with NODE_ENV=production: it creates logins with published passwords.\n');
    return 1;
  }
  const storage = await openStorage(config);
  try {
    const accounts = createPostgresAccounts(storage.postgres.db, systemClock);
    // No background follower: shift commands catch the drawer-cash read model up themselves.
    const { drawerCash, tenantSales } = createReadModels({ db: storage.postgres.db, eventStore: storage.eventStore, clock: systemClock, logger: pino({ level: 'silent' }), accounts });
    const ctx: Ctx = { deps: { eventStore: storage.eventStore, clock: systemClock, ids: randomIds, accounts, drawerCash, tenantSales }, accounts, tenantId: TENANT_ID };

    const tenant = await loadAggregate(storage.eventStore, tenantKind, streams.tenant(TENANT_ID));
    if (tenant.state.status !== 'none' && (await isComplete(ctx))) {
      const ownerCreated = (await accounts.findByEmail(OWNER_EMAIL))?.role === 'platform_owner';
      process.stdout.write(`The demo tenant already exists: nothing was written.\n${loginInfo(config, { created: ownerCreated })}`);
      return 0;
    }

    // Days are counted from the tenant's registration, so an interrupted run resumes on the same dates.
    const setupDay = tenant.state.status === 'none' ? addDays(localDateOf(systemClock.now(), TIME_ZONE), -(SALES_DAYS + 1)) : localDateOf(new Date(tenant.state.tenant.registeredAt), TIME_ZONE);
    process.stdout.write(tenant.state.status === 'none' ? 'Seeding the demo tenant "Demo Bakery"...\n' : 'Resuming an interrupted seed of "Demo Bakery"...\n');
    const owner = await platformOwner(storage);
    await setUpTenant(ctx, owner.principal, setupDay);
    process.stdout.write(`${isoDate(setupDay)}  tenant registered and activated; 2 branches, 3 devices, 4 employees\n`);

    for (let day = 0; day < SALES_DAYS; day++) {
      const date = addDays(setupDay, day + 1);
      await managerShift(ctx, day, date, 'in');
      const parts: string[] = [];
      for (const branch of BRANCHES) {
        const result = await sellDay(ctx, planDay(day, branch), date);
        const extras = [result.voided > 0 ? `${result.voided} voided` : '', result.refunded > 0 ? `${euros(result.refunded)} refunded` : ''].filter((s) => s !== '');
        parts.push(`${branch.name}: ${result.completed} sales, ${euros(result.takings)}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}, drawer closed at ${euros(result.expectedCash)}`);
      }
      await managerShift(ctx, day, date, 'out');
      process.stdout.write(`${isoDate(date)}  ${parts.join(' | ')}\n`);
    }
    process.stdout.write(loginInfo(config, owner));
    return 0;
  } finally {
    await storage.eventStore.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}\nThe demo writes to the database the API uses: stop the API (or point DATA_DIR elsewhere) and run npm run demo again.\n`);
      process.exit(1);
    }
    process.stderr.write(`The demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
