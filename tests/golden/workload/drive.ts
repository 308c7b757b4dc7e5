import type { FastifyInstance } from 'fastify';
import { PIN, appointTenantAdmin, call, login, pinLogin, type FullApp } from '../../support/fullApp.js';
import type { Prng } from './prng.js';

/*
 * A random workload through the real HTTP API (every command goes through its application
 * handler and decider): tenants with random currency, zone, price mode, tax rates and discount
 * threshold; two branches of two tills each, a cashier bound to every till, one manager. Each
 * till runs its own business clock (X-Client-Time) over the last week: shifts and drawers, sales
 * with line and order discounts (some above the threshold: refused to the cashier, given by the
 * manager), split tenders, removed payments, voids, refunds (whole, lines, amount; some refused),
 * Z closes, and sales rung up offline that reach the server after the next Z with their old time.
 * Refusals are expected (4xx); a 5xx fails the workload.
 */

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC', 'America/Phoenix'] as const;
const CURRENCIES = ['EUR', 'JPY', 'USD', 'KWD'] as const;

type Product = Readonly<{ sku: string; name: string; unitPrice: number; taxRateId: string }>;
type Till = {
  tenantId: string; branchId: string; deviceId: string; cashierId: string; cashier: string;
  clock: number; drawerId: string | null; shiftId: string | null;
  /** Commands rung up offline, posted after the till's next Z. */
  offline: Cmd[];
  completed: { orderId: string; cardPaid: number; total: number }[];
};
type Shop = { tenantId: string; manager: string; products: readonly Product[]; tills: Till[] };
type Cmd = Readonly<{ token: string; url: string; body: unknown; at: number }>;

export type WorkloadStats = { commands: number; accepted: number; refused: number; refusedByCode: Record<string, number>; zCloses: number; offlineSales: number };

export type WorkloadOptions = Readonly<{ tenants: number; ordersPerTill: number }>;

export class Workload {
  readonly stats: WorkloadStats = { commands: 0, accepted: 0, refused: 0, refusedByCode: {}, zCloses: 0, offlineSales: 0 };
  private readonly app: FastifyInstance;
  private readonly shops: Shop[] = [];
  private readonly start = Date.now() - 7 * 86_400_000 + 3_600_000;
  private readonly end = Date.now() - 600_000;

  constructor(private readonly full: FullApp, private readonly rng: Prng) {
    this.app = full.app;
  }

  /** Posts one command; a refusal is counted, a 5xx throws. Answers the body when accepted. */
  private async post(token: string, url: string, body: unknown, at: number | null): Promise<Record<string, unknown> | null> {
    this.stats.commands += 1;
    const headers: Record<string, string> = { 'idempotency-key': this.rng.uuid(), ...(at === null ? {} : { 'x-client-time': new Date(at).toISOString() }) };
    const answer = await call(this.app, 'POST', url, { token, body, headers });
    if (answer.statusCode >= 500) throw new Error(`POST ${url} answered ${answer.statusCode}: ${answer.body}`);
    if (answer.statusCode >= 400) {
      const code = answer.json<{ code?: string }>().code ?? String(answer.statusCode);
      this.stats.refused += 1;
      this.stats.refusedByCode[code] = (this.stats.refusedByCode[code] ?? 0) + 1;
      return null;
    }
    this.stats.accepted += 1;
    return answer.json<Record<string, unknown>>();
  }

  private async must(token: string, url: string, body: unknown, at: number | null): Promise<Record<string, unknown>> {
    const answer = await this.post(token, url, body, at);
    if (!answer) throw new Error(`setup command ${url} was refused`);
    return answer;
  }

  async run(options: WorkloadOptions): Promise<void> {
    const owner = (await login(this.app, this.full.owner.email, this.full.owner.password)).accessToken;
    const shops = this.shops;
    for (let t = 0; t < options.tenants; t++) shops.push(await this.openShop(owner, t));
    // Tills take turns order by order, so tenants, branches and tills interleave in the log.
    for (let round = 0; round < options.ordersPerTill; round++) {
      for (const shop of shops) {
        for (const till of shop.tills) await this.step(shop, till, round, options.ordersPerTill);
      }
    }
    for (const shop of shops) for (const till of shop.tills) await this.closeZ(shop, till);
    // One more sale on every till after its last Z: the open period an X-report shows is never empty.
    for (const shop of shops) for (const till of shop.tills) await this.sale(shop, till, false);
  }

