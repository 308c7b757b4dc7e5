import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * The hash chain (ADR 0023): every event's hash is SHA-256 over its stream predecessor's hash (32
 * zero bytes for revision 0) and the event's canonical envelope, RFC 8785 JSON with the stored
 * data and metadata text verbatim (the writer stores them canonical). The append functions
 * compute it under the stream lock, where the predecessor is read anyway, so a hashed append
 * costs no extra round trip. `src/application/audit/canonical.ts` is the same envelope in
 * TypeScript, which the verifier uses: the two are tested to agree.
 */
/**
 * The envelope as a SQL expression over the given argument expressions: written out where it is
 * used rather than called, so every append evaluates it inline (a called SQL function is not
 * inlined inside PL/pgSQL and cost a fifth of the append rate).
 */
function envelopeSql(a: Readonly<{ streamId: string; revision: string; eventId: string; tenantId: string; type: string; schemaVersion: string; data: string; metadata: string; occurredAt: string; recordedAt: string }>): string {
  const iso = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
  return `'{"data":' || ${a.data}
          || ',"eventId":"' || ${a.eventId}::text
          || '","metadata":' || ${a.metadata}
          || ',"occurredAt":"' || to_char(${a.occurredAt} AT TIME ZONE 'UTC', ${iso})
          || '","recordedAt":"' || to_char(${a.recordedAt} AT TIME ZONE 'UTC', ${iso})
          || '","schemaVersion":' || ${a.schemaVersion}::text
          || ',"streamId":' || to_json(${a.streamId})::text
          || ',"streamRevision":' || ${a.revision}::text
          || ',"tenantId":' || to_json(${a.tenantId})::text
          || ',"type":' || to_json(${a.type})::text
          || '}'`;
}

/** The chained hash as a SQL expression: SHA-256 over the previous hash (32 zero bytes for none) and the envelope's UTF-8. */
function hashSql(previous: string, envelope: string): string {
  return `sha256(coalesce(${previous}, '\\x${'00'.repeat(32)}'::bytea) || convert_to(${envelope}, 'UTF8'))`;
}

/**
 * What both append functions do first, as migration 0001's did (now reading the predecessor's hash
 * with its revision): refuse to be a second write, lock the stream, check the expected revision,
 * and answer a failed check as a replay of `replayed` (the append's events as JSON) or a refusal.
 */
