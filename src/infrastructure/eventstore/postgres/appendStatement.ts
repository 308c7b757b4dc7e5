import { canonicalText } from '../../../application/audit/canonical.js';
import type { KeyAnswer, NewEvent, StreamAt } from '../../../application/ports/eventStore.js';

/** One parameterized statement, named so a server prepares it once per connection. */
export type AppendStatement = Readonly<{ name: string; text: string; values: unknown[] }>;

/**
 * The one statement an append is (one round trip, one commit): the append function of
 * migration 0001, or its `_if` twin of migration 0009 when other streams must be unchanged or a
 * key's answer is kept with the events. The answer is written by a data-modifying CTE that
 * joins the function's row, so it runs after the events are inserted (the append stays the first
 * write of its transaction) and only when they were: a replay, a refusal or a key whose claim
 * was taken over records nothing (`answered` is then 0).
 */
export function appendStatement(
  streamId: string,
  expected: number,
  tenantId: string,
  events: readonly NewEvent[],
  unchanged: readonly StreamAt[],
  answer: KeyAnswer | undefined,
): AppendStatement {
  const single = events.length === 1 ? events[0] : undefined;
  const conditional = unchanged.length > 0 || answer !== undefined;
  const values: unknown[] = single
    ? [
        streamId, expected, tenantId, single.eventId, single.type, single.schemaVersion,
        canonicalText(single.data), canonicalText(single.metadata), single.occurredAt.toISOString(),
      ]
    : [streamId, expected, tenantId, payloadOf(events)];
  const name = single ? 'ts_append_event' : 'ts_append_to_stream';
  const parameters = single ? '$1, $2, $3, $4::uuid, $5, $6::integer, $7::json, $8::json, $9::timestamptz' : '$1, $2, $3, $4::jsonb';
  if (!conditional) {
    return { name, text: `SELECT outcome, revision::text, transaction_id::text, global_position::text FROM ${name}(${parameters})`, values };
  }
  const at = values.length;
  values.push(unchanged.map((s) => s.streamId), unchanged.map((s) => s.revision ?? -1));
  const call = `${name}_if(${parameters}, $${at + 1}::text[], $${at + 2}::bigint[])`;
  if (!answer) {
    return {
      name: `${name}_if`,
      text: `SELECT outcome, revision::text, transaction_id::text, global_position::text, moved_stream FROM ${call}`,
      values,
    };
  }
  const k = values.length;
  values.push(answer.tenantId, answer.deviceId, answer.key, answer.claimToken, answer.status, answer.bodyBefore, answer.bodyAfter, JSON.stringify(answer.headers));
  return {
    name: `${name}_answered`,
    text: `WITH a AS (SELECT * FROM ${call}),
                k AS (UPDATE idempotency_keys i
                         SET state = 'completed', response_status = $${k + 5},
                             response_body = ($${k + 6} || a.transaction_id::text || '.' || a.global_position::text || $${k + 7})::json,
                             response_headers = $${k + 8}::json, locked_until = now()
                        FROM a
                       WHERE a.outcome = 'appended' AND i.tenant_id = $${k + 1} AND i.device_id = $${k + 2} AND i.key = $${k + 3}
                         AND i.state = 'in_flight' AND i.claim_token = $${k + 4}::uuid
                   RETURNING 1)
           SELECT a.outcome, a.revision::text, a.transaction_id::text, a.global_position::text, a.moved_stream,
                  (SELECT count(*) FROM k)::integer AS answered
             FROM a`,
    values,
  };
}

/**
 * The events of a multi-event append as the JSON array ts_append_to_stream takes: data and
 * metadata as strings of their canonical text, which the function stores and hashes verbatim
 * (as objects they would pass through jsonb and come out re-serialized).
 */
export function payloadOf(events: readonly NewEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      occurredAt: e.occurredAt.toISOString(),
      data: canonicalText(e.data),
      metadata: canonicalText(e.metadata),
    })),
  );
}