  /** Every till of the run, with a token of a manager who may read its reports. */
  get tills(): readonly Readonly<{ tenantId: string; deviceId: string; manager: string }>[] {
    return this.shops.flatMap((shop) => shop.tills.map((till) => ({ tenantId: shop.tenantId, deviceId: till.deviceId, manager: shop.manager })));
  }

  private async openShop(owner: string, index: number): Promise<Shop> {
    const rng = this.rng;
    const currency = rng.pick(CURRENCIES);
    const rates = [
      { taxRateId: 'std', name: 'Standard', basisPoints: rng.pick([1900, 2000, 1000, 860, 2100]) },
      { taxRateId: 'red', name: 'Reduced', basisPoints: rng.pick([700, 550, 800, 200, 0]) },
    ];
    const { id: tenantId } = (await this.must(owner, '/v1/tenants', {
      legalName: `Workload Shop ${index}`, currency, timeZone: rng.pick(ZONES), priceMode: rng.pick(['inclusive', 'exclusive'] as const),
      taxRates: rates, discountApprovalThresholdBasisPoints: rng.pick([500, 1000, 1500, 2000]),
    }, null)) as { id: string };
    await this.must(owner, `/v1/tenants/${tenantId}/activate`, undefined, null);
    const adminEmail = `admin-${rng.uuid()}@workload.example`;
    await appointTenantAdmin(this.full, owner, tenantId, adminEmail);
    const admin = (await login(this.app, adminEmail)).accessToken;
    const scale = currency === 'JPY' ? 1 : currency === 'KWD' ? 10 : 1;
    const products: Product[] = Array.from({ length: 8 }, (_, i) => ({
      sku: `SKU-${i}`, name: `Product ${i}`, unitPrice: rng.int(1, 4_000) * scale, taxRateId: i % 3 === 0 ? 'red' : 'std',
    }));
    const branchIds: string[] = [];
    const tills: Till[] = [];
    for (let b = 0; b < 2; b++) {
      const { id: branchId } = (await this.must(admin, `/v1/tenants/${tenantId}/branches`, { name: `Branch ${b}` }, null)) as { id: string };
      branchIds.push(branchId);
      for (let d = 0; d < 2; d++) {
        const { id: deviceId } = (await this.must(admin, `/v1/tenants/${tenantId}/devices`, { branchId, name: `Till ${b}.${d}` }, null)) as { id: string };
        const { id: cashierId } = (await this.must(admin, '/v1/employees', {
          personalData: { name: `Cashier ${b}.${d}`, email: `cashier-${rng.uuid()}@workload.example` }, role: 'cashier', branchIds: [branchId], deviceIds: [deviceId], pin: PIN,
        }, null)) as { id: string };
        const cashier = (await pinLogin(this.app, { deviceId, employeeId: cashierId, pin: PIN })).accessToken;
        tills.push({ tenantId, branchId, deviceId, cashierId, cashier, clock: this.start + rng.int(0, 3_600_000), drawerId: null, shiftId: null, offline: [], completed: [] });
      }
    }
    const managerEmail = `manager-${rng.uuid()}@workload.example`;
    await this.must(admin, '/v1/employees', {
      personalData: { name: 'Manager', email: managerEmail }, role: 'branch_manager', branchIds, password: 'correct horse battery staple',
    }, null);
    const manager = (await login(this.app, managerEmail)).accessToken;
    return { tenantId, manager, products, tills };
  }

  /** Moves the till's clock on, never past the end of the window. */
  private tick(till: Till, minutes: number): number {
    till.clock = Math.min(this.end, till.clock + minutes * 60_000 + this.rng.int(0, 59) * 1000);
    return till.clock;
  }

  private emp(till: Till): string {
    return `/v1/employees/${till.cashierId}`;
  }

