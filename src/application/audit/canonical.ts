import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The canonical stored form of an event and its chained hash (ADR 0023). One definition, three
 * users: the writer stores data and metadata as RFC 8785 text (`canonicalText`), the PostgreSQL
 * append computes the hash with the same envelope in SQL (migration 0011), and the verifier
 * recomputes it here from the stored columns. An exported event is the same envelope as JSON, so a
 * copy kept outside the database verifies with any RFC 8785 library.
 */

/** RFC 8785 JSON: keys sorted by UTF-16 code units, ECMAScript number and string forms, no spaces. */
export function canonicalText(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new RangeError(`not canonicalizable JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new RangeError('not canonicalizable JSON: undefined');
  return text;
}

/** The fields the envelope holds, as stored: data and metadata as their stored (canonical) text. */
export type EnvelopeFields = Readonly<{
  streamId: string;
  revision: number | bigint | string;
  /** Lower-case, as PostgreSQL prints a uuid. */
  eventId: string;
  tenantId: string;
  type: string;
  schemaVersion: number | string;
  dataText: string;
  metadataText: string;
  /** `YYYY-MM-DDTHH:mm:ss.sssZ` (Date#toISOString). */
  occurredAt: string;
  recordedAt: string;
}>;

/**
 * The envelope text, keys in RFC 8785 order, exactly as `ts_event_envelope` builds it. It is
 * `canonicalText` of the envelope object whenever data and metadata are canonical (tested).
 */
export function envelopeText(f: EnvelopeFields): string {
  return (
    `{"data":${f.dataText},"eventId":"${f.eventId}","metadata":${f.metadataText},"occurredAt":"${f.occurredAt}",` +
    `"recordedAt":"${f.recordedAt}","schemaVersion":${String(f.schemaVersion)},"streamId":${JSON.stringify(f.streamId)},` +
    `"streamRevision":${String(f.revision)},"tenantId":${JSON.stringify(f.tenantId)},"type":${JSON.stringify(f.type)}}`
  );
}

/** What revision 0 chains to. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** SHA-256 over the predecessor's hash (genesis for revision 0) and the envelope's UTF-8 bytes. */
export function chainedHash(previous: Uint8Array | null, envelope: string): Buffer {
  return createHash('sha256').update(previous ?? GENESIS_HASH).update(envelope, 'utf8').digest();
}

/**
 * `chainedHash(previous, envelopeText(f))` without building the envelope: the parts go to the
 * hash as they are (the verifier's hot path; the data is most of an envelope's bytes).
 */
export function chainedHashOf(previous: Uint8Array | null, f: EnvelopeFields): Buffer {
  return createHash('sha256')
    .update(previous ?? GENESIS_HASH)
    .update('{"data":')
    .update(f.dataText, 'utf8')
    .update(`,"eventId":"${f.eventId}","metadata":`)
    .update(f.metadataText, 'utf8')
    .update(
      `,"occurredAt":"${f.occurredAt}","recordedAt":"${f.recordedAt}","schemaVersion":${String(f.schemaVersion)},"streamId":${JSON.stringify(f.streamId)},` +
        `"streamRevision":${String(f.revision)},"tenantId":${JSON.stringify(f.tenantId)},"type":${JSON.stringify(f.type)}}`,
      'utf8',
    )
    .digest();
}
