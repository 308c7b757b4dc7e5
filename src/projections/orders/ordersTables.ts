import { sql, type ColumnType, type Transaction } from 'kysely';
import type { Database } from '../../infrastructure/postgres/database.js';
import { createTenantSettingsTable, type TenantSettingsTables } from '../shared/tenantSettings.js';

/** A sum in minor units or units: bigint in PostgreSQL (a string from `pg`, a bigint from PGlite). */
type Sum = ColumnType<string | bigint | number, number, number>;
/**
 * JSON kept as text: PostgreSQL stores and returns it as it came, never parsing it (the detail is
 * only ever read whole, by id); as jsonb its parsing cost more than the rest of the row (ADR 0018).
 */
type JsonText = ColumnType<string, string, string>;
type At = ColumnType<Date, string, string>;
type MaybeAt = ColumnType<Date | null, string | null, string | null>;

/** Who did something, as the event's envelope names them (metadata.actor). */
export type TimelineActor = Readonly<{ userId: string; role: string; deviceId: string | null }>;

/** One event of the order, for the detail's "who did what when". */
export type TimelineEntry = Readonly<{
  revision: number;
  position: string;
  type: string;
  /** Business time: the till's clock when it happened (the event's `at`, else its occurredAt). */
  at: string;
  /** When the server stored it (a sale synced late has it hours after `at`). */
  recordedAt: string;
  actor: TimelineActor;
  /** The event's own data (upcast): what was added, changed, approved, paid, refunded. */
  data: Readonly<Record<string, unknown>>;
}>;

export type RefundRecord = Readonly<{
  refundId: string;
  at: string;
  amount: number;
  method: string;
  reason: string;
  refundedBy: Readonly<{ userId: string; role: string }>;
  drawerId: string | null;
  lines: readonly Readonly<{ lineId: string; quantity: number; amount: number }>[];
}>;

export type VoidRecord = Readonly<{ at: string; reason: string; voidedBy: Readonly<{ userId: string; role: string }>; paidToReturn: number }>;

export type OrderRow = {
  tenant_id: string;
  order_id: string;
  branch_id: string;
  device_id: string;
  cashier_id: string;
  status: 'open' | 'completed' | 'voided';
  currency: string;
  price_mode: string;
  /** `YYYY-MM-DD` in the tenant's zone, of the completion (completed), the void (voided) or the opening (open). */
  business_date: string;
  opened_at: At;
  completed_at: MaybeAt;
  voided_at: MaybeAt;
  gross: Sum;
  discount_total: Sum;
  net: Sum;
  tax: Sum;
  total: Sum;
  paid: Sum;
  change: Sum;
  refunded: Sum;
  line_count: ColumnType<number, number, number>;
  item_count: Sum;
  /** Stream revision of the last event applied. */
  revision: ColumnType<number, number, number>;
  /** OrderSnapshot as JSON. */
  snapshot: JsonText;
  /** RefundRecord[] as JSON. */
  refunds: JsonText;
  /** VoidRecord as JSON; null unless voided. */
  void_record: ColumnType<string | null, string | null, string | null>;
  /** TimelineEntry[] as JSON. */
  timeline: JsonText;
};

export type OrdersTables = TenantSettingsTables & { orders: OrderRow };

/** The cursor order of every list: newest business date first, then newest opening, then id. */
export const ORDER_SORT = ['business_date', 'opened_at', 'order_id'] as const;

/**
 * One row per order: the list columns, and the detail (snapshot, refunds, void, timeline) as
 * jsonb beside them (TOASTed out of line, so a page scan reads the narrow part). Each filter has
 * an index that ends in the cursor order, so a page is one index range scan read backwards:
 * tenant alone (admins), + branch (managers), + device (cashiers), + cashier, + status.
 */
export async function createOrdersTables(trx: Transaction<Database & OrdersTables>): Promise<void> {
  await createTenantSettingsTable(settingsOf(trx));
  await sql`
    CREATE TABLE orders (
      tenant_id text NOT NULL,
      order_id text NOT NULL,
      branch_id text NOT NULL,
      device_id text NOT NULL,
      cashier_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'completed', 'voided')),
      currency text NOT NULL,
      price_mode text NOT NULL,
      business_date text NOT NULL CHECK (business_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      opened_at timestamptz NOT NULL,
      completed_at timestamptz,
      voided_at timestamptz,
      gross bigint NOT NULL,
      discount_total bigint NOT NULL,
      net bigint NOT NULL,
      tax bigint NOT NULL,
      total bigint NOT NULL,
      paid bigint NOT NULL,
      change bigint NOT NULL,
      refunded bigint NOT NULL,
      line_count integer NOT NULL,
      item_count bigint NOT NULL,
      revision integer NOT NULL,
      snapshot text NOT NULL,
      refunds text NOT NULL,
      void_record text,
      timeline text NOT NULL,
      PRIMARY KEY (tenant_id, order_id)
    )`.execute(trx);
  const sort = sql`business_date, opened_at, order_id`;
  await sql`CREATE INDEX orders_by_date ON orders (tenant_id, ${sort})`.execute(trx);
  await sql`CREATE INDEX orders_by_branch ON orders (tenant_id, branch_id, ${sort})`.execute(trx);
  await sql`CREATE INDEX orders_by_device ON orders (tenant_id, device_id, ${sort})`.execute(trx);
  await sql`CREATE INDEX orders_by_cashier ON orders (tenant_id, cashier_id, ${sort})`.execute(trx);
  await sql`CREATE INDEX orders_by_status ON orders (tenant_id, status, ${sort})`.execute(trx);
}

/**
 * The transaction as the shared tenant-settings code types it. Kysely's Transaction is invariant
 * in its tables, though one over more tables serves one over fewer: hence the double cast.
 */
export function settingsOf(trx: Transaction<Database & OrdersTables>): Transaction<Database & TenantSettingsTables> {
  return trx as unknown as Transaction<Database & TenantSettingsTables>;
}
