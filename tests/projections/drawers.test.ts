import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { drawersModel } from '../../src/projections/drawers/drawersModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';
import { plainRows } from './plainRows.js';

const MANAGER = { userId: 'm1', role: 'branch_manager', deviceId: 'd1' } as const;

function tenantRegistered(log: LogBuilder, tenant: string, timeZone: string) {
  return log.event(streams.tenant(tenant), tenant, 'TenantRegistered', {
    tenantId: tenant, legalName: `${tenant} GmbH`, currency: 'EUR', minorUnitExponent: 2, timeZone, priceMode: 'inclusive',
    taxRates: [], discountApprovalThreshold: { basisPoints: 1000 }, at: '2026-10-01T08:00:00.000Z',
  });
}

/** Events of one employee's stream. */
function employee(log: LogBuilder, tenant: string, id: string) {
  const stream = streams.employee(tenant, id);
  const on = (type: string, data: Record<string, unknown>, actor?: typeof MANAGER) => log.event(stream, tenant, type, data, actor ? { actor } : {});
  return {
    clockIn: (shiftId: string, at: string, deviceId: string | null = 'd1') => on('EmployeeClockedIn', { shiftId, branchId: 'b1', deviceId, at }),
    clockOut: (shiftId: string, at: string) => on('EmployeeClockedOut', { shiftId, at }),
    open: (drawerId: string, shiftId: string, float: number, at: string) => on('DrawerOpened', { drawerId, shiftId, deviceId: 'd1', float, at }),
    cashIn: (drawerId: string, amount: number, at: string) => on('CashInRecorded', { drawerId, movementId: `in-${amount}`, amount, reason: 'change roll', at }),
    cashOut: (drawerId: string, amount: number, at: string) => on('CashOutRecorded', { drawerId, movementId: `out-${amount}`, amount, reason: 'bank drop', at }),
    close: (drawerId: string, figures: Readonly<{ float: number; cashIn: number; cashOut: number; cashSales: number; counted: number }>, at: string) => {
      const expected = figures.float + figures.cashIn - figures.cashOut + figures.cashSales;
      return on('DrawerClosed', { drawerId, deviceId: 'd1', ...figures, expected, variance: figures.counted - expected, at }, MANAGER);
    },
  };
}

/** Events of one order's stream. */
function order(log: LogBuilder, tenant: string, id: string) {
  const stream = streams.order(tenant, id);
  const on = (type: string, data: Record<string, unknown>) => log.event(stream, tenant, type, data);
  const actor = { userId: 'e1', role: 'cashier' };
  return {
    opened: () => on('OrderOpened', { orderId: id, tenantId: tenant, branchId: 'b1', deviceId: 'd1', cashierId: 'e1', currency: 'EUR', priceMode: 'inclusive', at: '2026-11-02T22:40:00.000Z' }),
    cash: (paymentId: string, amount: number, drawerId: string | null) => on('PaymentAdded', { paymentId, tender: { method: 'cash', amount }, drawerId }),
    card: (paymentId: string, amount: number) => on('PaymentAdded', { paymentId, tender: { method: 'card', amount, processorReference: 'ref' }, drawerId: null }),
    removed: (paymentId: string) => on('PaymentRemoved', { paymentId }),
    completed: (change: number) =>
      on('OrderCompleted', { at: '2026-11-02T22:45:00.000Z', totals: { subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0, taxes: [] }, paid: 0, change }),
    voided: () => on('OrderVoided', { at: '2026-11-02T22:46:00.000Z', reason: 'wrong', voidedBy: actor, paidToReturn: 0 }),
    refunded: (refundId: string, amount: number, method: 'cash' | 'card', drawerId: string | null) =>
      on('OrderRefunded', { refundId, at: '2026-11-02T23:10:00.000Z', amount, method, lines: [], reason: 'broken', refundedBy: actor, drawerId }),
  };
}

