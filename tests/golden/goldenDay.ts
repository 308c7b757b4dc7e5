import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { PIN, appointTenantAdmin, call, login, pinLogin, type FullApp } from '../support/fullApp.js';

/*
 * The golden day (tests/golden/reports.golden.test.ts checks every report of it against figures
 * worked out by hand). Two shops, driven through the real HTTP API with the tills' own business
 * time in X-Client-Time:
 *
 * - "Kissa Hanami KK": JPY (no minor digits), Asia/Tokyo (UTC+9, no daylight saving), prices
 *   tax-inclusive at 10 % (standard) and 8 % (reduced). A line discount by the cashier, an order
 *   discount above the threshold that only the manager may give, card + cash with change, a void,
 *   a sale at 23:45 refunded at 00:20 the next local day, a cash drop, the drawer closed 4 yen
 *   short, one Z after midnight.
 * - "Saguaro Supply LLC": USD (cents), America/Phoenix (UTC-7, no daylight saving), prices
 *   tax-exclusive at 8.6 % (general) and 2 % (food). A 20 % order discount approved by the
 *   manager, card + cash with change, a gift card, an amount-only card refund, a change roll put
 *   in, the drawer 8 cents over, Z 1 at 21:00, then a card sale rung up offline at 17:45 that
 *   syncs after Z 1: it goes into Z 2 (the next morning) and still reports under its own day.
 *
 * Both zones keep one offset all year, so the local hours below hold whenever the test runs. The
 * server refuses business times more than 8 days old, so the day `D` is three days before today.
 */

export type ShopIds = Readonly<{
  tenantId: string;
  branchId: string;
  deviceId: string;
  managerId: string;
  cashierId: string;
  tokens: Readonly<{ admin: string; manager: string; cashier: string }>;
}>;

export type GoldenDay = Readonly<{
  /** The business day of the sales, `YYYY-MM-DD`, and the day after it. */
  D: string;
  D1: string;
  ownerToken: string;
  tokyo: ShopIds & Readonly<{ drawerId: string; shiftId: string; orders: Readonly<{ a1: string; a2: string; a3: string }> }>;
  phoenix: ShopIds & Readonly<{ drawerId: string; shiftId: string; orders: Readonly<{ b1: string; b2: string; b3: string }> }>;
  /** Log position of the last command: reads pass it as `?after`. */
  last: string;
}>;

/** A date `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

type Tenant = Readonly<{
  legalName: string;
  currency: string;
  timeZone: string;
  priceMode: 'inclusive' | 'exclusive';
  taxRates: readonly Readonly<{ taxRateId: string; name: string; basisPoints: number }>[];
  discountApprovalThresholdBasisPoints: number;
  branch: string;
  device: string;
}>;

export const TOKYO: Tenant = {
  legalName: 'Kissa Hanami KK',
  currency: 'JPY',
  timeZone: 'Asia/Tokyo',
  priceMode: 'inclusive',
  taxRates: [
    { taxRateId: 'standard', name: 'Consumption tax 10 %', basisPoints: 1000 },
    { taxRateId: 'reduced', name: 'Reduced rate 8 %', basisPoints: 800 },
  ],
  discountApprovalThresholdBasisPoints: 1000,
  branch: 'Shibuya',
  device: 'Register 1',
};

export const PHOENIX: Tenant = {
  legalName: 'Saguaro Supply LLC',
  currency: 'USD',
  timeZone: 'America/Phoenix',
  priceMode: 'exclusive',
  taxRates: [
    { taxRateId: 'general', name: 'Sales tax 8.6 %', basisPoints: 860 },
    { taxRateId: 'food', name: 'Food tax 2 %', basisPoints: 200 },
  ],
  discountApprovalThresholdBasisPoints: 1500,
  branch: 'Mesa',
  device: 'Lane 1',
};

class Driver {
  last = '';
  constructor(private readonly full: FullApp) {}

  /** POSTs with an Idempotency-Key and the till's time; expects `status` (2xx by default). */
  async post(token: string, url: string, body: unknown, at: string | null, status?: number): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { 'idempotency-key': randomUUID(), ...(at === null ? {} : { 'x-client-time': at }) };
    const answer = await call(this.full.app, 'POST', url, { token, body, headers });
    const ok = status === undefined ? answer.statusCode >= 200 && answer.statusCode < 300 : answer.statusCode === status;
    if (!ok) throw new Error(`POST ${url} at ${at ?? 'now'} answered ${answer.statusCode}: ${answer.body}`);
    if (answer.statusCode < 300) {
      const { position } = answer.json<{ position?: string | null }>();
      if (typeof position === 'string') this.last = position;
    }
    return answer;
  }

  async id(token: string, url: string, body: unknown, at: string | null): Promise<string> {
    return (await this.post(token, url, body, at)).json<{ id: string }>().id;
  }
}

