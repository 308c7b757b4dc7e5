import { streams } from '../../src/application/events/streams.js';
import type { RecordedEvent } from '../../src/application/ports/eventStore.js';
import type { LogBuilder } from '../support/projectionSpec.js';

/** Events of tenants and orders, as the deciders write them, for the sales reports' specs. */
export function registered(log: LogBuilder, tenant: string, timeZone: string, currency = 'EUR', minorUnitExponent = 2, priceMode = 'inclusive'): RecordedEvent {
  return log.event(streams.tenant(tenant), tenant, 'TenantRegistered', {
    tenantId: tenant, legalName: `${tenant} Ltd`, currency, minorUnitExponent, timeZone, priceMode,
    taxRates: [], discountApprovalThreshold: { basisPoints: 1000 }, at: '2026-01-01T08:00:00.000Z',
  });
}

const MANAGER = { userId: 'u-manager', role: 'branch_manager' } as const;

type OrderHeader = Readonly<{ branch?: string; cashier?: string; currency?: string; priceMode?: string; at?: string }>;

/** One order's stream. `completed` and the rest take business times; totals in events are not what reports read. */
export function order(log: LogBuilder, tenant: string, id: string, header: OrderHeader = {}) {
  const stream = streams.order(tenant, id);
  const on = (type: string, data: Record<string, unknown>, at?: string, schemaVersion?: number) =>
    log.event(stream, tenant, type, data, { ...(at ? { at: new Date(at) } : {}), ...(schemaVersion ? { schemaVersion } : {}) });
  let paid = 0;
  return {
    opened: () =>
      on('OrderOpened', {
        orderId: id, tenantId: tenant, branchId: header.branch ?? 'b1', deviceId: 'd1', cashierId: header.cashier ?? 'e1',
        currency: header.currency ?? 'EUR', priceMode: header.priceMode ?? 'inclusive', at: header.at ?? '2026-11-02T08:00:00.000Z',
      }),
    line: (lineId: string, sku: string, unitPrice: number, quantity: number, taxRateId = 'vat19', taxBasisPoints = 1900) =>
      on('OrderLineAdded', { lineId, sku, name: `${sku} name`, unitPrice, quantity, taxRateId, taxBasisPoints }, undefined, 2),
    /** As stored before schema version 2: the price with its currency. */
    lineV1: (lineId: string, sku: string, unitPrice: number, quantity: number, taxRateId = 'vat19', taxBasisPoints = 1900) =>
      on('OrderLineAdded', { lineId, sku, name: `${sku} name`, unitPrice: { amount: unitPrice, currency: 'EUR' }, quantity, taxRateId, taxBasisPoints }, undefined, 1),
    quantity: (lineId: string, quantity: number) => on('OrderLineQuantityChanged', { lineId, quantity }),
    removeLine: (lineId: string) => on('OrderLineRemoved', { lineId }),
    lineDiscount: (discountId: string, lineId: string, amount: number) =>
      on('DiscountApplied', { discountId, target: { kind: 'line', lineId }, value: { kind: 'amount', amount }, reason: 'damaged', amount, approvedBy: null }),
    orderDiscount: (discountId: string, basisPoints: number) =>
      on('DiscountApplied', { discountId, target: { kind: 'order' }, value: { kind: 'percent', basisPoints }, reason: 'staff', amount: 0, approvedBy: MANAGER }),
    removeDiscount: (discountId: string) => on('DiscountRemoved', { discountId }),
    cash: (paymentId: string, amount: number) => {
      paid += amount;
      return on('PaymentAdded', { paymentId, tender: { method: 'cash', amount }, drawerId: 'dr1' });
    },
    card: (paymentId: string, amount: number) => {
      paid += amount;
      return on('PaymentAdded', { paymentId, tender: { method: 'card', amount, processorReference: `ref-${paymentId}` }, drawerId: null });
    },
    other: (paymentId: string, amount: number) => {
      paid += amount;
      return on('PaymentAdded', { paymentId, tender: { method: 'other', amount, description: 'voucher' }, drawerId: null });
    },
    removePayment: (paymentId: string, amount: number) => {
      paid -= amount;
      return on('PaymentRemoved', { paymentId });
    },
    /** `total` as the till priced it: the change is what was paid above it. */
    completed: (at: string, total: number) =>
      on('OrderCompleted', { at, totals: { subtotal: total, discountTotal: 0, net: total, tax: 0, taxes: [], total }, paid, change: paid - total }, at),
    voided: (at: string) => on('OrderVoided', { at, reason: 'customer left', voidedBy: MANAGER, paidToReturn: paid }, at),
    refunded: (refundId: string, at: string, amount: number, method: 'cash' | 'card' | 'other', lines: readonly Readonly<{ lineId: string; quantity: number; amount: number }>[] = []) =>
      on('OrderRefunded', { refundId, at, amount, method, lines, reason: 'returned', refundedBy: MANAGER, drawerId: method === 'cash' ? 'dr1' : null }, at),
  };
}

/**
 * Rows as plain values, the same from `pg` (bigints as strings, dates as local-midnight `Date`)
 * and PGlite (bigints as `bigint`): sums become numbers, a date `YYYY-MM-DD`, a timestamp ISO.
 */
export function plain(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => {
        if (typeof value === 'bigint') return [column, Number(value)];
        if (value instanceof Date) return [column, column.endsWith('_date') ? localDate(value) : value.toISOString()];
        if (typeof value === 'string' && /^-?\d+$/.test(value) && !column.endsWith('_id') && column !== 'sku') return [column, Number(value)];
        return [column, value];
      }),
    ),
  );
}

function localDate(value: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}
