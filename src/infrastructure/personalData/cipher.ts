import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PersonalDataIntegrityError, type CipherBinding } from '../../application/ports/personalData.js';

/*
 * The encrypted form of a personal field (ADR 0025): `v1.<keyVersion>.<base64url(nonce | ciphertext | tag)>`,
 * AES-256-GCM with a random 96-bit nonce and a 128-bit tag. The key version is in the clear so a
 * reader knows which of the subject's data keys to use; it is also authenticated, with the
 * tenant, stream, event id and field, as associated data. A data key encrypts at most a handful of
 * values (one hire today), far below the 2^32 random nonces GCM allows per key.
 */

const FORMAT = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENCRYPTED = /^v1\.([1-9]\d{0,8})\.([A-Za-z0-9_-]+)$/;

export type ParsedCiphertext = Readonly<{ keyVersion: number; payload: Buffer }>;

/** The key version and bytes of a encrypted text; undefined when it is not one. */
export function parseCiphertext(encrypted: string): ParsedCiphertext | undefined {
  const match = ENCRYPTED.exec(encrypted);
  if (!match?.[1] || !match[2]) return undefined;
  const payload = Buffer.from(match[2], 'base64url');
  if (payload.length < NONCE_BYTES + TAG_BYTES) return undefined;
  return { keyVersion: Number(match[1]), payload };
}

/**
 * What the ciphertext is bound to. The event id is lower-cased as PostgreSQL prints a uuid, so a
 * value encrypted before the append decrypts after the read. A JSON array: no separator to forge.
 */
function associatedData(binding: CipherBinding, keyVersion: number): Buffer {
  return Buffer.from(JSON.stringify([`tillstream/personal-data/${FORMAT}`, binding.tenantId, binding.streamId, binding.eventId.toLowerCase(), binding.field, keyVersion]), 'utf8');
}

export function encryptField(key: Uint8Array, keyVersion: number, binding: CipherBinding, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding, keyVersion));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${FORMAT}.${keyVersion}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/**
 * The plaintext of a encrypted text under the key of its version.
 * @throws PersonalDataIntegrityError when it was altered or belongs to another binding. The
 * message names the place, never the content.
 */
export function decryptField(key: Uint8Array, binding: CipherBinding, parsed: ParsedCiphertext): string {
  const { payload, keyVersion } = parsed;
  const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(binding, keyVersion));
  decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(payload.subarray(NONCE_BYTES, payload.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PersonalDataIntegrityError(`${binding.field} of event ${binding.eventId} in ${binding.streamId} does not open: altered, or moved from another event`);
  }
}
