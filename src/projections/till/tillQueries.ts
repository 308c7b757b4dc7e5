import type { Kysely } from 'kysely';
import type { ReadFilter } from '../../application/queries/readScope.js';
import type { Instant } from '../../domain/shared/time.js';
import { EMPTY_FIGURES, type GrandTotals, type TillFigures, type TillHeader } from '../../domain/till/index.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import { formattedFromSortable } from './positions.js';
import type { TillTables } from './tillTables.js';

type Db = Kysely<Database & TillTables>;

export type OpenPeriodRead = Readonly<{
  tenantId: string;
  deviceId: string;
  branchId: string | null;
  lastZ: number;
  lastPeriodEnd: Instant | null;
  firstActivityAt: Instant | null;
  through: string | null;
  figures: TillFigures;
  grandTotals: GrandTotals | null;
}>;

/** The till's open period; a till the model has not seen yet has an empty one. */
export async function openPeriodOf(db: Db, tenantId: string, deviceId: string): Promise<OpenPeriodRead> {
  const row = await db.selectFrom('till_periods').selectAll().where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).executeTakeFirst();
  return {
    tenantId,
    deviceId,
    branchId: row?.branch_id ?? null,
    lastZ: row?.last_z ?? 0,
    lastPeriodEnd: (row?.last_period_end ?? null) as Instant | null,
    firstActivityAt: (row?.first_activity_at ?? null) as Instant | null,
    through: row?.last_fact ? formattedFromSortable(row.last_fact) : null,
    figures: (row?.figures ?? EMPTY_FIGURES) as TillFigures,
    grandTotals: (row?.grand_totals ?? null) as GrandTotals | null,
  };
}

/** What the X-report's header shows, from the model's own copy of settings and names. */
export async function headerOf(db: Db, tenantId: string, branchId: string | null, deviceId: string): Promise<TillHeader & { branchId: string | null }> {
  const [settings, names] = await Promise.all([
    db.selectFrom('tenant_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),
    db
      .selectFrom('till_names')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb.and([eb('kind', '=', 'device'), eb('id', '=', deviceId)]), eb.and([eb('kind', '=', 'branch'), eb('id', '=', branchId ?? '')])]))
      .execute(),
  ]);
  const name = (kind: 'branch' | 'device'): string => names.find((n) => n.kind === kind)?.name ?? '';
  return {
    legalName: settings?.legal_name ?? '',
    currency: settings?.currency ?? '',
    timeZone: settings?.time_zone ?? 'UTC',
    branchId,
    branchName: name('branch'),
    deviceName: name('device'),
  };
}

export type ZReportRead = Readonly<{
  deviceId: string;
  branchId: string;
  zNumber: number;
  businessDate: string;
  periodStart: string;
  periodEnd: string;
  through: string | null;
  closedBy: Readonly<{ userId: string; role: string }>;
  header: TillHeader;
  figures: TillFigures;
  grandTotals: GrandTotals;
  position: string;
}>;

function zOf(row: TillTables['z_reports']): ZReportRead {
  return {
    deviceId: row.device_id,
    branchId: row.branch_id,
    zNumber: row.z_number,
    businessDate: row.business_date,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    through: row.through,
    closedBy: { userId: row.closed_by, role: row.closed_by_role },
    header: row.header as TillHeader,
    figures: row.figures as TillFigures,
    grandTotals: row.grand_totals as GrandTotals,
    position: formattedFromSortable(row.position),
  };
}

/** A till's Zs, newest first (the cursor is the Z number), with business-date bounds. */
export async function listZReports(
  db: Db,
  filter: ReadFilter,
  deviceId: string,
  query: Readonly<{ from?: string | undefined; to?: string | undefined }>,
  page: Readonly<{ size: number; after: number | undefined }>,
): Promise<ZReportRead[]> {
  let q = db.selectFrom('z_reports').selectAll().where('tenant_id', '=', filter.tenantId).where('device_id', '=', deviceId);
  if (filter.branchIds) q = q.where('branch_id', 'in', filter.branchIds);
  if (query.from) q = q.where('business_date', '>=', query.from);
  if (query.to) q = q.where('business_date', '<=', query.to);
  if (page.after !== undefined) q = q.where('z_number', '<', page.after);
  const rows = await q.orderBy('z_number', 'desc').limit(page.size).execute();
  return rows.map(zOf);
}

export async function zReportOf(db: Db, tenantId: string, deviceId: string, zNumber: number): Promise<ZReportRead | undefined> {
  const row = await db.selectFrom('z_reports').selectAll().where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).where('z_number', '=', zNumber).executeTakeFirst();
  return row ? zOf(row) : undefined;
}

/** The device's branch as the model knows it (for scope checks of a till nobody closed yet). */
export async function branchOfDevice(db: Db, tenantId: string, deviceId: string): Promise<string | null> {
  const row = await db.selectFrom('till_periods').select('branch_id').where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).executeTakeFirst();
  return row?.branch_id ?? null;
}