  private async ensureDrawer(till: Till): Promise<void> {
    if (!till.shiftId) {
      const shift = await this.post(till.cashier, `${this.emp(till)}/clock-in`, { branchId: till.branchId, deviceId: till.deviceId }, this.tick(till, 1));
      till.shiftId = shift ? String(shift.id) : null;
    }
    if (till.shiftId && !till.drawerId) {
      const drawer = await this.post(till.cashier, `${this.emp(till)}/drawer/open`, { deviceId: till.deviceId, floatAmount: this.rng.int(0, 50) * 1000 }, this.tick(till, 1));
      till.drawerId = drawer ? String(drawer.id) : null;
    }
  }

  private async closeDrawer(shop: Shop, till: Till): Promise<void> {
    if (!till.drawerId) return;
    // The count is off by a little now and then; the server computes expected and variance.
    await this.post(shop.manager, `${this.emp(till)}/drawer/close`, { drawerId: till.drawerId, countedAmount: this.rng.int(0, 200_000) }, this.tick(till, 2));
    till.drawerId = null;
    if (this.rng.chance(0.5)) {
      await this.post(till.cashier, `${this.emp(till)}/clock-out`, {}, this.tick(till, 1));
      till.shiftId = null;
    }
  }

  private async closeZ(shop: Shop, till: Till): Promise<void> {
    const closed = await this.post(shop.manager, `/v1/devices/${till.deviceId}/z-reports`, {}, this.tick(till, 5));
    if (closed) this.stats.zCloses += 1;
    // What was rung up offline reaches the server now, after the Z, with the till's old times.
    for (const command of till.offline) await this.post(command.token, command.url, command.body, command.at);
    till.offline = [];
  }

  private async step(shop: Shop, till: Till, round: number, rounds: number): Promise<void> {
    const rng = this.rng;
    this.tick(till, rng.int(10, Math.max(11, Math.floor((this.end - till.clock) / 60_000 / (rounds - round + 1)))));
    await this.ensureDrawer(till);
    if (rng.chance(0.25) && till.completed.length > 0) await this.refund(shop, till);
    if (rng.chance(0.1)) await this.closeDrawer(shop, till);
    if (rng.chance(0.2)) await this.closeZ(shop, till);
    await this.sale(shop, till, rng.chance(0.12));
    if (rng.chance(0.05)) {
      // Rejected on purpose: a refund by the cashier, a payment on an order that does not exist.
      await this.post(till.cashier, `/v1/orders/${rng.uuid()}/payments`, { paymentId: 'p', tender: { method: 'card', amount: 1, processorReference: 'X' } }, till.clock);
    }
  }