const DRAWER_DEFAULTS = {
  cash_in: 0, cash_in_count: 0, cash_out: 0, cash_out_count: 0, cash_tendered: 0, change_given: 0, cash_returned: 0, cash_refunded: 0,
  refund_count: 0, closed_at: null, closed_by: null, closing_cash_sales: null, expected: null, counted: null, variance: null,
};

describe('drawers read model', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(drawersModel);
  });
  afterAll(async () => {
    await spec.close();
  });

  it('keeps float, cash in and out, cash sales, refunds and the reckoning of a closed drawer, per tenant', async () => {
    const log = new LogBuilder();
    const e1 = employee(log, 't1', 'e1');
    const o1 = order(log, 't1', 'o1');
    const o2 = order(log, 't1', 'o2');
    const o3 = order(log, 't1', 'o3');
    // Tendered 5000 + 2000 + 3000 + 1500 = 11500; change 1200 + 500 = 1700; handed back 2000 (removed) + 1500 (void);
    // refunded 800: net cash 5500. Expected 10000 + 2000 - 1000 + 5500 = 16500; counted 16400; variance -100.
    const events = [
      tenantRegistered(log, 't1', 'Europe/Berlin'),
      tenantRegistered(log, 't2', 'UTC'),
      e1.clockIn('s1', '2026-11-02T22:30:00.000Z'),
      // 23:31 in Berlin: the business date is the 2nd, though the close falls on the 3rd.
      e1.open('dr1', 's1', 10000, '2026-11-02T22:31:00.000Z'),
      o1.opened(),
      o1.cash('p1', 5000, 'dr1'),
      o1.completed(1200),
      o2.opened(),
      o2.cash('p2', 2000, 'dr1'),
      o2.removed('p2'),
      o2.card('p3', 1000),
      o2.cash('p4', 3000, 'dr1'),
      o2.completed(500),
      o3.opened(),
      o3.cash('p5', 1500, 'dr1'),
      o3.voided(),
      e1.cashIn('dr1', 2000, '2026-11-02T22:50:00.000Z'),
      e1.cashOut('dr1', 1000, '2026-11-02T22:55:00.000Z'),
      o1.refunded('r1', 800, 'cash', 'dr1'),
      // A card refund moves no cash.
      o2.refunded('r2', 300, 'card', null),
      e1.close('dr1', { float: 10000, cashIn: 2000, cashOut: 1000, cashSales: 5500, counted: 16400 }, '2026-11-02T23:20:00.000Z'),
      e1.clockOut('s1', '2026-11-02T23:45:00.000Z'),
      // Another tenant's drawer of the same id is its own row.
      employee(log, 't2', 'e9').clockIn('s9', '2026-11-02T09:00:00.000Z', null),
      employee(log, 't2', 'e9').open('dr1', 's9', 500, '2026-11-02T09:01:00.000Z'),
      order(log, 't2', 'o1').cash('p1', 100, 'dr1'),
    ];
    const opened = events[3];
    const result = spec.given(...events);
    const rows = plainRows(await result.rows('drawer_sessions', ['tenant_id', 'drawer_id']));
    expect(rows).toEqual([
      {
        ...DRAWER_DEFAULTS, tenant_id: 't1', drawer_id: 'dr1', status: 'closed', employee_id: 'e1', shift_id: 's1', branch_id: 'b1', device_id: 'd1',
        business_date: '2026-11-02', opened_at: '2026-11-02T22:31:00.000Z', opened_position: Number(opened?.position.commit), float: 10000,
        cash_in: 2000, cash_in_count: 1, cash_out: 1000, cash_out_count: 1, cash_tendered: 11500, change_given: 1700, cash_returned: 3500,
        cash_refunded: 800, refund_count: 1, closed_at: '2026-11-02T23:20:00.000Z', closed_by: 'm1', closing_cash_sales: 5500,
        expected: 16500, counted: 16400, variance: -100,
      },
      {
        ...DRAWER_DEFAULTS, tenant_id: 't2', drawer_id: 'dr1', status: 'open', employee_id: 'e9', shift_id: 's9', branch_id: 'b1', device_id: 'd1',
        business_date: '2026-11-02', opened_at: '2026-11-02T09:01:00.000Z', opened_position: Number(events[23]?.position.commit), float: 500,
        cash_tendered: 100,
      },
    ]);
    const shifts = plainRows(await result.rows('shifts', ['tenant_id', 'shift_id']));
    expect(shifts).toEqual([
      {
        tenant_id: 't1', shift_id: 's1', employee_id: 'e1', branch_id: 'b1', device_id: 'd1', status: 'closed', business_date: '2026-11-02',
        clocked_in_at: '2026-11-02T22:30:00.000Z', clocked_out_at: '2026-11-02T23:45:00.000Z', duration_seconds: 4500,
        clock_in_position: Number(events[2]?.position.commit), drawer_count: 1,
      },
      {
        tenant_id: 't2', shift_id: 's9', employee_id: 'e9', branch_id: 'b1', device_id: null, status: 'open', business_date: '2026-11-02',
        clocked_in_at: '2026-11-02T09:00:00.000Z', clocked_out_at: null, duration_seconds: null,
        clock_in_position: Number(events[22]?.position.commit), drawer_count: 1,
      },
    ]);
    // Every order settled its cash but t2's o1, still open.
    await result.then('drawer_open_cash_payments', [{ tenant_id: 't2', order_id: 'o1', payment_id: 'p1', drawer_id: 'dr1', amount: expect.anything(), revision: 0 }], ['tenant_id']);
  });

  it('dates a drawer in the tenant zone on a daylight-saving day, and counts cash that reaches a drawer after its close', async () => {
    const log = new LogBuilder();
    const e1 = employee(log, 't1', 'e1');
    const late = order(log, 't1', 'late');
    const rows = plainRows(
      await spec
        .given(
          tenantRegistered(log, 't1', 'Europe/Berlin'),
          // 2026-10-25 has 25 hours in Berlin; 23:30 UTC on the 24th is 01:30 CEST on the 25th.
          e1.clockIn('s1', '2026-10-24T23:30:00.000Z'),
          e1.open('dr1', 's1', 0, '2026-10-24T23:30:00.000Z'),
          late.opened(),
          late.cash('p1', 700, 'dr1'),
          e1.close('dr1', { float: 0, cashIn: 0, cashOut: 0, cashSales: 700, counted: 700 }, '2026-10-25T03:00:00.000Z'),
          // Voided after the drawer closed: the cash goes back out of that drawer, the reckoning stays as recorded.
          late.voided(),
          // Cash named to a drawer never opened (not a log the commands write) is kept, apart.
          order(log, 't1', 'stray').cash('p9', 50, 'ghost'),
        )
        .rows('drawer_sessions', ['drawer_id']),
    );
    expect(rows.map((row) => [row.drawer_id, row.status, row.business_date, row.cash_tendered, row.cash_returned, row.closing_cash_sales, row.variance])).toEqual([
      ['dr1', 'closed', '2026-10-25', 700, 700, 700, 0],
      ['ghost', 'unopened', null, 50, 0, null, null],
    ]);
  });

  it('splits the change of a sale paid in cash at two drawers to the drawer of its last cash payment', async () => {
    const log = new LogBuilder();
    const a = employee(log, 't1', 'ea');
    const b = employee(log, 't1', 'eb');
    const o = order(log, 't1', 'o1');
    const rows = plainRows(
      await spec
        .given(
          a.clockIn('sa', '2026-11-02T09:00:00.000Z'),
          a.open('da', 'sa', 0, '2026-11-02T09:00:00.000Z'),
          b.clockIn('sb', '2026-11-02T09:00:00.000Z'),
          b.open('db', 'sb', 0, '2026-11-02T09:00:00.000Z'),
          o.opened(),
          o.cash('p1', 1000, 'da'),
          o.cash('p2', 2000, 'db'),
          o.completed(400),
        )
        .rows('drawer_sessions', ['drawer_id']),
    );
    expect(rows.map((row) => [row.drawer_id, row.cash_tendered, row.change_given])).toEqual([
      ['da', 1000, 0],
      ['db', 2000, 400],
    ]);
  });
});
