import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  /*
   * The first of `p_streams` whose last revision is not `p_revisions` (-1: the stream must not
   * exist), with its actual revision (null: it does not exist); no row when all hold. Each is
   * one backward step of the (stream_id, stream_revision) index.
   */
  await sql`
    CREATE FUNCTION ts_moved_stream(p_streams text[], p_revisions bigint[])
    RETURNS TABLE (stream_id text, actual bigint)
    LANGUAGE sql STABLE AS $$
      SELECT g.stream_id, a.actual
        FROM unnest(p_streams, p_revisions) AS g(stream_id, expected)
        CROSS JOIN LATERAL (SELECT max(e.stream_revision) AS actual FROM events e WHERE e.stream_id = g.stream_id) a
       WHERE a.actual IS DISTINCT FROM nullif(g.expected, -1)
       LIMIT 1
    $$`.execute(db);

  /*
   * An append decided on other streams too (the tenant a sale is in, the drawer its cash goes
   * to): it is written only if each of them is still at the revision the decision read, in the
   * same statement, so a command can decide on states it holds in memory without reading them
   * first (ADR 0019). When one has moved: 'stream_moved' with that stream and its revision,
   * nothing written. A retry of an append that already happened is still answered 'replayed'.
   * Otherwise exactly ts_append_event / ts_append_to_stream (migration 0001), plus moved_stream.
   */
  for (const [signature, call, events] of [
    [
      'ts_append_event_if(p_stream_id text, p_expected bigint, p_tenant_id text, p_event_id uuid, p_type text, ' +
        'p_schema_version integer, p_data json, p_metadata json, p_occurred_at timestamptz, p_streams text[], p_revisions bigint[]',
      'ts_append_event(p_stream_id, p_expected, p_tenant_id, p_event_id, p_type, p_schema_version, p_data, p_metadata, p_occurred_at)',
      `jsonb_build_array(jsonb_build_object('eventId', p_event_id))`,
    ],
    [
      'ts_append_to_stream_if(p_stream_id text, p_expected bigint, p_tenant_id text, p_events jsonb, p_streams text[], p_revisions bigint[]',
      'ts_append_to_stream(p_stream_id, p_expected, p_tenant_id, p_events)',
      'p_events',
    ],
  ] as const) {
    await sql.raw(`
    CREATE FUNCTION ${signature},
      OUT outcome text, OUT revision bigint, OUT transaction_id xid8, OUT global_position bigint, OUT moved_stream text)
    LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
      v_moved  text;
      v_actual bigint;
    BEGIN
      SELECT m.stream_id, m.actual INTO v_moved, v_actual FROM ts_moved_stream(p_streams, p_revisions) m;
      IF FOUND THEN
        -- A retried append that did happen is a replay, whatever moved since.
        SELECT r.outcome, r.revision, r.transaction_id, r.global_position INTO outcome, revision, transaction_id, global_position
          FROM ts_replayed_append(p_stream_id, p_expected, ${events}) r
         WHERE r.outcome = 'replayed';
        IF NOT FOUND THEN
          outcome := 'stream_moved';
          revision := v_actual;
          moved_stream := v_moved;
        END IF;
        RETURN;
      END IF;
      SELECT a.outcome, a.revision, a.transaction_id, a.global_position INTO outcome, revision, transaction_id, global_position
        FROM ${call} a;
    END $$`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS ts_append_event_if(text, bigint, text, uuid, text, integer, json, json, timestamptz, text[], bigint[])`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_append_to_stream_if(text, bigint, text, jsonb, text[], bigint[])`.execute(db);
  await sql`DROP FUNCTION IF EXISTS ts_moved_stream(text[], bigint[])`.execute(db);
}