  private async sale(shop: Shop, till: Till, offline: boolean): Promise<void> {
    const rng = this.rng;
    const orderId = rng.uuid();
    const o = `/v1/orders/${orderId}`;
    const commands: Cmd[] = [];
    const at = (): number => this.tick(till, rng.int(0, 2));
    const add = (token: string, url: string, body: unknown): void => {
      commands.push({ token, url, body, at: at() });
    };
    add(till.cashier, '/v1/orders', { orderId, branchId: till.branchId, deviceId: till.deviceId });
    const lines = rng.int(1, 4);
    let expected = 0;
    for (let i = 0; i < lines; i++) {
      const product = rng.pick(shop.products);
      const quantity = rng.int(1, 5);
      add(till.cashier, `${o}/lines`, { lineId: `l${i}`, sku: product.sku, name: product.name, unitPrice: product.unitPrice, quantity, taxRateId: product.taxRateId });
      expected += product.unitPrice * quantity;
    }
    if (rng.chance(0.2)) add(till.cashier, `${o}/lines/l0/quantity`, { quantity: rng.int(0, 6) }); // 0 is refused
    if (lines > 1 && rng.chance(0.15)) add(till.cashier, `${o}/lines/l1/remove`, {});
    if (rng.chance(0.35)) {
      const target = rng.chance(0.5) ? { kind: 'order' } : { kind: 'line', lineId: `l${rng.int(0, lines - 1)}` };
      const value = rng.chance(0.5) ? { kind: 'percent', basisPoints: rng.pick([500, 1000, 2500]) } : { kind: 'amount', amount: rng.int(1, Math.max(1, Math.floor(expected / 4))) };
      const body = { discountId: 'd1', target, value, reason: 'Promo' };
      add(till.cashier, `${o}/discounts`, body);
      // Above the threshold the cashier's is refused; the manager gives it (a no-op conflict otherwise).
      if (rng.chance(0.6)) add(shop.manager, `${o}/discounts`, body);
    }
    if (!offline && rng.chance(0.1)) {
      // A void: by the cashier (refused once there are lines), then the manager; some after a cash payment.
      if (rng.chance(0.5)) add(till.cashier, `${o}/payments`, { paymentId: 'pv', tender: { method: 'cash', amount: rng.int(1, 3) * 1000 } });
      add(till.cashier, `${o}/void`, { reason: 'Changed mind' });
      add(shop.manager, `${o}/void`, { reason: 'Changed mind' });
      for (const command of commands) await this.post(command.token, command.url, command.body, command.at);
      return;
    }
    for (const command of commands) await this.post(command.token, command.url, command.body, command.at);
    commands.length = 0;
    // Pay what is due (read from the aggregate, as a till shows it), split at random.
    const due = await this.due(till, orderId);
    if (due === null) return;
    let left = due;
    let cardPaid = 0;
    let n = 0;
    const pay = async (tender: Record<string, unknown>): Promise<void> => {
      const body = { paymentId: `p${n++}`, tender };
      if (offline) commands.push({ token: till.cashier, url: `${o}/payments`, body, at: at() });
      else await this.post(till.cashier, `${o}/payments`, body, at());
    };
    if (!offline && rng.chance(0.1)) await this.post(till.cashier, `${o}/payments`, { paymentId: 'big', tender: { method: 'card', amount: due + 1, processorReference: 'X' } }, at()); // refused
    if (!offline && rng.chance(0.1)) {
      await pay({ method: 'cash', amount: 100 });
      await this.post(till.cashier, `${o}/payments/p0/remove`, {}, at());
    }
    if (offline || rng.chance(0.4)) {
      const card = offline ? left : rng.int(0, left);
      if (card > 0) {
        await pay({ method: 'card', amount: card, processorReference: `REF-${n}` });
        left -= card;
        cardPaid += card;
      }
    }
    if (left > 0 && rng.chance(0.15)) {
      const other = rng.int(1, left);
      await pay({ method: 'other', amount: other, description: 'Voucher' });
      left -= other;
    }
    if (left > 0) await pay({ method: 'cash', amount: left + rng.pick([0, 0, 1, 50, 500, 1000]) });
    if (offline) {
      commands.push({ token: till.cashier, url: `${o}/complete`, body: {}, at: at() });
      till.offline.push(...commands);
      this.stats.offlineSales += 1;
      return;
    }
    if (rng.chance(0.05)) await this.post(till.cashier, `/v1/orders/${orderId}/refunds`, { refundId: 'early', scope: { kind: 'whole' }, method: 'cash', reason: 'x' }, at()); // refused
    const done = await this.post(till.cashier, `${o}/complete`, {}, at());
    if (done) till.completed.push({ orderId, cardPaid, total: due });
  }

  private async due(till: Till, orderId: string): Promise<number | null> {
    const answer = await call(this.app, 'GET', `/v1/orders/${orderId}`, { token: till.cashier });
    if (answer.statusCode !== 200) return null;
    const order = answer.json<{ status: string; due: number }>();
    return order.status === 'open' && order.due > 0 ? order.due : null;
  }

  private async refund(shop: Shop, till: Till): Promise<void> {
    const rng = this.rng;
    const sale = rng.pick(till.completed);
    const scope = rng.pick([
      { kind: 'whole' },
      { kind: 'lines', lines: [{ lineId: 'l0', quantity: 1 }] },
      { kind: 'amount', amount: rng.int(1, Math.max(1, sale.total)) },
      { kind: 'amount', amount: sale.total + 1 }, // refused
    ]);
    const method = rng.chance(0.6) ? 'cash' : 'card';
    const drawer = method === 'cash' && till.drawerId && rng.chance(0.7) ? { drawerId: till.drawerId } : {};
    // Late in the evening now and then, so a refund lands after the local midnight.
    await this.post(shop.manager, `/v1/orders/${sale.orderId}/refunds`, { refundId: rng.uuid(), scope, method, reason: 'Return', ...drawer }, this.tick(till, rng.int(1, 240)));
  }
}
