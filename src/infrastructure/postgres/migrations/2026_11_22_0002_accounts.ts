import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Logins live beside the event log, never in it: credentials (even hashed) must stay out of
  // the immutable history, and erasure must be able to remove an email (DOMAIN.md "Employee").
  // Emails are stored lower-cased, so the plain unique constraint is case-insensitive.
  await sql`
    CREATE TABLE accounts (
      user_id       text        PRIMARY KEY,
      tenant_id     text,
      employee_id   text        UNIQUE,
      email         text        UNIQUE CHECK (email = lower(email)),
      role          text        NOT NULL CHECK (role IN ('cashier', 'branch_manager', 'tenant_admin', 'platform_owner')),
      status        text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'terminated')),
      branch_ids    text[]      NOT NULL DEFAULT '{}',
      device_ids    text[]      NOT NULL DEFAULT '{}',
      password_hash text,
      pin_hash      text,
      created_at    timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL,
      CHECK ((tenant_id IS NULL) = (role = 'platform_owner'))
    )`.execute(db);

  // Opaque refresh tokens, kept only as their SHA-256. A family is one sign-in and every token
  // rotated from it: reuse of a replaced token revokes the whole family.
  await sql`
    CREATE TABLE refresh_tokens (
      token_hash  text        PRIMARY KEY,
      family_id   text        NOT NULL,
      user_id     text        NOT NULL REFERENCES accounts (user_id) ON DELETE CASCADE,
      device_id   text,
      issued_at   timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      replaced_by text,
      revoked_at  timestamptz
    )`.execute(db);
  await sql`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`.execute(db);
  await sql`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`.execute(db);

  await sql`
    CREATE TABLE deactivated_devices (
      tenant_id      text        NOT NULL,
      device_id      text        NOT NULL,
      deactivated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, device_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE deactivated_devices`.execute(db);
  await sql`DROP TABLE refresh_tokens`.execute(db);
  await sql`DROP TABLE accounts`.execute(db);
}
