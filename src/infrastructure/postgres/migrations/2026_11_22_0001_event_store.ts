import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
      event_id        uuid        NOT NULL,
      stream_id       text        NOT NULL,
      stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
      tenant_id       text        NOT NULL,
      type            text        NOT NULL,
      schema_version  integer     NOT NULL CHECK (schema_version >= 1),
      data            jsonb       NOT NULL,
      metadata        jsonb       NOT NULL,
      occurred_at     timestamptz NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
      CONSTRAINT events_event_id_key UNIQUE (event_id)
    )`.execute(db);

  // Read-all and subscriptions walk this index (ADR 0003).
  await sql`CREATE INDEX events_global_order_idx ON events (transaction_id, global_position)`.execute(db);

  // Events are facts: the store itself refuses to change or remove them.
  await sql`
    CREATE FUNCTION ts_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are immutable' USING ERRCODE = 'TS001';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION ts_events_are_immutable()`.execute(db);
  await sql`
    CREATE TRIGGER events_not_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION ts_events_are_immutable()`.execute(db);

  /*
   * One round trip per append. Under a per-stream advisory lock it checks for a
   * replay of the same event ids, then the expected revision, and only then
   * inserts, so no global position is drawn for an append that fails.
   *
   * p_expected: -1 any, -2 no stream, -3 stream exists, n >= 0 exact revision.
   * Returns (outcome, revision, transaction_id, global_position) where outcome is
   * 'appended', 'replayed', 'wrong_expected_revision' (revision = actual, or null
   * when the stream does not exist) or 'duplicate_event_id'.
   */
  await sql`
    CREATE FUNCTION ts_append_to_stream(p_stream_id text, p_expected bigint, p_tenant_id text, p_events jsonb)
    RETURNS TABLE (outcome text, revision bigint, transaction_id xid8, global_position bigint)
    LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
      v_count    integer := jsonb_array_length(p_events);
      v_first_id uuid    := (p_events -> 0 ->> 'eventId')::uuid;
      v_current  bigint;
      v_first    record;
      v_matches  integer;
    BEGIN
      -- The global order is (transaction_id, global_position): it only keeps each
      -- stream in revision order if the transaction id is drawn under the stream lock.
      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'an append must be the first write of its transaction' USING ERRCODE = 'TS002';
      END IF;

      PERFORM pg_advisory_xact_lock(1414745089, hashtext(p_stream_id));

      SELECT e.stream_id, e.stream_revision INTO v_first FROM events e WHERE e.event_id = v_first_id;
      IF FOUND THEN
        SELECT count(*) INTO v_matches
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS n(ev, ord)
          JOIN events e ON e.event_id = (n.ev ->> 'eventId')::uuid
         WHERE e.stream_id = p_stream_id AND e.stream_revision = v_first.stream_revision + n.ord - 1;
        IF v_first.stream_id = p_stream_id AND v_matches = v_count
           AND (p_expected = -1
             OR (p_expected = -2 AND v_first.stream_revision = 0)
             OR (p_expected = -3 AND v_first.stream_revision > 0)
             OR (p_expected >= 0 AND v_first.stream_revision = p_expected + 1)) THEN
          RETURN QUERY
            SELECT 'replayed'::text, e.stream_revision, e.transaction_id, e.global_position
              FROM events e
             WHERE e.stream_id = p_stream_id AND e.stream_revision = v_first.stream_revision + v_count - 1;
        ELSE
          RETURN QUERY SELECT 'duplicate_event_id'::text, NULL::bigint, NULL::xid8, NULL::bigint;
        END IF;
        RETURN;
      END IF;

      SELECT max(e.stream_revision) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;

      IF (p_expected = -2 AND v_current IS NOT NULL)
         OR (p_expected = -3 AND v_current IS NULL)
         OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
        RETURN QUERY SELECT 'wrong_expected_revision'::text, v_current, NULL::xid8, NULL::bigint;
        RETURN;
      END IF;

      RETURN QUERY
        WITH inserted AS (
          INSERT INTO events (event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at)
          SELECT (n.ev ->> 'eventId')::uuid, p_stream_id, coalesce(v_current, -1) + n.ord, p_tenant_id,
                 n.ev ->> 'type', (n.ev ->> 'schemaVersion')::integer, n.ev -> 'data', n.ev -> 'metadata',
                 (n.ev ->> 'occurredAt')::timestamptz
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS n(ev, ord)
          RETURNING events.stream_revision, events.transaction_id, events.global_position
        )
        SELECT 'appended'::text, i.stream_revision, i.transaction_id, i.global_position
          FROM inserted i ORDER BY i.global_position DESC LIMIT 1;
    END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS ts_append_to_stream(text, bigint, text, jsonb)`.execute(db);
  await sql`DROP TABLE IF EXISTS events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_events_are_immutable()`.execute(db);
}