async function openTenant(full: FullApp, driver: Driver, owner: string, tenant: Tenant): Promise<ShopIds> {
  const { branch, device, ...settings } = tenant;
  const tenantId = await driver.id(owner, '/v1/tenants', settings, null);
  await driver.post(owner, `/v1/tenants/${tenantId}/activate`, undefined, null);
  const adminEmail = `admin-${randomUUID()}@golden.example`;
  await appointTenantAdmin(full, owner, tenantId, adminEmail);
  const admin = (await login(full.app, adminEmail)).accessToken;
  const branchId = await driver.id(admin, `/v1/tenants/${tenantId}/branches`, { name: branch }, null);
  const deviceId = await driver.id(admin, `/v1/tenants/${tenantId}/devices`, { branchId, name: device }, null);
  const managerEmail = `manager-${randomUUID()}@golden.example`;
  const managerId = await driver.id(admin, '/v1/employees', {
    personalData: { name: 'Manager', email: managerEmail }, role: 'branch_manager', branchIds: [branchId], password: 'correct horse battery staple',
  }, null);
  const cashierId = await driver.id(admin, '/v1/employees', {
    personalData: { name: 'Cashier', email: `cashier-${randomUUID()}@golden.example` }, role: 'cashier', branchIds: [branchId], deviceIds: [deviceId], pin: PIN,
  }, null);
  const manager = (await login(full.app, managerEmail)).accessToken;
  const cashier = (await pinLogin(full.app, { deviceId, employeeId: cashierId, pin: PIN })).accessToken;
  return { tenantId, branchId, deviceId, managerId, cashierId, tokens: { admin, manager, cashier } };
}

/** Runs the golden day on a freshly started app (its database holds nothing else). */
export async function runGoldenDay(full: FullApp): Promise<GoldenDay> {
  const driver = new Driver(full);
  const D = addDays(new Date().toISOString().slice(0, 10), -3);
  const D1 = addDays(D, 1);
  const owner = (await login(full.app, full.owner.email, full.owner.password)).accessToken;

  const tokyo = await openTenant(full, driver, owner, TOKYO);
  const tokyoDone = await tokyoDay(driver, tokyo, D, D1);
  const phoenix = await openTenant(full, driver, owner, PHOENIX);
  const phoenixDone = await phoenixDay(full, driver, phoenix, D, D1);
  return { D, D1, ownerToken: owner, tokyo: { ...tokyo, ...tokyoDone }, phoenix: { ...phoenix, ...phoenixDone }, last: driver.last };
}

