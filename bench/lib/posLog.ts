import { randomUUID } from 'node:crypto';
import { employeeKind, orderKind, tenantKind, tillKind } from '../../src/application/commands/kinds.js';
import { streams } from '../../src/application/events/streams.js';
import type { AggregateKind } from '../../src/application/handleCommand.js';
import { formatPosition, type AppendResult, type ExpectedRevision, type GlobalPosition, type NewEvent } from '../../src/application/ports/eventStore.js';
import type { EmployeeCommand, EmployeeEvent, EmployeeState } from '../../src/domain/employee/index.js';
import type { OrderCommand, OrderEvent, OrderState } from '../../src/domain/order/index.js';
import type { BranchId, DeviceId, DiscountId, DrawerId, EmployeeId, LineId, OrderId, PaymentId, RefundId, ShiftId, TaxRateId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import type { Role } from '../../src/domain/shared/roles.js';
import type { PriceMode } from '../../src/domain/shared/tax.js';
import type { Instant } from '../../src/domain/shared/time.js';
import type { TenantCommand, TenantEvent, TenantState } from '../../src/domain/tenant/index.js';
import { addFigures, EMPTY_FIGURES, type TillCommand, type TillEvent, type TillFigures, type TillState } from '../../src/domain/till/index.js';
import type { MovementId } from '../../src/domain/employee/cash.js';
import { cashMovementFigures, drawerClosedFigures, floatFigures, refundFigures, saleFigures, voidFigures, type CompletedSnapshot } from '../../src/projections/till/entries.js';
import type { OrderSnapshot } from '../../src/projections/shared/orderSnapshot.js';

/*
 * A realistic point-of-sale log, written straight through the event store port: every event is
 * what the domain's own deciders decide for a command (so it decodes and folds like a real one),
 * only without the HTTP and application layers in between, which would take hours for a million
 * events. The Z closures carry the figures the till periods read model would have read (its own
 * per-fact functions, summed), and the log positions they count through.
 */

/** Appends one stream's events; the port's appendToStream, or a wrapper that counts. */
export type Append = (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) => Promise<AppendResult>;

type AnyEvent = Readonly<{ type: string; data: object }>;
type Actor = Readonly<{ userId: UserId; role: Role; deviceId?: DeviceId | undefined }>;

/** Deterministic randomness (mulberry32), so a seed gives the same mix every run. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from nothing');
    return item;
  }
}

/** One aggregate's stream: decides commands on its state and collects the events until flushed. */
class Stream<C, S, E extends AnyEvent> {
  private pending: NewEvent[] = [];
  revision = -1;
  state: S;
  constructor(
    private readonly kind: AggregateKind<C, S, E>,
    readonly streamId: string,
    private readonly tenantId: string,
  ) {
    this.state = kind.decider.initialState;
  }

  run(command: C & Readonly<{ meta: Readonly<{ actor: Actor; at: Instant }> }>): readonly E[] {
    const events = this.kind.decider.decide(command, this.state);
    const { actor, at } = command.meta;
    const correlationId = randomUUID();
    for (const event of events) {
      this.state = this.kind.decider.evolve(this.state, event);
      this.pending.push({
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: this.kind.versions[event.type] ?? 1,
        tenantId: this.tenantId,
        occurredAt: new Date(at),
        data: event.data as Readonly<Record<string, unknown>>,
        metadata: { actor, correlationId, causationId: null, idempotencyKey: null, traceContext: null },
      });
    }
    return events;
  }

  get eventsPending(): number {
    return this.pending.length;
  }

  async flush(append: Append): Promise<AppendResult | null> {
    if (this.pending.length === 0) return null;
    const events = this.pending;
    this.pending = [];
    const result = await append(this.streamId, events, this.revision < 0 ? 'no_stream' : this.revision);
    this.revision = result.nextExpectedRevision;
    return result;
  }
}

type TenantStream = Stream<TenantCommand, TenantState, TenantEvent>;
type OrderStream = Stream<OrderCommand, OrderState, OrderEvent>;
type EmployeeStream = Stream<EmployeeCommand, EmployeeState, EmployeeEvent>;
type TillStream = Stream<TillCommand, TillState, TillEvent>;

type TaxRate = Readonly<{ taxRateId: TaxRateId; name: string; basisPoints: number }>;

/** What a tenant is, whether the generator registers it or adopts one created over HTTP. */
export type TenantProfile = Readonly<{
  tenantId: string;
  legalName: string;
  currency: 'EUR' | 'USD' | 'JPY' | 'GBP';
  timeZone: string;
  priceMode: PriceMode;
  taxRates: readonly TaxRate[];
  /** Smallest coin-ish unit a cash tender is rounded up to, in minor units. */
  cashStep: number;
  priceRange: readonly [number, number];
  branches: readonly Readonly<{ branchId: string; name: string; devices: readonly Readonly<{ deviceId: string; name: string }>[] }>[];
}>;

const PROFILES: readonly Omit<TenantProfile, 'tenantId' | 'legalName' | 'branches'>[] = [
  { currency: 'EUR', timeZone: 'Europe/Paris', priceMode: 'inclusive', cashStep: 500, priceRange: [150, 4500],
    taxRates: [{ taxRateId: 'standard' as TaxRateId, name: 'TVA 20 %', basisPoints: 2000 }, { taxRateId: 'reduced' as TaxRateId, name: 'TVA 5,5 %', basisPoints: 550 }] },
  { currency: 'USD', timeZone: 'America/New_York', priceMode: 'exclusive', cashStep: 100, priceRange: [99, 3999],
    taxRates: [{ taxRateId: 'sales' as TaxRateId, name: 'NY sales tax', basisPoints: 888 }, { taxRateId: 'food' as TaxRateId, name: 'Food', basisPoints: 0 }] },
  { currency: 'JPY', timeZone: 'Asia/Tokyo', priceMode: 'inclusive', cashStep: 1000, priceRange: [100, 6000],
    taxRates: [{ taxRateId: 'standard' as TaxRateId, name: '消費税 10 %', basisPoints: 1000 }, { taxRateId: 'reduced' as TaxRateId, name: '軽減 8 %', basisPoints: 800 }] },
  { currency: 'GBP', timeZone: 'Europe/London', priceMode: 'inclusive', cashStep: 500, priceRange: [120, 3500],
    taxRates: [{ taxRateId: 'standard' as TaxRateId, name: 'VAT 20 %', basisPoints: 2000 }, { taxRateId: 'zero' as TaxRateId, name: 'Zero rated', basisPoints: 0 }] },
  { currency: 'EUR', timeZone: 'Europe/Berlin', priceMode: 'exclusive', cashStep: 500, priceRange: [150, 4500],
    taxRates: [{ taxRateId: 'standard' as TaxRateId, name: 'MwSt 19 %', basisPoints: 1900 }, { taxRateId: 'reduced' as TaxRateId, name: 'MwSt 7 %', basisPoints: 700 }] },
];

/** The settings of the n-th generated tenant (five profiles in turn: three currencies' digits, both price modes, five zones). */
export function tenantProfile(n: number, branches: number, tillsPerBranch: number): TenantProfile {
  const base = PROFILES[n % PROFILES.length] ?? PROFILES[0]!;
  const tenantId = randomUUID();
  return {
    ...base,
    tenantId,
    legalName: `Bench Shop ${n + 1} Ltd`,
    branches: Array.from({ length: branches }, (_, b) => ({
      branchId: randomUUID(),
      name: `Branch ${b + 1}`,
      devices: Array.from({ length: tillsPerBranch }, (_, d) => ({ deviceId: randomUUID(), name: `Till ${b + 1}.${d + 1}` })),
    })),
  };
}

type Person = Readonly<{ employeeId: EmployeeId; actor: Actor; stream: EmployeeStream }>;
type Sold = { stream: OrderStream; hasCash: boolean };
type Drawer = { drawerId: DrawerId; shiftId: ShiftId; cashier: Person; float: number; cashIn: number; cashOut: number; cashSales: number };

class Till {
  figures: TillFigures = EMPTY_FIGURES;
  firstActivityAt: Instant | null = null;
  lastFact: GlobalPosition | null = null;
  readonly recent: Sold[] = [];
  readonly till: TillStream;
  constructor(
    readonly tenant: TenantProfile,
    readonly branchId: BranchId,
    readonly branchName: string,
    readonly deviceId: DeviceId,
    readonly deviceName: string,
    readonly cashiers: readonly Person[],
    readonly manager: Person,
  ) {
    this.till = new Stream(tillKind, streams.till(tenant.tenantId, deviceId), tenant.tenantId);
  }

  fact(figures: TillFigures, at: Instant, position: GlobalPosition | undefined): void {
    this.figures = addFigures(this.figures, figures);
    this.firstActivityAt ??= at;
    if (position) this.lastFact = position;
  }
}

export type GeneratorCounts = { events: number; appends: number; orders: number; completed: number; voided: number; refunds: number; lateSales: number; zReports: number; drawers: number; lines: number };

/** Offset of `zone` from UTC at `instant`, in minutes (for placing a local opening time). */
function offsetMinutes(zone: string, instant: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant of `minutes` after local midnight of `date` (YYYY-MM-DD) in `zone`. */
function localInstant(date: string, zone: string, minutes: number): number {
  const utcGuess = Date.parse(`${date}T00:00:00.000Z`) + minutes * 60_000;
  return utcGuess - offsetMinutes(zone, new Date(utcGuess)) * 60_000;
}

const iso = (ms: number): Instant => new Date(ms).toISOString() as Instant;

export type DayOptions = Readonly<{ ordersPerTillDay: number; openMinutes: number; closeMinutes: number }>;

/**
 * Tenants, their branches, tills, one manager per branch and two cashiers per till, and then
 * their days. Call `setup()` once, then `day(date)` for each business date in order.
 */
export class PosLog {
  readonly counts: GeneratorCounts = { events: 0, appends: 0, orders: 0, completed: 0, voided: 0, refunds: 0, lateSales: 0, zReports: 0, drawers: 0, lines: 0 };
  private readonly tills: Till[] = [];
  private readonly append: Append;

  constructor(
    append: Append,
    private readonly tenants: readonly (TenantProfile & Readonly<{ adopted?: boolean }>)[],
    private readonly random: Random,
    private readonly concurrency: number,
  ) {
    this.append = async (streamId, events, expected) => {
      const result = await append(streamId, events, expected);
      this.counts.events += events.length;
      this.counts.appends += 1;
      return result;
    };
  }

  /** The tills, for the caller to name in HTTP requests. */
  get deviceIds(): readonly Readonly<{ tenantId: string; deviceId: string }>[] {
    return this.tills.map((t) => ({ tenantId: t.tenant.tenantId, deviceId: t.deviceId }));
  }

  async setup(at: Instant): Promise<void> {
    const system: Actor = { userId: 'u-bench-owner' as UserId, role: 'platform_owner' };
    for (const tenant of this.tenants) {
      if (!tenant.adopted) {
        const stream: TenantStream = new Stream(tenantKind, streams.tenant(tenant.tenantId), tenant.tenantId);
        const meta = { actor: system, at };
        stream.run({
          type: 'RegisterTenant', meta,
          data: { tenantId: tenant.tenantId as TenantId, legalName: tenant.legalName, currency: tenant.currency, timeZone: tenant.timeZone, priceMode: tenant.priceMode, taxRates: tenant.taxRates, discountApprovalThreshold: { basisPoints: 1000 } },
        });
        stream.run({ type: 'ActivateTenant', meta, data: {} });
        for (const branch of tenant.branches) {
          stream.run({ type: 'OpenBranch', meta, data: { branchId: branch.branchId as BranchId, name: branch.name } });
          for (const device of branch.devices) stream.run({ type: 'RegisterDevice', meta, data: { deviceId: device.deviceId as DeviceId, branchId: branch.branchId as BranchId, name: device.name } });
        }
        await stream.flush(this.append);
      }
      const admin: Actor = { userId: `u-${randomUUID()}` as UserId, role: 'tenant_admin' };
      const hire = async (role: 'branch_manager' | 'cashier', branchId: string, deviceIds: readonly string[], n: number): Promise<Person> => {
        const employeeId = randomUUID() as EmployeeId;
        const stream: EmployeeStream = new Stream(employeeKind, streams.employee(tenant.tenantId, employeeId), tenant.tenantId);
        stream.run({
          type: 'HireEmployee', meta: { actor: admin, at },
          data: {
            employeeId, tenantId: tenant.tenantId as TenantId, role, branchIds: [branchId as BranchId], deviceIds: deviceIds as DeviceId[],
            personalData: { name: `${role === 'cashier' ? 'Cashier' : 'Manager'} ${n}`, email: `${role}-${employeeId}@bench.example` },
          },
        });
        await stream.flush(this.append);
        return { employeeId, actor: { userId: `u-${employeeId}` as UserId, role }, stream };
      };
      let n = 0;
      for (const branch of tenant.branches) {
        const manager = await hire('branch_manager', branch.branchId, [], n++);
        for (const device of branch.devices) {
          const cashiers = [await hire('cashier', branch.branchId, [device.deviceId], n++), await hire('cashier', branch.branchId, [device.deviceId], n++)];
          this.tills.push(new Till(tenant, branch.branchId as BranchId, branch.name, device.deviceId as DeviceId, device.name, cashiers, manager));
        }
      }
    }
  }

  /** One business day (`YYYY-MM-DD`) at every till, `concurrency` tills at a time; each till closes with a Z. */
  async day(date: string, options: DayOptions): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(this.concurrency, this.tills.length) }, async () => {
        for (let i = next++; i < this.tills.length; i = next++) await this.tillDay(this.tills[i]!, date, options);
      }),
    );
  }

  private async tillDay(till: Till, date: string, options: DayOptions): Promise<void> {
    const { tenant, random } = { tenant: till.tenant, random: this.random };
    const zone = tenant.timeZone;
    const opensAt = localInstant(date, zone, options.openMinutes);
    const closesAt = localInstant(date, zone, options.closeMinutes);
    const cashier = till.cashiers[Math.floor(Date.parse(date) / 86_400_000) % till.cashiers.length]!;
    const cashierActor: Actor = { ...cashier.actor, deviceId: till.deviceId };
    const managerActor: Actor = { ...till.manager.actor, deviceId: till.deviceId };

    // Clock in and open the drawer with a float.
    const drawer: Drawer = { drawerId: randomUUID() as DrawerId, shiftId: randomUUID() as ShiftId, cashier, float: 20 * tenant.cashStep, cashIn: 0, cashOut: 0, cashSales: 0 };
    const openMeta = { actor: cashierActor, at: iso(opensAt) };
    cashier.stream.run({ type: 'ClockIn', meta: openMeta, data: { shiftId: drawer.shiftId, branchId: till.branchId, deviceId: till.deviceId } });
    cashier.stream.run({ type: 'OpenDrawer', meta: openMeta, data: { drawerId: drawer.drawerId, deviceId: till.deviceId, floatAmount: drawer.float } });
    const opened = await cashier.stream.flush(this.append);
    till.fact(floatFigures(drawer.float), iso(opensAt), opened?.position);
    this.counts.drawers += 1;

    const late: OrderStream[] = [];
    const n = Math.max(1, Math.round(options.ordersPerTillDay * (0.8 + 0.4 * random.next())));
    const step = (closesAt - opensAt - 30 * 60_000) / n;
    for (let i = 0; i < n; i++) {
      const at = opensAt + 10 * 60_000 + Math.floor((i + random.next()) * step);
      if (till.recent.length > 0 && random.chance(0.02)) await this.refund(till, drawer, managerActor, at);
      if (random.chance(0.01)) await this.cashMovement(till, drawer, cashierActor, at, random.chance(0.4) ? 'in' : 'out');
      const isLate = random.chance(0.01);
      const order = this.order(till, drawer, cashierActor, managerActor, at, isLate);
      if (isLate) {
        late.push(order);
        continue;
      }
      await this.flushOrder(till, order, drawer, at);
    }

    // The manager counts the drawer (mostly exact, sometimes off by a little), the cashier clocks out, then the Z.
    const closeMeta = { actor: cashierActor, at: iso(closesAt) };
    const expected = drawer.float + drawer.cashIn - drawer.cashOut + drawer.cashSales;
    const variance = random.chance(0.3) ? random.int(-4, 4) * Math.max(1, tenant.cashStep / 50) : 0;
    const [closedEvent] = cashier.stream.run({ type: 'CloseDrawer', meta: { actor: managerActor, at: iso(closesAt) }, data: { drawerId: drawer.drawerId, countedAmount: Math.max(0, expected + variance), cashSales: drawer.cashSales } });
    cashier.stream.run({ type: 'ClockOut', meta: closeMeta, data: { shiftId: drawer.shiftId } });
    const closed = await cashier.stream.flush(this.append);
    if (closedEvent?.type === 'DrawerClosed') till.fact(drawerClosedFigures(cashier.employeeId, closedEvent.data), iso(closesAt), closed?.position);

    const zAt = closesAt + 5 * 60_000;
    till.till.run({
      type: 'CloseTillDay', meta: { actor: managerActor, at: iso(zAt) },
      data: {
        tenantId: tenant.tenantId as TenantId, branchId: till.branchId, deviceId: till.deviceId,
        header: { legalName: tenant.legalName, currency: tenant.currency, timeZone: zone, branchName: till.branchName, deviceName: till.deviceName },
        businessDate: date, firstActivityAt: till.firstActivityAt, through: till.lastFact ? formatPosition(till.lastFact) : null, figures: till.figures,
      },
    });
    await till.till.flush(this.append);
    this.counts.zReports += 1;
    till.figures = EMPTY_FIGURES;
    till.firstActivityAt = null;

    // Sales made offline during the day, synced after its Z: they count in the next Z.
    for (const order of late) {
      await this.flushOrder(till, order, drawer, zAt);
      this.counts.lateSales += 1;
    }
    if (till.recent.length > 60) till.recent.splice(0, till.recent.length - 60);
  }

  private async flushOrder(till: Till, order: OrderStream, drawer: Drawer, at: number): Promise<void> {
    const result = await order.flush(this.append);
    const state = order.state;
    if (state.status === 'completed') {
      const { pricing: _pricing, ...snapshot } = state;
      till.fact(saleFigures(snapshot), iso(at), result?.position);
      this.counts.completed += 1;
      const cash = state.payments.some((p) => p.tender.method === 'cash' && p.drawerId === drawer.drawerId);
      if (cash) drawer.cashSales += state.payments.reduce((sum, p) => sum + (p.tender.method === 'cash' ? p.tender.amount : 0), 0) - state.change;
      till.recent.push({ stream: order, hasCash: state.payments.some((p) => p.tender.method === 'cash') });
    } else if (state.status === 'voided') {
      till.fact(voidFigures(snapshotOf(state)), iso(at), result?.position);
      this.counts.voided += 1;
    }
  }

  /** One order: 1–8 lines, sometimes edited, discounted, voided; paid in cash, card, or split. */
  private order(till: Till, drawer: Drawer, cashier: Actor, manager: Actor, atMs: number, late: boolean): OrderStream {
    const { tenant } = till;
    const random = this.random;
    const orderId = randomUUID() as OrderId;
    const order: OrderStream = new Stream(orderKind, streams.order(tenant.tenantId, orderId), tenant.tenantId);
    let clock = atMs;
    const meta = (actor: Actor = cashier) => ({ actor, at: iso((clock += random.int(2, 20) * 1000)) });
    order.run({
      type: 'OpenOrder', meta: meta(),
      data: { orderId, tenantId: tenant.tenantId as TenantId, branchId: till.branchId, deviceId: till.deviceId, cashierId: drawer.cashier.employeeId, currency: tenant.currency, priceMode: tenant.priceMode },
    });
    this.counts.orders += 1;
    const lines = random.chance(0.55) ? random.int(1, 3) : random.int(4, 8);
    const lineIds: LineId[] = [];
    for (let l = 0; l < lines; l++) {
      const sku = random.int(1, 400);
      const [low, high] = tenant.priceRange;
      const unitPrice = low + ((sku * 7919) % (high - low));
      const rate = sku % 10 < 7 ? tenant.taxRates[0]! : tenant.taxRates[1]!;
      const lineId = `l${l + 1}` as LineId;
      order.run({
        type: 'AddOrderLine', meta: meta(),
        data: { lineId, sku: `SKU-${sku}`, name: `Article ${sku}`, unitPrice, quantity: random.chance(0.8) ? 1 : random.int(2, 4), taxRate: { taxRateId: rate.taxRateId, basisPoints: rate.basisPoints } },
      });
      lineIds.push(lineId);
      this.counts.lines += 1;
    }
    if (random.chance(0.04)) order.run({ type: 'ChangeLineQuantity', meta: meta(), data: { lineId: lineIds[0]!, quantity: 2 } });
    if (lineIds.length > 1 && random.chance(0.03)) order.run({ type: 'RemoveOrderLine', meta: meta(), data: { lineId: lineIds.pop()! } });
    if (random.chance(0.12)) {
      order.run({ type: 'ApplyDiscount', meta: meta(), data: { discountId: 'd1' as DiscountId, target: { kind: 'order' }, value: { kind: 'percent', basisPoints: random.pick([500, 1000]) }, reason: 'loyalty', approvalThresholdBasisPoints: 1000, approvedBy: { userId: manager.userId, role: manager.role } } });
    } else if (random.chance(0.05) && order.state.status === 'open') {
      const line = order.state.pricing.lines[0];
      const amount = line ? Math.max(1, Math.floor(line.gross * 0.3)) : 1;
      order.run({ type: 'ApplyDiscount', meta: meta(), data: { discountId: 'd1' as DiscountId, target: { kind: 'line', lineId: lineIds[0]! }, value: { kind: 'amount', amount }, reason: 'damaged box', approvalThresholdBasisPoints: 1000, approvedBy: { userId: manager.userId, role: manager.role } } });
    }
    if (!late && random.chance(0.03)) {
      order.run({ type: 'VoidOrder', meta: meta(manager), data: { reason: 'customer left' } });
      return order;
    }
    if (order.state.status !== 'open') throw new Error('the order is not open');
    const due = order.state.pricing.totals.total;
    const roundUp = (amount: number): number => Math.ceil(amount / tenant.cashStep) * tenant.cashStep;
    const card = (paymentId: string, amount: number) => ({ type: 'AddPayment' as const, meta: meta(), data: { paymentId: paymentId as PaymentId, tender: { method: 'card' as const, amount, processorReference: `ch_${paymentId}_${orderId.slice(0, 8)}` }, drawerId: null } });
    const cash = (paymentId: string, amount: number) => ({ type: 'AddPayment' as const, meta: meta(), data: { paymentId: paymentId as PaymentId, tender: { method: 'cash' as const, amount }, drawerId: drawer.drawerId } });
    const kind = late ? 1 : random.next();
    if (kind < 0.5) order.run(cash('p1', random.chance(0.3) ? due : roundUp(due)));
    else if (kind < 0.85) order.run(card('p1', due));
    else if (kind < 0.97 && due > 1) {
      const part = Math.floor(due / 2);
      order.run(card('p1', part));
      order.run(cash('p2', roundUp(due - part)));
    } else {
      const voucher = Math.min(due, 1000);
      order.run({ type: 'AddPayment', meta: meta(), data: { paymentId: 'p1' as PaymentId, tender: { method: 'other', amount: voucher, description: 'gift voucher' }, drawerId: null } });
      if (due > voucher) order.run(cash('p2', roundUp(due - voucher)));
    }
    order.run({ type: 'CompleteOrder', meta: meta(), data: {} });
    return order;
  }

  /** A manager refunds an earlier sale of the till: one unit of a line, or all of it. */
  private async refund(till: Till, drawer: Drawer, manager: Actor, at: number): Promise<void> {
    const index = this.random.int(0, till.recent.length - 1);
    const [sold] = till.recent.splice(index, 1);
    if (sold?.stream.state.status !== 'completed') return;
    const state = sold.stream.state;
    const line = state.pricing.lines[0];
    const scope = this.random.chance(0.6) && line ? { kind: 'lines' as const, lines: [{ lineId: line.lineId, quantity: 1 }] } : { kind: 'whole' as const };
    const method = sold.hasCash ? 'cash' : state.payments[0]?.tender.method ?? 'card';
    const [event] = sold.stream.run({
      type: 'RefundOrder', meta: { actor: manager, at: iso(at) },
      data: { refundId: randomUUID() as RefundId, scope, method, reason: 'returned', drawerId: method === 'cash' ? drawer.drawerId : null },
    });
    const result = await sold.stream.flush(this.append);
    const after = completedSnapshot(sold.stream);
    if (event?.type !== 'OrderRefunded' || !after) return;
    const data = event.data;
    till.fact(refundFigures(after, data), iso(at), result?.position);
    if (method === 'cash') drawer.cashSales -= data.amount;
    this.counts.refunds += 1;
  }

  private async cashMovement(till: Till, drawer: Drawer, cashier: Actor, at: number, direction: 'in' | 'out'): Promise<void> {
    const available = drawer.float + drawer.cashIn - drawer.cashOut + drawer.cashSales;
    const amount = direction === 'in' ? 10 * till.tenant.cashStep : Math.floor(available / 2);
    if (amount <= 0) return;
    const meta = { actor: cashier, at: iso(at) };
    const movementId = randomUUID() as MovementId;
    if (direction === 'in') drawer.cashier.stream.run({ type: 'RecordCashIn', meta, data: { drawerId: drawer.drawerId, movementId, amount, reason: 'change from the bank' } });
    else drawer.cashier.stream.run({ type: 'RecordCashOut', meta, data: { drawerId: drawer.drawerId, movementId, amount, reason: 'safe drop', cashSalesSoFar: drawer.cashSales } });
    const result = await drawer.cashier.stream.flush(this.append);
    till.fact(cashMovementFigures(direction, amount), iso(at), result?.position);
    if (direction === 'in') drawer.cashIn += amount;
    else drawer.cashOut += amount;
  }
}

function completedSnapshot(stream: OrderStream): CompletedSnapshot | undefined {
  const state = stream.state;
  if (state.status !== 'completed') return undefined;
  const { pricing: _pricing, ...rest } = state;
  return rest;
}

function snapshotOf(state: Exclude<OrderState, Readonly<{ status: 'none' }>>): OrderSnapshot {
  const { pricing: _pricing, ...rest } = state;
  return rest;
}

/** The `count` business dates ending with `last` (YYYY-MM-DD), oldest first. */
export function datesEndingAt(last: string, count: number): string[] {
  const end = Date.parse(`${last}T12:00:00.000Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
