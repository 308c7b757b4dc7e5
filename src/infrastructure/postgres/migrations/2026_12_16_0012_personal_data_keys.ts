import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * Data keys of personal data (ADR 0025): one AES-256 key per person (`employee:<id>`) and
 * version, kept wrapped by a master key that is never in the database, in a table of its own so
 * that forgetting a person is an UPDATE here and never a change to the immutable events. A
 * destroyed key keeps its row as a tombstone (wrapped key and master key id gone, `destroyed_at`
 * set): a forgotten person reads as redacted, which a key that is simply missing must not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE personal_data_keys (
      tenant_id     text        NOT NULL,
      subject_id    text        NOT NULL,
      version       integer     NOT NULL CHECK (version >= 1),
      master_key_id text,
      wrapped_key   bytea,
      created_at    timestamptz NOT NULL DEFAULT now(),
      rewrapped_at  timestamptz,
      destroyed_at  timestamptz,
      CONSTRAINT personal_data_keys_pkey PRIMARY KEY (tenant_id, subject_id, version),
      CONSTRAINT personal_data_keys_live_or_destroyed CHECK (
        (destroyed_at IS NULL AND master_key_id IS NOT NULL AND wrapped_key IS NOT NULL)
        OR (destroyed_at IS NOT NULL AND master_key_id IS NULL AND wrapped_key IS NULL))
    )`.execute(db);
  // Which master keys still wrap something: the start-up check and `keys rewrap` ask it.
  await sql`CREATE INDEX personal_data_keys_master_key ON personal_data_keys (master_key_id) WHERE master_key_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS personal_data_keys`.execute(db);
}
