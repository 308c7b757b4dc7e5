import type { CommandMeta } from '../../../../src/domain/shared/command.js';
import type { BranchId, DeviceId, DrawerId, EmployeeId, OrderId, TaxRateId, TenantId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Role } from '../../../../src/domain/shared/roles.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { EMPTY_FIGURES, tillDecider, type CloseTillDay, type TillFigures, type TillHeader } from '../../../../src/domain/till/index.js';
import { spec } from '../../../support/decider.js';

export const tenantId = 'tenant-1' as TenantId;
export const branchId = 'branch-1' as BranchId;
export const deviceId = 'till-1' as DeviceId;
export const otherDevice = 'till-2' as DeviceId;
export const manager = 'user-manager' as UserId;
export const cashier = 'user-cashier' as UserId;
export const header: TillHeader = { legalName: 'Bäckerei Korn GmbH', currency: 'EUR', timeZone: 'Europe/Berlin', branchName: 'Mitte', deviceName: 'Till 1' };

export const at = (hhmm: string, day = '2026-11-22'): Instant => `${day}T${hhmm}:00.000Z` as Instant;

export const metaOf = (when: Instant, role: Role = 'branch_manager', device?: DeviceId): CommandMeta => ({
  actor: { userId: role === 'cashier' ? cashier : manager, role, deviceId: device },
  at: when,
});

/** A day of one sale paid cash, a refund, a drawer opened and closed: figures that add up. */
export const dayFigures: TillFigures = {
  receipts: {
    count: 2,
    first: { orderId: 'o-1' as OrderId, completedAt: at('08:10') },
    last: { orderId: 'o-2' as OrderId, completedAt: at('15:00') },
  },
  gross: 2_500,
  discounts: { count: 1, amount: 100 },
  voids: { count: 1, amount: 300 },
  refunds: { count: 1, amount: 238 },
  net: 1_817,
  tax: 345,
  total: 2_162,
  taxes: [{ taxRateId: 'vat-19' as TaxRateId, basisPoints: 1900, net: 1_817, tax: 345, gross: 2_162 }],
  tenders: [{ method: 'cash', count: 2, amount: 2_400, change: 100, refunds: { count: 1, amount: 238 } }],
  cash: {
    floats: { count: 1, amount: 10_000 },
    cashIn: { count: 1, amount: 500 },
    cashOut: { count: 1, amount: 200 },
    drawers: [
      {
        drawerId: 'drawer-1' as DrawerId, employeeId: 'emp-1' as EmployeeId, float: 10_000, cashIn: 500, cashOut: 200,
        cashSales: 2_162, expected: 12_462, counted: 12_450, variance: -12, closedAt: at('18:00'),
      },
    ],
    expected: 12_462,
    counted: 12_450,
    variance: -12,
  },
};

export function close(
  figures: TillFigures = dayFigures,
  meta: CommandMeta = metaOf(at('18:30')),
  overrides: Partial<CloseTillDay['data']> = {},
): CloseTillDay {
  return {
    type: 'CloseTillDay',
    data: { tenantId, branchId, deviceId, header, businessDate: '2026-11-22', firstActivityAt: at('07:55'), through: '900.900', figures, ...overrides },
    meta,
  };
}

export const empty = EMPTY_FIGURES;
export const till = spec(tillDecider);
