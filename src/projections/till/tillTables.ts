import { sql, type Transaction } from 'kysely';
import type { Database } from '../../infrastructure/postgres/database.js';
import { createTenantSettingsTable, type TenantSettingsTables } from '../shared/tenantSettings.js';

/*
 * Positions are kept as sortable text (`commit.prepare`, each zero-padded to 20 digits), so a
 * till's facts after its last Z are one range of its (tenant, device, position) key.
 */

export type TillPeriodRow = {
  tenant_id: string;
  device_id: string;
  branch_id: string | null;
  /** Number of the last Z applied; 0 before the first. */
  last_z: number;
  last_period_end: string | null;
  /** Sortable position the last Z counted through: facts after it are the open period. */
  covered_through: string | null;
  /** Business time of the open period's first fact. */
  first_activity_at: string | null;
  /** Sortable position of the open period's last fact. */
  last_fact: string | null;
  /** The open period's figures (TillFigures), folded fact by fact. */
  figures: unknown;
  /** Grand totals after the last Z (GrandTotals), null before the first. */
  grand_totals: unknown;
};

export type TillEntryRow = {
  tenant_id: string;
  device_id: string;
  position: string;
  kind: 'sale' | 'void' | 'refund' | 'drawer_opened' | 'cash_in' | 'cash_out' | 'drawer_closed';
  /** Business time of the fact. */
  at: string;
  /** Order or drawer the fact is about. */
  subject_id: string;
  /** The fact's contribution to its period (TillFigures). */
  figures: unknown;
};

export type ZReportRow = {
  tenant_id: string;
  device_id: string;
  z_number: number;
  branch_id: string;
  business_date: string;
  period_start: string;
  period_end: string;
  through: string | null;
  closed_by: string;
  closed_by_role: string;
  receipts: number;
  net: number;
  tax: number;
  total: number;
  header: unknown;
  figures: unknown;
  grand_totals: unknown;
  /** Position of the TillDayClosed event. */
  position: string;
};

export type TillTables = TenantSettingsTables & {
  till_periods: TillPeriodRow;
  till_entries: TillEntryRow;
  z_reports: ZReportRow;
  /** Each order as the Order aggregate folds it (orderSnapshot.ts): lines, tenders, tax of a sale. */
  /** `snapshot`: the order's SnapshotOrNone as JSON text, never parsed by PostgreSQL (ADR 0018). */
  till_orders: { tenant_id: string; order_id: string; snapshot: string };
  /** Which till a drawer belongs to, so its cash movements count there. */
  till_drawers: { tenant_id: string; drawer_id: string; device_id: string; employee_id: string };
  /** Names of branches and devices for the report header. */
  till_names: { tenant_id: string; kind: 'branch' | 'device'; id: string; name: string };
};

export async function createTillTables(trx: Transaction<Database & TillTables>): Promise<void> {
  await createTenantSettingsTable(settingsView(trx));
  await sql`
    CREATE TABLE till_periods (
      tenant_id text NOT NULL,
      device_id text NOT NULL,
      branch_id text,
      last_z integer NOT NULL,
      last_period_end text,
      covered_through text,
      first_activity_at text,
      last_fact text,
      figures jsonb NOT NULL,
      grand_totals jsonb,
      PRIMARY KEY (tenant_id, device_id)
    )`.execute(trx);
  await sql`
    CREATE TABLE till_entries (
      tenant_id text NOT NULL,
      device_id text NOT NULL,
      position text NOT NULL,
      kind text NOT NULL,
      at text NOT NULL,
      subject_id text NOT NULL,
      figures jsonb NOT NULL,
      PRIMARY KEY (tenant_id, device_id, position)
    )`.execute(trx);
  await sql`
    CREATE TABLE z_reports (
      tenant_id text NOT NULL,
      device_id text NOT NULL,
      z_number integer NOT NULL,
      branch_id text NOT NULL,
      business_date text NOT NULL,
      period_start text NOT NULL,
      period_end text NOT NULL,
      through text,
      closed_by text NOT NULL,
      closed_by_role text NOT NULL,
      receipts integer NOT NULL,
      net bigint NOT NULL,
      tax bigint NOT NULL,
      total bigint NOT NULL,
      header jsonb NOT NULL,
      figures jsonb NOT NULL,
      grand_totals jsonb NOT NULL,
      position text NOT NULL,
      PRIMARY KEY (tenant_id, device_id, z_number)
    )`.execute(trx);
  await sql`CREATE TABLE till_orders (tenant_id text NOT NULL, order_id text NOT NULL, snapshot text NOT NULL, PRIMARY KEY (tenant_id, order_id))`.execute(trx);
  await sql`
    CREATE TABLE till_drawers (
      tenant_id text NOT NULL, drawer_id text NOT NULL, device_id text NOT NULL, employee_id text NOT NULL,
      PRIMARY KEY (tenant_id, drawer_id)
    )`.execute(trx);
  await sql`CREATE TABLE till_names (tenant_id text NOT NULL, kind text NOT NULL, id text NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, kind, id))`.execute(trx);
}

/**
 * The same transaction seen with only the shared tenant_settings table. Kysely's Transaction is
 * invariant in its tables, so a wider one does not widen to a narrower one by itself; the cast
 * only hides tables, it adds none.
 */
export function settingsView(trx: Transaction<Database & TillTables>): Transaction<Database & TenantSettingsTables> {
  return trx as unknown as Transaction<Database & TenantSettingsTables>;
}