function lockAndCheck(replayed: string): string {
  return `      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'an append must be the first write of its transaction' USING ERRCODE = 'TS002';
      END IF;
      PERFORM pg_advisory_xact_lock(1414745089, hashtext(p_stream_id));
      SELECT e.stream_revision, e.hash INTO v_current, v_previous
        FROM events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_revision DESC LIMIT 1;
      IF (p_expected = -2 AND v_current IS NOT NULL)
         OR (p_expected = -3 AND v_current IS NULL)
         OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
        SELECT * INTO outcome, revision, transaction_id, global_position FROM ts_replayed_append(p_stream_id, p_expected, ${replayed});
        IF NOT FOUND THEN
          outcome := 'wrong_expected_revision';
          revision := v_current;
        END IF;
        RETURN;
      END IF;`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // Stream ids are identifiers, not words: byte order in every database, so a tenant's streams
  // are index ranges by prefix (`order-<tenant>/`) whatever the server's locale.
  await sql`ALTER TABLE events ALTER COLUMN stream_id TYPE text COLLATE "C"`.execute(db);
  // Null only on events written before this migration, until `tillstream audit upgrade` chains them.
  await sql`ALTER TABLE events ADD COLUMN hash bytea`.execute(db);
  // The server's clock to the millisecond: what the envelope hashes, what readers get as a Date.
  await sql`ALTER TABLE events ALTER COLUMN recorded_at SET DEFAULT date_trunc('milliseconds', now())`.execute(db);

  /*
   * One-time rewrites the product does on its stored events, each recorded once done: a database
   * that held events before the chain existed must run `tillstream audit upgrade` (which encrypts
   * their personal data, then chains them) before the API starts on it.
   */
  await sql`
    CREATE TABLE audit_upgrades (
      name         text PRIMARY KEY,
      required_at  timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      details      json
    )`.execute(db);
  await sql`
    INSERT INTO audit_upgrades (name, completed_at)
    SELECT 'hash_chain', CASE WHEN EXISTS (SELECT 1 FROM events) THEN NULL ELSE now() END`.execute(db);

  // The same envelope and hash as functions, for tests and tools that check a stored event in SQL.
  await sql.raw(`
    CREATE FUNCTION ts_event_envelope(p_stream_id text, p_revision bigint, p_event_id uuid, p_tenant_id text, p_type text,
      p_schema_version integer, p_data text, p_metadata text, p_occurred_at timestamptz, p_recorded_at timestamptz)
    RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT ${envelopeSql({ streamId: 'p_stream_id', revision: 'p_revision', eventId: 'p_event_id', tenantId: 'p_tenant_id', type: 'p_type', schemaVersion: 'p_schema_version', data: 'p_data', metadata: 'p_metadata', occurredAt: 'p_occurred_at', recordedAt: 'p_recorded_at' })}
    $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION ts_event_hash(p_previous bytea, p_envelope text)
    RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT ${hashSql('p_previous', 'p_envelope')}
    $$`).execute(db);

  /*
   * Migration 0001's append functions, same signatures and outcomes, now chaining each event to
   * its predecessor. The multi-event payload carries data and metadata as JSON strings holding
   * the canonical text (a jsonb object would be re-serialized); objects, from a process not yet
   * upgraded, are still taken.
   */
  await sql.raw(`
    CREATE OR REPLACE FUNCTION ts_append_event(p_stream_id text, p_expected bigint, p_tenant_id text, p_event_id uuid, p_type text,
      p_schema_version integer, p_data json, p_metadata json, p_occurred_at timestamptz,
      OUT outcome text, OUT revision bigint, OUT transaction_id xid8, OUT global_position bigint)
    LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
      v_current  bigint;
      v_previous bytea;
      v_recorded timestamptz := date_trunc('milliseconds', now());
    BEGIN
${lockAndCheck("jsonb_build_array(jsonb_build_object('eventId', p_event_id))")}
      revision := coalesce(v_current, -1) + 1;
      INSERT INTO events (event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at, recorded_at, hash)
      VALUES (p_event_id, p_stream_id, revision, p_tenant_id, p_type, p_schema_version, p_data, p_metadata, p_occurred_at, v_recorded,
              ${hashSql('v_previous', envelopeSql({ streamId: 'p_stream_id', revision: 'revision', eventId: 'p_event_id', tenantId: 'p_tenant_id', type: 'p_type', schemaVersion: 'p_schema_version', data: 'p_data::text', metadata: 'p_metadata::text', occurredAt: 'p_occurred_at', recordedAt: 'v_recorded' }))})
      RETURNING events.global_position INTO global_position;
      outcome := 'appended';
      transaction_id := pg_current_xact_id();
    END $$`).execute(db);

  await sql.raw(`
    CREATE OR REPLACE FUNCTION ts_append_to_stream(p_stream_id text, p_expected bigint, p_tenant_id text, p_events jsonb,
      OUT outcome text, OUT revision bigint, OUT transaction_id xid8, OUT global_position bigint)
    LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
      v_current  bigint;
      v_previous bytea;
      v_recorded timestamptz := date_trunc('milliseconds', now());
      v_event    jsonb;
      v_data     text;
      v_metadata text;
      v_id       uuid;
    BEGIN
${lockAndCheck('p_events')}
      revision := coalesce(v_current, -1);
      FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        revision := revision + 1;
        v_data := CASE jsonb_typeof(v_event -> 'data') WHEN 'string' THEN v_event ->> 'data' ELSE (v_event -> 'data')::text END;
        v_metadata := CASE jsonb_typeof(v_event -> 'metadata') WHEN 'string' THEN v_event ->> 'metadata' ELSE (v_event -> 'metadata')::text END;
        v_id := (v_event ->> 'eventId')::uuid;
        v_previous := ${hashSql('v_previous', envelopeSql({ streamId: 'p_stream_id', revision: 'revision', eventId: 'v_id', tenantId: 'p_tenant_id', type: "(v_event ->> 'type')", schemaVersion: "(v_event ->> 'schemaVersion')::integer", data: 'v_data', metadata: 'v_metadata', occurredAt: "(v_event ->> 'occurredAt')::timestamptz", recordedAt: 'v_recorded' }))};
        INSERT INTO events (event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at, recorded_at, hash)
        VALUES (v_id, p_stream_id, revision, p_tenant_id, v_event ->> 'type', (v_event ->> 'schemaVersion')::integer,
                v_data::json, v_metadata::json, (v_event ->> 'occurredAt')::timestamptz, v_recorded, v_previous)
        RETURNING events.global_position INTO global_position;
      END LOOP;
      outcome := 'appended';
      transaction_id := pg_current_xact_id();
    END $$`).execute(db);

  /*
   * A page of the events of one range of stream ids, in (stream_id, stream_revision) order, as the
   * verifier reads them (ADR 0023): the unique index already holds that order, so the plan must
   * walk it. Without statistics (a table not analyzed yet) the planner guesses a handful of rows
   * and sorts every remaining row of the range for each page instead: the settings forbid it.
   */
  await sql`
    CREATE FUNCTION ts_audit_events(p_from text, p_to text, p_after_stream text, p_after_revision bigint, p_limit integer)
    RETURNS TABLE (stream_id text, revision text, event_id text, tenant_id text, type text, schema_version integer, data text, metadata text,
                   occurred_at text, recorded_at text, transaction_id text, global_position text, hash text)
    LANGUAGE sql STABLE SET enable_sort = off SET enable_bitmapscan = off AS $$
      SELECT e.stream_id, e.stream_revision::text, e.event_id::text, e.tenant_id, e.type, e.schema_version, e.data::text, e.metadata::text,
             to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             e.transaction_id::text, e.global_position::text, encode(e.hash, 'hex')
        FROM events e
       WHERE e.stream_id >= p_from AND e.stream_id < p_to AND (e.stream_id, e.stream_revision) > (p_after_stream, p_after_revision)
       ORDER BY e.stream_id, e.stream_revision
       LIMIT p_limit
    $$`.execute(db);

  /*
   * Each seal's directory of the tenant's stream heads (ADR 0024), as the streams that moved since
   * the seal before: the directory of seal n is, per stream, the row of the highest seal <= n.
   * Kept beside the log, not in it (a tenant has as many heads as streams); the signed Merkle
   * root in the seal event is what makes it trustworthy, so a verifier recomputes it first.
   */
  await sql`
    CREATE TABLE seal_heads (
      tenant_id   text    NOT NULL,
      stream_id   text    COLLATE "C" NOT NULL,
      seal_number integer NOT NULL,
      revision    bigint  NOT NULL,
      head_hash   bytea   NOT NULL,
      PRIMARY KEY (tenant_id, stream_id, seal_number)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS seal_heads`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_audit_events(text, text, text, bigint, integer)`.execute(db);
  await sql`DROP TABLE IF EXISTS audit_upgrades`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_event_hash(bytea, text)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_event_envelope(text, bigint, uuid, text, text, integer, text, text, timestamptz, timestamptz)`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN IF EXISTS hash`.execute(db);
}
