import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApplicationError, notFound } from '../../../application/errors.js';
import type { Principal } from '../../../application/principal.js';
import { requireInScope } from '../../../application/queries/readScope.js';
import { drawersModel } from '../../../projections/drawers/drawersModel.js';
import { findDrawer, listDrawers, listShifts, type Own } from '../../../projections/drawers/drawersQueries.js';
import type { DrawersTables } from '../../../projections/drawers/drawersTables.js';
import type { CsvColumn } from '../csv.js';
import type { RoutePermission } from '../plugins/access.js';
import { idSchema } from './commandRoute.js';
import { businessDateSchema, queryGet, queryList, type QueryDeps } from './queryRoute.js';

const TAGS = ['drawers and shifts'] as const;
/** Cashiers read their own drawers and shifts at their till, managers their branches', admins and support the tenant's. */
const READERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin', 'auditor', 'platform_owner'], scope: 'device', support: 'read' };

const amount = z.number().int().describe('Minor units of the tenant currency');
const dateSchema = businessDateSchema;

const drawerItem = z.object({
  drawerId: z.string(),
  status: z.enum(['open', 'closed']),
  employeeId: z.string().describe('Who was accountable for the drawer'),
  shiftId: z.string(),
  branchId: z.string().nullable(),
  deviceId: z.string().describe('The till'),
  businessDate: z.string().describe('The tenant’s local date of the opening'),
  openedAt: z.string(),
  float: amount.describe('Cash in the drawer at the opening'),
  cashIn: amount.describe('Cash put in (change rolls, top-ups)'),
  cashInCount: z.number().int(),
  cashOut: amount.describe('Cash taken out (bank drops, petty cash)'),
  cashOutCount: z.number().int(),
  cashTendered: amount.describe('Cash customers handed over into this drawer'),
  changeGiven: amount.describe('Change given back from this drawer'),
  cashReturned: amount.describe('Cash handed back when a cash payment was removed or its order voided'),
  cashSales: amount.describe('cashTendered - changeGiven - cashReturned'),
  cashRefunds: amount.describe('Cash paid out of this drawer for refunds'),
  refundCount: z.number().int(),
  expected: amount.describe('float + cashIn - cashOut + cashSales - cashRefunds; once closed, as the close recorded it'),
  counted: amount.nullable().describe('Cash counted at the close; null while open'),
  variance: amount.nullable().describe('counted - expected (negative: cash missing); null while open'),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable().describe('User id of the manager who closed it'),
  closingCashSales: amount.nullable().describe('Net cash of sales the close reckoned with (cashSales - cashRefunds at that moment)'),
  cashSinceClose: amount.nullable().describe('Net cash sales moved through the drawer after its close (a later void, a late sync): not in the recorded reckoning'),
});
type DrawerItem = z.output<typeof drawerItem>;

const shiftItem = z.object({
  shiftId: z.string(),
  status: z.enum(['open', 'closed']),
  employeeId: z.string(),
  branchId: z.string(),
  deviceId: z.string().nullable(),
  businessDate: z.string().describe('The tenant’s local date of the clock-in'),
  clockedInAt: z.string(),
  clockedOutAt: z.string().nullable(),
  durationSeconds: z.number().int().nullable().describe('Clock-in to clock-out; null while open'),
  drawerCount: z.number().int().describe('Drawers opened in the shift'),
});
type ShiftItem = z.output<typeof shiftItem>;

const filters = {
  branchId: idSchema.optional(),
  deviceId: idSchema.optional().describe('The till'),
  employeeId: idSchema.optional().describe('Ignored for a cashier, who reads their own'),
  status: z.enum(['open', 'closed']).optional(),
  from: dateSchema.optional().describe('First business date (YYYY-MM-DD), inclusive'),
  to: dateSchema.optional().describe('Last business date (YYYY-MM-DD), inclusive'),
};

const cursorKey = z.tuple([z.string().max(40), z.string().max(200)]);

