import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where each projection is in the global log: '<commit>.<prepare>' of the last event it
  // applied, NULL before the first. Updated in the same transaction as the read model's rows,
  // so a projection applies each event exactly once, whatever crashes in between.
  await sql`
    CREATE TABLE projection_checkpoints (
      name       text        PRIMARY KEY,
      position   text,
      updated_at timestamptz NOT NULL
    )`.execute(db);

  // Net cash that sales moved through each cash drawer (read model "drawer cash"), in minor units.
  await sql`
    CREATE TABLE drawer_cash (
      tenant_id     text   NOT NULL,
      drawer_id     text   NOT NULL,
      cash_tendered bigint NOT NULL DEFAULT 0,
      change_given  bigint NOT NULL DEFAULT 0,
      cash_returned bigint NOT NULL DEFAULT 0,
      cash_refunded bigint NOT NULL DEFAULT 0,
      CONSTRAINT drawer_cash_pkey PRIMARY KEY (tenant_id, drawer_id)
    )`.execute(db);

  // Cash payments of orders still open: a removal, a void or the change at completion needs to
  // know which drawer the cash went into. Rows go when the order completes or is voided.
  await sql`
    CREATE TABLE drawer_cash_open_payments (
      stream_id       text   NOT NULL,
      payment_id      text   NOT NULL,
      tenant_id       text   NOT NULL,
      drawer_id       text   NOT NULL,
      amount          bigint NOT NULL,
      stream_revision bigint NOT NULL,
      CONSTRAINT drawer_cash_open_payments_pkey PRIMARY KEY (stream_id, payment_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS drawer_cash_open_payments`.execute(db);
  await sql`DROP TABLE IF EXISTS drawer_cash`.execute(db);
  await sql`DROP TABLE IF EXISTS projection_checkpoints`.execute(db);
}
