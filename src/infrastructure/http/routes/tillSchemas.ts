import { z } from 'zod';

/** The Z- and X-report as the API shows them; amounts are integers of the tenant's minor units. */
const minor = z.number().int();
const count = z.number().int().min(0);
const countAmount = z.object({ count, amount: minor });
const receipt = z.object({ orderId: z.string(), completedAt: z.string() }).nullable();

const taxRow = z.object({ taxRateId: z.string(), basisPoints: z.number().int(), net: minor, tax: minor, gross: minor }).describe('One tax rate, sales minus refunds');
const tenderRow = z
  .object({ method: z.enum(['cash', 'card', 'other']), count, amount: minor.describe('kept: cash tendered minus change'), change: minor, refunds: countAmount })
  .describe('One tender method');
const drawerRow = z.object({
  drawerId: z.string(), employeeId: z.string(), float: minor, cashIn: minor, cashOut: minor, cashSales: minor,
  expected: minor, counted: minor, variance: minor, closedAt: z.string(),
});

export const figuresSchema = z.object({
  receipts: z.object({ count, first: receipt, last: receipt }).describe('Completed sales, first and last in arrival order'),
  gross: minor.describe('Price-list value of the lines sold, before discounts'),
  discounts: countAmount,
  voids: countAmount.describe('Open orders voided, with their value when voided'),
  refunds: countAmount.describe('Refunds counted at this till (tax included)'),
  net: minor.describe('Sales after discounts without tax, minus the net of refunds'),
  tax: minor.describe('Tax of sales minus tax refunded'),
  total: minor.describe('net + tax'),
  taxes: z.array(taxRow).readonly(),
  tenders: z.array(tenderRow).readonly(),
  cash: z.object({
    floats: countAmount, cashIn: countAmount, cashOut: countAmount,
    drawers: z.array(drawerRow).readonly().describe('Drawers closed at this till in the period'),
    expected: minor, counted: minor, variance: minor.describe('counted - expected'),
  }),
});

export const grandTotalsSchema = z
  .object({
    receipts: count, gross: minor, discounts: countAmount, voids: countAmount, refunds: countAmount, net: minor, tax: minor, total: minor,
    taxes: z.array(taxRow).readonly(), tenders: z.array(tenderRow).readonly(),
    cash: z.object({ floats: countAmount, cashIn: countAmount, cashOut: countAmount, expected: minor, counted: minor, variance: minor }),
  })
  .describe('Running sums over every Z of the till, never reset');

export const headerSchema = z.object({
  legalName: z.string(), currency: z.string(), timeZone: z.string(), branchName: z.string(), deviceName: z.string(),
});

export const zReportSchema = z.object({
  deviceId: z.string(),
  branchId: z.string(),
  zNumber: z.number().int().min(1),
  businessDate: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  through: z.string().nullable().describe('Log position of the last fact counted; what came after is in the next Z'),
  closedBy: z.object({ userId: z.string(), role: z.string() }),
  header: headerSchema,
  figures: figuresSchema,
  grandTotals: grandTotalsSchema,
  position: z.string().describe('Log position of the Z itself'),
});

export const xReportSchema = z.object({
  deviceId: z.string(),
  branchId: z.string().nullable(),
  /** The number the next Z will get. */
  nextZNumber: z.number().int().min(1),
  periodStart: z.string().nullable().describe('End of the last Z, or the first fact of a till never closed; null for a till that did nothing'),
  through: z.string().nullable(),
  header: headerSchema,
  figures: figuresSchema,
  grandTotals: grandTotalsSchema.nullable().describe('As of the last Z; null before the first'),
});

export const zClosedSchema = z.object({
  id: z.string().describe('The device id'),
  zNumber: z.number().int().min(1),
  revision: z.number().int().nullable(),
  position: z.string().nullable(),
});
