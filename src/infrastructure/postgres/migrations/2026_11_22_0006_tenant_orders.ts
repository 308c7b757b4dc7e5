import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Orders opened per tenant (read model "tenant orders"): whether a tenant has sold yet, e.g.
  // before its currency may change. first_opened_at is the till's business time of the first.
  await sql`
    CREATE TABLE tenant_orders (
      tenant_id       text        PRIMARY KEY,
      orders_opened   bigint      NOT NULL,
      first_opened_at timestamptz NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS tenant_orders`.execute(db);
}
