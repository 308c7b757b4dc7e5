import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closeTillDay, type TillDeps } from '../../../application/commands/tills.js';
import { ApplicationError } from '../../../application/errors.js';
import { requireInScope, type ReadScope } from '../../../application/queries/readScope.js';
import type { DeviceId } from '../../../domain/shared/ids.js';
import { tillPeriodsModel } from '../../../projections/till/tillModel.js';
import { branchOfDevice, headerOf, listZReports, openPeriodOf, zReportOf } from '../../../projections/till/tillQueries.js';
import type { TillTables } from '../../../projections/till/tillTables.js';
import type { CsvColumn } from '../csv.js';
import { commandDoc } from '../openapi/operationDoc.js';
import type { RoutePermission } from '../plugins/access.js';
import { envelopeFrom, etagOf, idSchema, ifMatchOf } from './commandRoute.js';
import { businessDateSchema, queryGet, queryList, type QueryDeps } from './queryRoute.js';
import { xReportSchema, zClosedSchema, zReportSchema } from './tillSchemas.js';
import { formatPosition } from '../../../application/ports/eventStore.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../postgres/database.js';

const TAGS = ['reports'] as const;
/** The till's own cashier, managers of its branch, the tenant's admins (and support, to read). */
const CLOSERS: RoutePermission = { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' };
const READERS: RoutePermission = { roles: [...CLOSERS.roles, 'auditor', 'platform_owner'], scope: 'device', support: 'read' };
const deviceParams = z.object({ deviceId: idSchema });
const businessDate = businessDateSchema;

const Z_CSV: readonly CsvColumn<z.output<typeof zReportSchema>>[] = [
  { header: 'zNumber', value: (z) => z.zNumber },
  { header: 'businessDate', value: (z) => z.businessDate },
  { header: 'periodStart', value: (z) => z.periodStart },
  { header: 'periodEnd', value: (z) => z.periodEnd },
  { header: 'receipts', value: (z) => z.figures.receipts.count },
  { header: 'gross', value: (z) => z.figures.gross },
  { header: 'discounts', value: (z) => z.figures.discounts.amount },
  { header: 'voids', value: (z) => z.figures.voids.amount },
  { header: 'refunds', value: (z) => z.figures.refunds.amount },
  { header: 'net', value: (z) => z.figures.net },
  { header: 'tax', value: (z) => z.figures.tax },
  { header: 'total', value: (z) => z.figures.total },
  { header: 'cashExpected', value: (z) => z.figures.cash.expected },
  { header: 'cashCounted', value: (z) => z.figures.cash.counted },
  { header: 'cashVariance', value: (z) => z.figures.cash.variance },
  { header: 'grandTotal', value: (z) => z.grandTotals.total },
  { header: 'closedBy', value: (z) => z.closedBy.userId },
];

/** The till exists in the caller's tenant (else 404) and lies in their scope (else 403). */
async function requireTill(db: Kysely<Database & TillTables>, scope: ReadScope, deviceId: string): Promise<string> {
  const branchId = await branchOfDevice(db, scope.tenantId, deviceId);
  if (branchId === null) throw new ApplicationError('not_found', 'DEVICE_NOT_FOUND', 'No such device');
  requireInScope(scope, { branchId, deviceId });
  return branchId;
}

/** Z closure (a command), the X-report of the open period and the history of Zs, per till. */
export function registerTillRoutes(fastify: FastifyInstance, deps: TillDeps & QueryDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/devices/:deviceId/z-reports',
    {
      schema: {
        summary: 'Close the till’s day: the next Z, gapless per device, over everything since the previous Z',
        description:
          'By a manager of the till’s branch or the cashier signed in on the till. Answers the Z number; GET /v1/devices/{deviceId}/z-reports/{zNumber} shows it ' +
          '(pass `?after=<position>` to read it at once). A sale that reaches the server after the Z (offline, late) goes into the next Z.',
        tags: [...TAGS],
        params: deviceParams,
        body: z.strictObject({}).nullish(),
        response: { 201: zClosedSchema },
      },
      config: { permission: CLOSERS, idempotency: 'required-for-cashiers', openapi: { ...commandDoc({ ifMatch: 'checked' }), location: true } },
    },
    async (request, reply) => {
      ifMatchOf(request);
      const { deviceId } = request.params;
      const { zNumber, result } = await closeTillDay(deps, envelopeFrom(request, deps.clock), deviceId as DeviceId);
      void reply.status(201).header('etag', etagOf(result.revision)).header('location', `/v1/devices/${deviceId}/z-reports/${zNumber}`);
      return { id: deviceId, zNumber, revision: result.revision, position: result.position ? formatPosition(result.position) : null };
    },
  );

  queryGet<typeof deviceParams, typeof xReportSchema, TillTables>(
    fastify,
    deps,
    '/v1/devices/:deviceId/x-report',
    {
      summary: 'X-report: the till’s open period (since its last Z), read-only; the next Z closes exactly this',
      tags: TAGS,
      params: deviceParams,
      response: xReportSchema,
      permission: READERS,
      readModel: tillPeriodsModel,
    },
    async ({ db, scope, params }) => {
      const branchId = await requireTill(db, scope, params.deviceId);
      const period = await openPeriodOf(db, scope.tenantId, params.deviceId);
      const { branchId: _branch, ...header } = await headerOf(db, scope.tenantId, branchId, params.deviceId);
      return {
        deviceId: params.deviceId,
        branchId,
        nextZNumber: period.lastZ + 1,
        periodStart: period.lastPeriodEnd ?? period.firstActivityAt,
        through: period.through,
        header,
        figures: period.figures,
        grandTotals: period.grandTotals,
      };
    },
  );

  queryList<typeof deviceParams, z.ZodObject<{ from: z.ZodOptional<typeof businessDate>; to: z.ZodOptional<typeof businessDate> }>, typeof zReportSchema, readonly [number], TillTables>(
    fastify,
    deps,
    '/v1/devices/:deviceId/z-reports',
    {
      summary: 'The till’s Z-reports, newest first, with their figures and grand totals',
      tags: TAGS,
      params: deviceParams,
      query: z.object({ from: businessDate.optional(), to: businessDate.optional() }),
      item: zReportSchema,
      permission: READERS,
      readModel: tillPeriodsModel,
      cursor: { key: z.tuple([z.number().int()]), of: (row) => [row.zNumber] as const },
      csv: { columns: Z_CSV, filename: 'z-reports.csv' },
    },
    async ({ db, scope, filter, params, query, page }) => {
      await requireTill(db, scope, params.deviceId);
      return listZReports(db, filter, params.deviceId, query, { size: page.size, after: page.after?.[0] });
    },
  );

  const zParams = z.object({ deviceId: idSchema, zNumber: z.coerce.number().int().min(1).max(2_147_483_647) });
  queryGet<typeof zParams, typeof zReportSchema, TillTables>(
    fastify,
    deps,
    '/v1/devices/:deviceId/z-reports/:zNumber',
    {
      summary: 'One Z-report, as closed (for reprint)',
      tags: TAGS,
      params: zParams,
      response: zReportSchema,
      permission: READERS,
      readModel: tillPeriodsModel,
    },
    async ({ db, scope, params }) => {
      await requireTill(db, scope, params.deviceId);
      const z = await zReportOf(db, scope.tenantId, params.deviceId, params.zNumber);
      if (!z) throw new ApplicationError('not_found', 'Z_REPORT_NOT_FOUND', 'No such Z-report');
      return z;
    },
  );
}
