import { streams } from '../../src/application/events/streams.js';
import { formatPosition, type RecordedEvent } from '../../src/application/ports/eventStore.js';
import { addToGrandTotals, EMPTY_GRAND_TOTALS, type GrandTotals, type TillFigures } from '../../src/domain/till/index.js';
import type { LogBuilder } from '../support/projectionSpec.js';

/** Events of one tenant's tills, as the deciders write them, for the till periods' specs. */
export function tillLog(log: LogBuilder, tenant: string) {
  const MANAGER = { userId: 'u-manager', role: 'branch_manager' } as const;
  const at = (time: string): string => `2026-11-22T${time}:00.000Z`;
  const on = (stream: string, type: string, data: Record<string, unknown>, time?: string, schemaVersion?: number): RecordedEvent =>
    log.event(stream, tenant, type, data, { ...(time ? { at: new Date(at(time)) } : {}), ...(schemaVersion ? { schemaVersion } : {}) });
  return {
    at,
    registered: () =>
      on(streams.tenant(tenant), 'TenantRegistered', {
        tenantId: tenant, legalName: `${tenant} GmbH`, currency: 'EUR', minorUnitExponent: 2, timeZone: 'Europe/Berlin', priceMode: 'inclusive',
        taxRates: [], discountApprovalThreshold: { basisPoints: 1000 }, at: '2026-01-01T08:00:00.000Z',
      }),
    branch: (branchId: string, name: string) => on(streams.tenant(tenant), 'BranchOpened', { branchId, name }),
    device: (deviceId: string, branchId: string, name: string) => on(streams.tenant(tenant), 'DeviceRegistered', { deviceId, branchId, name }),
    renameDevice: (deviceId: string, name: string) => on(streams.tenant(tenant), 'DeviceRenamed', { deviceId, name }),
    order(id: string, device = 'd1') {
      const stream = streams.order(tenant, id);
      let paid = 0;
      return {
        opened: () =>
          on(stream, 'OrderOpened', { orderId: id, tenantId: tenant, branchId: 'b1', deviceId: device, cashierId: 'e1', currency: 'EUR', priceMode: 'inclusive', at: at('08:00') }),
        line: (lineId: string, unitPrice: number, quantity: number, taxRateId = 'vat19', taxBasisPoints = 1900) =>
          on(stream, 'OrderLineAdded', { lineId, sku: `sku-${lineId}`, name: lineId, unitPrice, quantity, taxRateId, taxBasisPoints }, undefined, 2),
        lineDiscount: (discountId: string, lineId: string, amount: number) =>
          on(stream, 'DiscountApplied', { discountId, target: { kind: 'line', lineId }, value: { kind: 'amount', amount }, reason: 'damaged', amount, approvedBy: null }),
        cash: (paymentId: string, amount: number, drawerId = 'dr1') => {
          paid += amount;
          return on(stream, 'PaymentAdded', { paymentId, tender: { method: 'cash', amount }, drawerId });
        },
        card: (paymentId: string, amount: number) => {
          paid += amount;
          return on(stream, 'PaymentAdded', { paymentId, tender: { method: 'card', amount, processorReference: `ref-${paymentId}` }, drawerId: null });
        },
        completed: (time: string, total: number) =>
          on(stream, 'OrderCompleted', { at: at(time), totals: { subtotal: total, discountTotal: 0, net: total, tax: 0, taxes: [], total }, paid, change: paid - total }, time),
        voided: (time: string) => on(stream, 'OrderVoided', { at: at(time), reason: 'customer left', voidedBy: MANAGER, paidToReturn: paid }, time),
        refunded: (refundId: string, time: string, amount: number, method: 'cash' | 'card', lines: readonly Readonly<{ lineId: string; quantity: number; amount: number }>[], drawerId: string | null) =>
          on(stream, 'OrderRefunded', { refundId, at: at(time), amount, method, lines, reason: 'returned', refundedBy: MANAGER, drawerId }, time),
      };
    },
    drawer(employee: string, drawerId: string, device = 'd1') {
      const stream = streams.employee(tenant, employee);
      return {
        opened: (float: number, time = '07:30') => on(stream, 'DrawerOpened', { drawerId, shiftId: 's1', deviceId: device, float, at: at(time) }, time),
        cashIn: (movementId: string, amount: number) => on(stream, 'CashInRecorded', { drawerId, movementId, amount, reason: 'change', at: at('12:00') }),
        cashOut: (movementId: string, amount: number) => on(stream, 'CashOutRecorded', { drawerId, movementId, amount, reason: 'bank', at: at('13:00') }),
        closed: (float: number, cashIn: number, cashOut: number, cashSales: number, counted: number, time = '18:00') => {
          const expected = float + cashIn - cashOut + cashSales;
          return on(stream, 'DrawerClosed', { drawerId, deviceId: device, float, cashIn, cashOut, cashSales, expected, counted, variance: counted - expected, at: at(time) }, time);
        },
      };
    },
    /** A Z as the decider writes it, counting through `last` (the last fact its figures hold). */
    z(device: string, zNumber: number, figures: TillFigures, last: RecordedEvent | null, previous: GrandTotals = EMPTY_GRAND_TOTALS, time = '18:30') {
      return on(streams.till(tenant, device), 'TillDayClosed', {
        tenantId: tenant, branchId: 'b1', deviceId: device, zNumber,
        header: { legalName: `${tenant} GmbH`, currency: 'EUR', timeZone: 'Europe/Berlin', branchName: 'Mitte', deviceName: 'Till 1' },
        businessDate: '2026-11-22', periodStart: at('07:30'), periodEnd: at(time), through: last ? formatPosition(last.position) : null,
        figures, grandTotals: addToGrandTotals(previous, figures), closedBy: MANAGER,
      }, time);
    },
  };
}
