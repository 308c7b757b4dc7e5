import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // A read model's tables now live in a schema per generation (rm_<name>_<n>), created by the
  // runner from the model's own DDL (ADR 0016): a checkpoint row per generation, with the code
  // version it was built by and its state. One generation per model is live (queries read it);
  // at most one is being built beside it (blue/green); a retired one waits a few seconds for the
  // queries still on it, then its schema is dropped. Reactors keep one row, generation 0.
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN generation integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN version integer`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN schema_name text`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN state text NOT NULL DEFAULT 'live'`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN retired_at timestamptz`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD CONSTRAINT projection_checkpoints_state_check CHECK (state IN ('building', 'live', 'retired'))`.execute(db);
  await sql`ALTER TABLE projection_checkpoints DROP CONSTRAINT projection_checkpoints_pkey`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD CONSTRAINT projection_checkpoints_pkey PRIMARY KEY (name, generation)`.execute(db);
  await sql`CREATE UNIQUE INDEX projection_checkpoints_live_key ON projection_checkpoints (name) WHERE state = 'live'`.execute(db);
  await sql`CREATE UNIQUE INDEX projection_checkpoints_building_key ON projection_checkpoints (name) WHERE state = 'building'`.execute(db);

  // The two read models of migrations 0004 and 0006 move into generations of their own: their
  // public tables go, and the next start rebuilds them from the log (nothing is lost: the log is
  // the truth, and no figure in them was ever shown but through a command that catches up).
  await sql`DELETE FROM projection_checkpoints WHERE name IN ('drawer_cash', 'tenant_orders')`.execute(db);
  await sql`DROP TABLE IF EXISTS drawer_cash_open_payments`.execute(db);
  await sql`DROP TABLE IF EXISTS drawer_cash`.execute(db);
  await sql`DROP TABLE IF EXISTS tenant_orders`.execute(db);

  // Poison events: a projection whose apply kept failing on one event is halted there, alone,
  // until an operator resumes it (after a fix) or skips the event. Rows are kept once resolved:
  // a skip is something an auditor asks about.
  await sql`
    CREATE TABLE projection_failures (
      id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name        text        NOT NULL,
      generation  integer     NOT NULL,
      position    text        NOT NULL,
      event_id    text        NOT NULL,
      event_type  text        NOT NULL,
      error       text        NOT NULL,
      attempts    integer     NOT NULL,
      failed_at   timestamptz NOT NULL,
      resolution  text        CHECK (resolution IN ('resumed', 'skipped')),
      resolved_at timestamptz,
      resolved_by text
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX projection_failures_open_key ON projection_failures (name, generation) WHERE resolution IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS projection_failures`.execute(db);
  await sql`DELETE FROM projection_checkpoints WHERE generation <> 0`.execute(db);
  await sql`DROP INDEX IF EXISTS projection_checkpoints_building_key`.execute(db);
  await sql`DROP INDEX IF EXISTS projection_checkpoints_live_key`.execute(db);
  await sql`ALTER TABLE projection_checkpoints DROP CONSTRAINT projection_checkpoints_pkey`.execute(db);
  await sql`ALTER TABLE projection_checkpoints ADD CONSTRAINT projection_checkpoints_pkey PRIMARY KEY (name)`.execute(db);
  for (const column of ['retired_at', 'state', 'schema_name', 'version', 'generation']) {
    await sql`ALTER TABLE projection_checkpoints DROP COLUMN ${sql.id(column)}`.execute(db);
  }
}
