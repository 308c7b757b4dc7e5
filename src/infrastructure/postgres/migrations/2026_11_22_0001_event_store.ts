import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The primary key is the global order (ADR 0003): read-all and subscriptions walk it.
  // data and metadata are json, not jsonb: kept byte for byte as written (what a hash chain
  // signs), cheaper to take in and to hand out; nothing queries inside them in place.
  await sql`
    CREATE TABLE events (
      transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
      global_position bigint      GENERATED ALWAYS AS IDENTITY,
      event_id        uuid        NOT NULL,
      stream_id       text        NOT NULL,
      stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
      tenant_id       text        NOT NULL,
      type            text        NOT NULL,
      schema_version  integer     NOT NULL CHECK (schema_version >= 1),
      data            json        NOT NULL,
      metadata        json        NOT NULL,
      occurred_at     timestamptz NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position),
      CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
      CONSTRAINT events_event_id_key UNIQUE (event_id)
    )`.execute(db);

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
   * Whether an append of `p_events` already happened at this place: the same ids, in the same
   * order, at consecutive revisions of this stream, where `p_expected` says they belong.
   * Returns a 'replayed' row with the original result, a 'duplicate_event_id' row when the
   * first id is stored but elsewhere, and no row when the first id is not stored.
   * p_expected: -1 any, -2 no stream, -3 stream exists, n >= 0 exact revision.
   */
  await sql`
    CREATE FUNCTION ts_replayed_append(p_stream_id text, p_expected bigint, p_events jsonb)
    RETURNS TABLE (outcome text, revision bigint, transaction_id xid8, global_position bigint)
    LANGUAGE plpgsql STABLE AS $$
    #variable_conflict use_column
    DECLARE
      v_count   integer := jsonb_array_length(p_events);
      v_first   record;
      v_matches integer;
    BEGIN
      SELECT e.stream_id, e.stream_revision INTO v_first FROM events e WHERE e.event_id = (p_events -> 0 ->> 'eventId')::uuid;
      IF NOT FOUND THEN
        RETURN;
      END IF;
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
    END $$`.execute(db);

  /*
   * One round trip per append. Under a per-stream advisory lock it checks the expected revision
   * and only then inserts, so no global position is drawn for an append that fails. The happy
   * path does no idempotency lookup: a retried append either fails the revision check (and is
   * recognised here as a replay) or hits the unique event id, after which the caller asks
   * ts_replayed_append.
   *
   * Answers one row (outcome, revision, transaction_id, global_position): 'appended', 'replayed',
   * 'duplicate_event_id', or 'wrong_expected_revision' with the actual revision (null when the
   * stream does not exist). ts_append_event is the same for the common single event, with plain
   * parameters instead of a JSON array: no unpacking, a third less work in the database.
   */
  for (const [signature, count, insert] of [
    [
      'ts_append_to_stream(p_stream_id text, p_expected bigint, p_tenant_id text, p_events jsonb',
      'jsonb_array_length(p_events)',
      `WITH inserted AS (
        INSERT INTO events (event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at)
        SELECT (n.ev ->> 'eventId')::uuid, p_stream_id, coalesce(v_current, -1) + n.ord, p_tenant_id,
               n.ev ->> 'type', (n.ev ->> 'schemaVersion')::integer, (n.ev -> 'data')::json, (n.ev -> 'metadata')::json,
               (n.ev ->> 'occurredAt')::timestamptz
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS n(ev, ord)
        RETURNING events.global_position
      )
      SELECT max(i.global_position) INTO global_position FROM inserted i;`,
    ],
    [
      'ts_append_event(p_stream_id text, p_expected bigint, p_tenant_id text, p_event_id uuid, p_type text, ' +
        'p_schema_version integer, p_data json, p_metadata json, p_occurred_at timestamptz',
      '1',
      `INSERT INTO events (event_id, stream_id, stream_revision, tenant_id, type, schema_version, data, metadata, occurred_at)
      VALUES (p_event_id, p_stream_id, coalesce(v_current, -1) + 1, p_tenant_id, p_type, p_schema_version, p_data, p_metadata, p_occurred_at)
      RETURNING events.global_position INTO global_position;`,
    ],
  ] as const) {
    const events = count === '1'
      ? `jsonb_build_array(jsonb_build_object('eventId', p_event_id))`
      : 'p_events';
    await sql.raw(`
    CREATE FUNCTION ${signature},
      OUT outcome text, OUT revision bigint, OUT transaction_id xid8, OUT global_position bigint)
    LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
      v_current bigint;
    BEGIN
      -- The global order is (transaction_id, global_position): it only keeps each
      -- stream in revision order if the transaction id is drawn under the stream lock.
      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'an append must be the first write of its transaction' USING ERRCODE = 'TS002';
      END IF;

      PERFORM pg_advisory_xact_lock(1414745089, hashtext(p_stream_id));

      SELECT max(e.stream_revision) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;

      IF (p_expected = -2 AND v_current IS NOT NULL)
         OR (p_expected = -3 AND v_current IS NULL)
         OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
        SELECT * INTO outcome, revision, transaction_id, global_position
          FROM ts_replayed_append(p_stream_id, p_expected, ${events});
        IF NOT FOUND THEN
          outcome := 'wrong_expected_revision';
          revision := v_current;
        END IF;
        RETURN;
      END IF;

      ${insert}

      outcome := 'appended';
      revision := coalesce(v_current, -1) + ${count};
      transaction_id := pg_current_xact_id();
    END $$`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS ts_append_to_stream(text, bigint, text, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_append_event(text, bigint, text, uuid, text, integer, json, json, timestamptz)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_replayed_append(text, bigint, jsonb)`.execute(db);
  await sql`DROP TABLE IF EXISTS events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_events_are_immutable()`.execute(db);
}
