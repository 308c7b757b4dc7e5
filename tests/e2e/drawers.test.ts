import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatPosition } from '../../src/application/ports/eventStore.js';
import { call, command, openShop, withShop } from '../support/fullApp.js';

type Drawer = Record<string, unknown> & { drawerId: string };
type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * A till's day through the real app, read back from the drawers report: figures computed here
 * by hand, and equal to what the DrawerClosed event recorded.
 */
describe('the drawers report at the HTTP edge', () => {
  const f = withShop();
  const atTill = (url: string, body: unknown = {}) =>
    command(f.full.app, url, { token: f.shop.tokens.cashier, body, headers: { 'idempotency-key': randomUUID() }, status: url === '/v1/orders' ? 201 : 200 });
  const asManager = (url: string, body: unknown = {}) => command(f.full.app, url, { token: f.shop.tokens.manager, body });
  /** Reads after everything written so far (read-your-writes with the log's head as `after`). */
  const read = async <T>(url: string, token: string): Promise<T> => {
    const head = await f.full.eventStore.headPosition();
    const after = head === null ? '' : `${url.includes('?') ? '&' : '?'}after=${formatPosition(head)}`;
    const response = await call(f.full.app, 'GET', `${url}${after}`, { token });
    if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}: ${response.body}`);
    return response.json<T>();
  };

  let drawerId = '';

  it('shows float, cash in and out, cash sales, refunds, expected, counted and variance as the close recorded them', async () => {
    const employee = `/v1/employees/${f.shop.cashierId}`;
    await atTill(`${employee}/clock-in`, { branchId: f.shop.branchId, deviceId: f.shop.deviceId });
    ({ id: drawerId } = await atTill(`${employee}/drawer/open`, { deviceId: f.shop.deviceId, floatAmount: 10_000 }));
    const sale = async (unitPrice: number, quantity: number, tendered: number): Promise<string> => {
      const orderId = randomUUID();
      await atTill('/v1/orders', { orderId, branchId: f.shop.branchId, deviceId: f.shop.deviceId });
      await atTill(`/v1/orders/${orderId}/lines`, { lineId: 'l1', sku: 'BAGUETTE', name: 'Baguette', unitPrice, quantity, taxRateId: 'standard' });
      await atTill(`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender: { method: 'cash', amount: tendered } });
      await atTill(`/v1/orders/${orderId}/complete`);
      return orderId;
    };
    // 3 × 450 = 1 350 due, 2 000 tendered, 650 change.
    const first = await sale(450, 3, 2_000);
    // 1 200 due, paid exactly.
    await sale(1_200, 1, 1_200);
    // A cash payment removed before a card payment: handed back.
    const mixed = randomUUID();
    await atTill('/v1/orders', { orderId: mixed, branchId: f.shop.branchId, deviceId: f.shop.deviceId });
    await atTill(`/v1/orders/${mixed}/lines`, { lineId: 'l1', sku: 'TARTE', name: 'Tarte', unitPrice: 900, quantity: 1, taxRateId: 'standard' });
    await atTill(`/v1/orders/${mixed}/payments`, { paymentId: 'cash', tender: { method: 'cash', amount: 1_000 } });
    await atTill(`/v1/orders/${mixed}/payments/cash/remove`);
    await atTill(`/v1/orders/${mixed}/payments`, { paymentId: 'card', tender: { method: 'card', amount: 900, processorReference: 'auth-1' } });
    await atTill(`/v1/orders/${mixed}/complete`);
    await atTill(`${employee}/drawer/cash-in`, { amount: 3_000, reason: 'Change roll' });
    await atTill(`${employee}/drawer/cash-out`, { amount: 4_000, reason: 'Bank drop' });
    // One baguette back, in cash from the cashier's drawer.
    await asManager(`/v1/orders/${first}/refunds`, { refundId: 'r1', scope: { kind: 'amount', amount: 450 }, method: 'cash', reason: 'Burnt', drawerId });

    // By hand: tendered 2 000 + 1 200 + 1 000; change 650; handed back 1 000 → cash sales 2 550;
    // refunds 450; expected 10 000 + 3 000 − 4 000 + 2 550 − 450 = 11 100; counted 11 050 → −50.
    const open = await read<Page<Drawer>>(`/v1/drawers?deviceId=${f.shop.deviceId}`, f.shop.tokens.manager);
    expect(open.items.find((d) => d.drawerId === drawerId)).toMatchObject({ status: 'open', expected: 11_100, counted: null, variance: null });

    // The close's own position as `after`: the report shows it at once.
    const closed = await asManager(`${employee}/drawer/close`, { countedAmount: 11_050 });
    const page = (await call(f.full.app, 'GET', `/v1/drawers?after=${closed.position ?? ''}`, { token: f.shop.tokens.manager })).json<Page<Drawer>>();
    const drawer = page.items.find((d) => d.drawerId === drawerId);
    expect(drawer).toMatchObject({
      status: 'closed', employeeId: f.shop.cashierId, branchId: f.shop.branchId, deviceId: f.shop.deviceId,
      float: 10_000, cashIn: 3_000, cashInCount: 1, cashOut: 4_000, cashOutCount: 1,
      cashTendered: 4_200, changeGiven: 650, cashReturned: 1_000, cashSales: 2_550, cashRefunds: 450, refundCount: 1,
      expected: 11_100, counted: 11_050, variance: -50, closingCashSales: 2_100, cashSinceClose: 0, closedBy: f.shop.managerId,
    });
    const events = await f.full.eventStore.readStream(`employee-${f.shop.tenantId}/${f.shop.cashierId}`);
    const recorded = events.find((e) => e.type === 'DrawerClosed')?.data;
    expect(recorded).toMatchObject({
      float: drawer?.float, cashIn: drawer?.cashIn, cashOut: drawer?.cashOut, cashSales: drawer?.closingCashSales,
      expected: drawer?.expected, counted: drawer?.counted, variance: drawer?.variance,
    });
    expect(drawer?.businessDate).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(String(drawer?.openedAt))));

    // The detail, and the employee's own GET, show the same reckoning.
    expect(await read(`/v1/drawers/${drawerId}`, f.shop.tokens.admin)).toEqual(drawer);
    const self = await read<{ lastClosedDrawer: Record<string, unknown> }>(`/v1/employees/${f.shop.cashierId}`, f.shop.tokens.cashier);
    expect(self.lastClosedDrawer).toMatchObject({ drawerId, expected: 11_100, counted: 11_050, variance: -50, link: `/v1/drawers/${drawerId}` });

    await atTill(`${employee}/clock-out`);
    const shifts = await read<Page<Record<string, unknown>>>(`/v1/shifts?employeeId=${f.shop.cashierId}`, f.shop.tokens.admin);
    expect(shifts.items[0]).toMatchObject({ status: 'closed', employeeId: f.shop.cashierId, branchId: f.shop.branchId, deviceId: f.shop.deviceId, drawerCount: 1 });
    expect(shifts.items[0]?.durationSeconds).toEqual(expect.any(Number));
  });

  it('answers CSV, and scopes: a cashier reads their own, another tenant nothing', async () => {
    const csv = await call(f.full.app, 'GET', '/v1/drawers', { token: f.shop.tokens.admin, headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, row] = csv.body.split('\r\n');
    expect(header?.split(',')).toContain('variance');
    expect(row).toContain(drawerId);
    expect(row?.split(',')[header?.split(',').indexOf('variance') ?? -1]).toBe('-50');

    expect((await read<Page<Drawer>>('/v1/drawers', f.shop.tokens.cashier)).items.map((d) => d.drawerId)).toEqual([drawerId]);
    const otherEmployee = await call(f.full.app, 'GET', `/v1/drawers?employeeId=${f.shop.managerId}`, { token: f.shop.tokens.cashier });
    // A cashier's employee filter is their own: still their drawer only.
    expect(otherEmployee.json<Page<Drawer>>().items.map((d) => d.drawerId)).toEqual([drawerId]);

    const rival = await openShop(f.full, 'Rival SARL');
    expect((await read<Page<Drawer>>('/v1/drawers', rival.tokens.admin)).items).toEqual([]);
    expect((await call(f.full.app, 'GET', `/v1/drawers/${drawerId}`, { token: rival.tokens.admin })).statusCode).toBe(404);
    const tenants = await read<Page<{ tenantId: string }>>('/v1/tenants', rival.tokens.admin);
    expect(tenants.items.map((t) => t.tenantId)).toEqual([rival.tenantId]);
    const all = await read<Page<{ tenantId: string; legalName: string; branchCount: number; deviceCount: number; employeeCount: number }>>('/v1/tenants', f.shop.tokens.owner);
    expect(all.items.find((t) => t.tenantId === f.shop.tenantId)).toMatchObject({ legalName: 'Boulangerie Martin SARL', branchCount: 1, deviceCount: 1, employeeCount: 3 });
    expect(all.items.map((t) => t.tenantId)).toContain(rival.tenantId);
  });

  it('lists branches, devices and employees; a forgotten employee reads as forgotten to everyone', async () => {
    expect((await read<Page<Record<string, unknown>>>('/v1/branches', f.shop.tokens.manager)).items).toEqual([
      expect.objectContaining({ branchId: f.shop.branchId, name: 'Centre', status: 'open', deviceCount: 1 }),
    ]);
    expect((await read<Page<Record<string, unknown>>>(`/v1/devices?branchId=${f.shop.branchId}`, f.shop.tokens.admin)).items).toEqual([
      expect.objectContaining({ deviceId: f.shop.deviceId, branchId: f.shop.branchId, name: 'Till 1', status: 'active' }),
    ]);
    await command(f.full.app, `/v1/employees/${f.shop.managerId}/forget`, { token: f.shop.tokens.admin, body: {} });
    const byAdmin = await read<Page<Record<string, unknown>>>('/v1/employees', f.shop.tokens.admin);
    expect(byAdmin.items.find((e) => e.employeeId === f.shop.managerId)).toMatchObject({ personalData: null, personalDataStatus: 'forgotten', role: 'branch_manager' });
    expect(byAdmin.items.find((e) => e.employeeId === f.shop.cashierId)).toMatchObject({ personalData: { name: 'Léa Dubois' }, personalDataStatus: 'visible' });
    const byCashier = await read<Page<Record<string, unknown>>>('/v1/employees', f.shop.tokens.cashier);
    expect(byCashier.items).toEqual([expect.objectContaining({ employeeId: f.shop.cashierId, personalData: null, personalDataStatus: 'redacted' })]);
    expect(JSON.stringify(await read('/v1/employees', f.shop.tokens.admin))).not.toContain('Hugo Bernard');
  });
});