/** Kissa Hanami KK, Tokyo (+09:00). */
async function tokyoDay(driver: Driver, tokyo: ShopIds, D: string, D1: string) {
  const jst = (date: string, time: string): string => `${date}T${time}:00+09:00`;
  {
    const { cashier, manager } = tokyo.tokens;
    const emp = `/v1/employees/${tokyo.cashierId}`;
    const tokyoShift = await driver.id(cashier, `${emp}/clock-in`, { branchId: tokyo.branchId, deviceId: tokyo.deviceId }, jst(D, '09:00'));
    const tokyoDrawer = await driver.id(cashier, `${emp}/drawer/open`, { deviceId: tokyo.deviceId, floatAmount: 30_000 }, jst(D, '09:01'));

    // A1: two lines, a line discount, an order discount only a manager may give, card + cash.
    const a1 = randomUUID();
    const o1 = `/v1/orders/${a1}`;
    await driver.post(cashier, '/v1/orders', { orderId: a1, branchId: tokyo.branchId, deviceId: tokyo.deviceId }, jst(D, '10:15'));
    await driver.post(cashier, `${o1}/lines`, { lineId: 'l1', sku: 'BENTO', name: 'Bento box', unitPrice: 980, quantity: 2, taxRateId: 'reduced' }, jst(D, '10:15'));
    await driver.post(cashier, `${o1}/lines`, { lineId: 'l2', sku: 'BEER', name: 'Craft beer', unitPrice: 550, quantity: 1, taxRateId: 'standard' }, jst(D, '10:16'));
    await driver.post(cashier, `${o1}/discounts`, { discountId: 'd1', target: { kind: 'line', lineId: 'l1' }, value: { kind: 'percent', basisPoints: 1000 }, reason: 'Staff promo' }, jst(D, '10:17'));
    // (196 + 100) / 2510 = 11.8 % > 10 %: the cashier may not, the manager may (and is recorded).
    await driver.post(cashier, `${o1}/discounts`, { discountId: 'd2', target: { kind: 'order' }, value: { kind: 'amount', amount: 100 }, reason: 'Regular customer' }, jst(D, '10:17'), 403);
    await driver.post(manager, `${o1}/discounts`, { discountId: 'd2', target: { kind: 'order' }, value: { kind: 'amount', amount: 100 }, reason: 'Regular customer' }, jst(D, '10:18'));
    await driver.post(cashier, `${o1}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 1_000, processorReference: 'JCB-0001' } }, jst(D, '10:19'));
    await driver.post(cashier, `${o1}/payments`, { paymentId: 'p2', tender: { method: 'cash', amount: 2_000 } }, jst(D, '10:19'));
    await driver.post(cashier, `${o1}/complete`, {}, jst(D, '10:20'));

    // A2: voided with a line on it: the cashier may not, the manager does.
    const a2 = randomUUID();
    await driver.post(cashier, '/v1/orders', { orderId: a2, branchId: tokyo.branchId, deviceId: tokyo.deviceId }, jst(D, '12:30'));
    await driver.post(cashier, `/v1/orders/${a2}/lines`, { lineId: 'l1', sku: 'ONIGIRI', name: 'Onigiri', unitPrice: 150, quantity: 4, taxRateId: 'reduced' }, jst(D, '12:31'));
    await driver.post(cashier, `/v1/orders/${a2}/void`, { reason: 'Customer left' }, jst(D, '12:34'), 403);
    await driver.post(manager, `/v1/orders/${a2}/void`, { reason: 'Customer left' }, jst(D, '12:35'));

    await driver.post(cashier, `${emp}/drawer/cash-out`, { amount: 10_000, reason: 'Bank drop' }, jst(D, '15:00'));

    // A3: a late-evening sale, refunded in part after midnight.
    const a3 = randomUUID();
    const o3 = `/v1/orders/${a3}`;
    await driver.post(cashier, '/v1/orders', { orderId: a3, branchId: tokyo.branchId, deviceId: tokyo.deviceId }, jst(D, '23:40'));
    await driver.post(cashier, `${o3}/lines`, { lineId: 'l1', sku: 'MATCHA', name: 'Matcha latte', unitPrice: 1_200, quantity: 1, taxRateId: 'standard' }, jst(D, '23:41'));
    await driver.post(cashier, `${o3}/lines`, { lineId: 'l2', sku: 'CAKE', name: 'Cheesecake', unitPrice: 450, quantity: 2, taxRateId: 'reduced' }, jst(D, '23:41'));
    await driver.post(cashier, `${o3}/payments`, { paymentId: 'p1', tender: { method: 'cash', amount: 5_000 } }, jst(D, '23:44'));
    await driver.post(cashier, `${o3}/complete`, {}, jst(D, '23:45'));
    await driver.post(manager, `${o3}/refunds`, {
      refundId: 'r1', scope: { kind: 'lines', lines: [{ lineId: 'l2', quantity: 1 }] }, method: 'cash', reason: 'Dropped cake', drawerId: tokyoDrawer,
    }, jst(D1, '00:20'));

    await driver.post(manager, `${emp}/drawer/close`, { countedAmount: 22_860 }, jst(D1, '00:40'));
    await driver.post(cashier, `${emp}/clock-out`, {}, jst(D1, '00:45'));
    await driver.post(manager, `/v1/devices/${tokyo.deviceId}/z-reports`, {}, jst(D1, '01:00'));
    return { drawerId: tokyoDrawer, shiftId: tokyoShift, orders: { a1, a2, a3 } };
  }
}

/** Saguaro Supply LLC, Phoenix (-07:00). */
async function phoenixDay(full: FullApp, driver: Driver, phoenix: ShopIds, D: string, D1: string) {
  const mst = (date: string, time: string): string => `${date}T${time}:00-07:00`;
  {
    const { cashier, manager } = phoenix.tokens;
    const emp = `/v1/employees/${phoenix.cashierId}`;
    const phoenixShift = await driver.id(cashier, `${emp}/clock-in`, { branchId: phoenix.branchId, deviceId: phoenix.deviceId }, mst(D, '08:00'));
    const phoenixDrawer = await driver.id(cashier, `${emp}/drawer/open`, { deviceId: phoenix.deviceId, floatAmount: 15_000 }, mst(D, '08:01'));

    const b1 = randomUUID();
    const o1 = `/v1/orders/${b1}`;
    await driver.post(cashier, '/v1/orders', { orderId: b1, branchId: phoenix.branchId, deviceId: phoenix.deviceId }, mst(D, '09:05'));
    await driver.post(cashier, `${o1}/lines`, { lineId: 'l1', sku: 'BEANS', name: 'Coffee beans 1 lb', unitPrice: 1_299, quantity: 2, taxRateId: 'food' }, mst(D, '09:05'));
    await driver.post(cashier, `${o1}/lines`, { lineId: 'l2', sku: 'MUG', name: 'Enamel mug', unitPrice: 899, quantity: 1, taxRateId: 'general' }, mst(D, '09:06'));
    // 20 % of 3497 = 699: 19.99 % > 15 %, the manager's.
    await driver.post(cashier, `${o1}/discounts`, { discountId: 'd1', target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 2_000 }, reason: 'Damaged box' }, mst(D, '09:07'), 403);
    await driver.post(manager, `${o1}/discounts`, { discountId: 'd1', target: { kind: 'order' }, value: { kind: 'percent', basisPoints: 2_000 }, reason: 'Damaged box' }, mst(D, '09:08'));
    await driver.post(cashier, `${o1}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 1_000, processorReference: 'VISA-4242' } }, mst(D, '09:09'));
    await driver.post(cashier, `${o1}/payments`, { paymentId: 'p2', tender: { method: 'cash', amount: 2_000 } }, mst(D, '09:09'));
    await driver.post(cashier, `${o1}/complete`, {}, mst(D, '09:10'));

    await driver.post(cashier, `${emp}/drawer/cash-in`, { amount: 5_000, reason: 'Change roll' }, mst(D, '11:00'));

    const b2 = randomUUID();
    const o2 = `/v1/orders/${b2}`;
    await driver.post(cashier, '/v1/orders', { orderId: b2, branchId: phoenix.branchId, deviceId: phoenix.deviceId }, mst(D, '13:00'));
    await driver.post(cashier, `${o2}/lines`, { lineId: 'l1', sku: 'SANDW', name: 'Turkey sandwich', unitPrice: 750, quantity: 1, taxRateId: 'food' }, mst(D, '13:00'));
    await driver.post(cashier, `${o2}/discounts`, { discountId: 'd1', target: { kind: 'line', lineId: 'l1' }, value: { kind: 'amount', amount: 50 }, reason: 'Day-old bread' }, mst(D, '13:01'));
    await driver.post(cashier, `${o2}/payments`, { paymentId: 'p1', tender: { method: 'other', amount: 714, description: 'Gift card' } }, mst(D, '13:01'));
    await driver.post(cashier, `${o2}/complete`, {}, mst(D, '13:02'));

    await driver.post(manager, `${o1}/refunds`, { refundId: 'r1', scope: { kind: 'amount', amount: 500 }, method: 'card', reason: 'Price match' }, mst(D, '16:00'));

    await driver.post(manager, `${emp}/drawer/close`, { countedAmount: 21_910 }, mst(D, '20:30'));
    await driver.post(cashier, `${emp}/clock-out`, {}, mst(D, '20:45'));
    await driver.post(manager, `/v1/devices/${phoenix.deviceId}/z-reports`, {}, mst(D, '21:00'));

    // B3: rung up offline at 17:45, synced after Z 1.
    const b3 = randomUUID();
    const o3 = `/v1/orders/${b3}`;
    const command = (clientTime: string, path: string, body: Record<string, unknown>) => ({ idempotencyKey: randomUUID(), clientTime, method: 'POST' as const, path, body });
    const synced = await call(full.app, 'POST', '/v1/sync', {
      token: cashier,
      body: {
        deviceId: phoenix.deviceId,
        commands: [
          command(mst(D, '17:45'), '/v1/orders', { orderId: b3, branchId: phoenix.branchId, deviceId: phoenix.deviceId }),
          command(mst(D, '17:46'), `${o3}/lines`, { lineId: 'l1', sku: 'WATER', name: 'Spring water', unitPrice: 199, quantity: 3, taxRateId: 'food' }),
          command(mst(D, '17:49'), `${o3}/payments`, { paymentId: 'p1', tender: { method: 'card', amount: 609, processorReference: 'VISA-1111' } }),
          command(mst(D, '17:50'), `${o3}/complete`, {}),
        ],
      },
    });
    const results = synced.json<{ results: { outcome: string; body: { position?: string } }[] }>().results;
    if (synced.statusCode !== 200 || results.some((r) => r.outcome !== 'applied')) throw new Error(`sync answered ${synced.statusCode}: ${synced.body}`);
    await driver.post(manager, `/v1/devices/${phoenix.deviceId}/z-reports`, {}, mst(D1, '09:00'));
    return { drawerId: phoenixDrawer, shiftId: phoenixShift, orders: { b1, b2, b3 } };
  }
}