const DRAWER_CSV: readonly CsvColumn<DrawerItem>[] = [
  ...(['drawerId', 'status', 'businessDate', 'branchId', 'deviceId', 'employeeId', 'shiftId', 'openedAt', 'closedAt', 'closedBy'] as const).map((key) => ({
    header: key,
    value: (row: DrawerItem) => row[key],
  })),
  ...(
    [
      'float', 'cashIn', 'cashInCount', 'cashOut', 'cashOutCount', 'cashTendered', 'changeGiven', 'cashReturned', 'cashSales', 'cashRefunds', 'refundCount',
      'expected', 'counted', 'variance', 'closingCashSales', 'cashSinceClose',
    ] as const
  ).map((key) => ({ header: key, value: (row: DrawerItem) => row[key] })),
];

const SHIFT_CSV: readonly CsvColumn<ShiftItem>[] = (
  ['shiftId', 'status', 'businessDate', 'branchId', 'deviceId', 'employeeId', 'clockedInAt', 'clockedOutAt', 'durationSeconds', 'drawerCount'] as const
).map((key) => ({ header: key, value: (row: ShiftItem) => row[key] }));

function ownOf(principal: Principal): Own {
  return { employeeId: principal.role === 'cashier' ? principal.employeeId : null };
}

/** The drawers report (every drawer session and its reckoning) and the shifts behind it. */
export function registerDrawerRoutes(app: FastifyInstance, deps: QueryDeps): void {
  queryList<z.ZodObject<Record<string, never>>, z.ZodObject<typeof filters>, typeof drawerItem, readonly [string, string], DrawersTables>(
    app,
    deps,
    '/v1/drawers',
    {
      summary: 'Drawer sessions: float, cash in and out, cash sales, refunds, expected, counted and variance',
      description:
        'Newest first. A cashier reads their own drawers at their till, a branch manager those of their branches, a tenant admin the tenant’s. ' +
        'Cash follows the sales: a cash tender goes into the drawer it names, change leaves the drawer of the sale’s last cash payment, ' +
        'a removed payment or a void hands the cash back, a cash refund leaves the drawer it names.',
      tags: TAGS,
      query: z.object(filters),
      item: drawerItem,
      permission: READERS,
      readModel: drawersModel,
      cursor: { key: cursorKey, of: (row) => [row.openedAt, row.drawerId] as const },
      csv: { columns: DRAWER_CSV, filename: 'drawers.csv' },
    },
    ({ db, filter, query, principal, page }) => listDrawers(db, filter, query, ownOf(principal), page),
  );

  queryGet<z.ZodObject<{ drawerId: typeof idSchema }>, typeof drawerItem, DrawersTables>(
    app,
    deps,
    '/v1/drawers/:drawerId',
    {
      summary: 'One drawer session with its reckoning',
      description: 'Another tenant’s drawer answers 404; a drawer outside the caller’s branches or till 403, another cashier’s 403 OWN_RECORD_ONLY.',
      tags: TAGS,
      params: z.object({ drawerId: idSchema }),
      response: drawerItem,
      permission: READERS,
      readModel: drawersModel,
    },
    async ({ db, scope, principal, params }) => {
      const drawer = await findDrawer(db, scope.tenantId, params.drawerId);
      if (!drawer) throw notFound('Drawer');
      if (drawer.branchId !== null) requireInScope(scope, { branchId: drawer.branchId, deviceId: drawer.deviceId });
      const own = ownOf(principal).employeeId;
      if (principal.role === 'cashier' && own !== drawer.employeeId) throw new ApplicationError('forbidden', 'OWN_RECORD_ONLY', 'A cashier sees their own drawers only');
      return drawer;
    },
  );

  queryList<z.ZodObject<Record<string, never>>, z.ZodObject<typeof filters>, typeof shiftItem, readonly [string, string], DrawersTables>(
    app,
    deps,
    '/v1/shifts',
    {
      summary: 'Shifts: clock-in to clock-out, branch, till and duration',
      description: 'Newest first; scoped like the drawers.',
      tags: TAGS,
      query: z.object(filters),
      item: shiftItem,
      permission: READERS,
      readModel: drawersModel,
      cursor: { key: cursorKey, of: (row) => [row.clockedInAt, row.shiftId] as const },
      csv: { columns: SHIFT_CSV, filename: 'shifts.csv' },
    },
    ({ db, filter, query, principal, page }) => listShifts(db, filter, query, ownOf(principal), page),
  );
}
