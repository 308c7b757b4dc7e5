import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Sign-in attempts per account and per client address, in a fixed window opened by the first.
  // In the database so that every API process counts against the same limit, and so that an
  // attempt is counted (atomically, by an upsert) before its password is checked: a burst of
  // parallel guesses cannot all pass a check made before any of them was counted.
  await sql`
    CREATE TABLE login_throttle (
      key      text        PRIMARY KEY,
      attempts integer     NOT NULL CHECK (attempts >= 0),
      ends_at  timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX login_throttle_ends_at_idx ON login_throttle (ends_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS login_throttle`.execute(db);
}
