import type { CommandMeta } from '../../../../src/domain/shared/command.js';
import type {
  BranchId, DeviceId, DiscountId, EmployeeId, LineId, OrderId, PaymentId, RefundId, TaxRateId, TenantId, UserId,
} from '../../../../src/domain/shared/ids.js';
import type { Role } from '../../../../src/domain/shared/roles.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import type { OrderEvent } from '../../../../src/domain/order/index.js';
import type { PriceMode } from '../../../../src/domain/shared/tax.js';

export const orderId = 'a1b2c3d4-0000-4000-8000-000000000001' as OrderId;
export const tenantId = 'tenant-1' as TenantId;
export const branchId = 'branch-1' as BranchId;
export const deviceId = 'device-1' as DeviceId;
export const cashierId = 'emp-cashier' as EmployeeId;
export const line = (n: number) => `line-${n}` as LineId;
export const discount = (n: number) => `discount-${n}` as DiscountId;
export const payment = (n: number) => `payment-${n}` as PaymentId;
export const refund = (n: number) => `refund-${n}` as RefundId;
export const standard = 'standard' as TaxRateId;
export const reduced = 'reduced' as TaxRateId;
export const at = '2026-11-22T09:30:00.000Z' as Instant;

export function meta(role: Role = 'cashier', userId = 'user-cashier'): CommandMeta {
  return { actor: { userId: userId as UserId, role, deviceId }, at };
}
export const asCashier = meta('cashier');
export const asManager = meta('branch_manager', 'user-manager');

export function opened(priceMode: PriceMode = 'inclusive'): OrderEvent {
  return {
    type: 'OrderOpened',
    data: { orderId, tenantId, branchId, deviceId, cashierId, currency: 'EUR', priceMode, at },
  };
}

export function lineAdded(n: number, unitPrice: number, quantity = 1, taxBasisPoints = 2000, taxRateId = standard): OrderEvent {
  return {
    type: 'OrderLineAdded',
    data: { lineId: line(n), sku: `SKU-${n}`, name: `Item ${n}`, unitPrice, quantity, taxRateId, taxBasisPoints },
  };
}

export function cashPaid(n: number, amount: number): OrderEvent {
  return { type: 'PaymentAdded', data: { paymentId: payment(n), tender: { method: 'cash', amount }, drawerId: null } };
}

export function cardPaid(n: number, amount: number): OrderEvent {
  return {
    type: 'PaymentAdded',
    data: { paymentId: payment(n), tender: { method: 'card', amount, processorReference: `auth-${n}` }, drawerId: null },
  };
}
