import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per Idempotency-Key of a tenant's device (device '' for callers without one).
  // response_body is json, not jsonb: a replay sends back the stored bytes as they were.
  // claim_token names the attempt that holds the lease, so a slow attempt whose lease was taken
  // over cannot complete or release the row under the attempt that took it over.
  await sql`
    CREATE TABLE idempotency_keys (
      tenant_id        text        NOT NULL,
      device_id        text        NOT NULL,
      key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
      request_hash     text        NOT NULL,
      state            text        NOT NULL CHECK (state IN ('in_flight', 'completed')),
      claim_token      uuid        NOT NULL,
      response_status  integer,
      response_body    json,
      response_headers json,
      locked_until     timestamptz NOT NULL,
      created_at       timestamptz NOT NULL,
      expires_at       timestamptz NOT NULL,
      CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, device_id, key),
      CONSTRAINT idempotency_keys_completed_has_status CHECK (state = 'in_flight' OR response_status IS NOT NULL)
    )`.execute(db);
  // The purge deletes by expiry; without the index it would scan every key of every till.
  await sql`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS idempotency_keys`.execute(db);
}
