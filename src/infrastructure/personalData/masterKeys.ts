import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PersonalDataConfig } from '../config/config.js';

/**
 * The master key that wraps every data key of personal data (ADR 0025), behind a port so that a
 * KMS can hold it later: the data keys are then wrapped and unwrapped by the KMS, and the master
 * key never enters the process. Async for that reason, although the configured keys are local.
 */
export interface MasterKeyProvider {
  /** Id of the key new data keys are wrapped with (a KMS key id later; today a fingerprint). */
  readonly currentId: string;
  /** Ids of every key that unwraps: the current one and those being rotated out. */
  readonly knownIds: ReadonlySet<string>;
  /** Wraps a data key with the current master key, bound to the row it is stored in. */
  wrap(dataKey: Uint8Array, row: WrappedKeyRow): Promise<Readonly<{ masterKeyId: string; wrapped: Buffer }>>;
  /** @throws UnknownMasterKeyError for an id not in `knownIds`; an Error when the wrapped key does not open. */
  unwrap(masterKeyId: string, wrapped: Uint8Array, row: WrappedKeyRow): Promise<Buffer>;
}

/** The data key row a wrapped key belongs to, bound in as associated data: a wrapped key copied to another row does not open. */
export type WrappedKeyRow = Readonly<{ tenantId: string; subjectId: string; version: number }>;

export class UnknownMasterKeyError extends Error {
  constructor(readonly masterKeyId: string) {
    super(`A data key is wrapped by master key ${masterKeyId}, which is not configured: put it back in PERSONAL_DATA_PREVIOUS_MASTER_KEYS`);
    this.name = 'UnknownMasterKeyError';
  }
}

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A master key's id: a keyed fingerprint (HMAC of a fixed label under the key), stored beside each
 * data key it wraps. It names the key without revealing it, and two configurations agree on it.
 */
export function masterKeyId(key: Uint8Array): string {
  return createHmac('sha256', key).update('tillstream personal data master key id').digest('hex').slice(0, 16);
}

/** A new random master key, as PERSONAL_DATA_MASTER_KEY takes it. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

function decodeKey(text: string): Buffer {
  const key = Buffer.from(text, 'base64url');
  if (key.length !== KEY_BYTES) throw new RangeError(`a master key is ${KEY_BYTES} bytes`);
  return key;
}

function rowBinding(row: WrappedKeyRow): Buffer {
  return Buffer.from(JSON.stringify(['tillstream/data-key/v1', row.tenantId, row.subjectId, row.version]), 'utf8');
}

/** The master keys of the configuration: PERSONAL_DATA_MASTER_KEY wraps, it and the previous ones unwrap. */
export function configuredMasterKeys(config: Pick<PersonalDataConfig, 'masterKey' | 'previousMasterKeys'>): MasterKeyProvider {
  const current = decodeKey(config.masterKey);
  const currentId = masterKeyId(current);
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const text of config.previousMasterKeys) {
    const key = decodeKey(text);
    keys.set(masterKeyId(key), key);
  }
  return {
    currentId,
    knownIds: new Set(keys.keys()),
    wrap(dataKey, row) {
      // AES-256-GCM key wrapping (NIST SP 800-38F's authenticated-encryption option): nonce | wrapped | tag.
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(rowBinding(row));
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return Promise.resolve({ masterKeyId: currentId, wrapped: Buffer.concat([nonce, body, cipher.getAuthTag()]) });
    },
    unwrap(id, wrapped, row) {
      const key = keys.get(id);
      if (!key) return Promise.reject(new UnknownMasterKeyError(id));
      const bytes = Buffer.from(wrapped);
      if (bytes.length !== NONCE_BYTES + KEY_BYTES + TAG_BYTES) return Promise.reject(new Error(`the wrapped data key of ${row.subjectId} v${row.version} is malformed`));
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(rowBinding(row));
      decipher.setAuthTag(bytes.subarray(NONCE_BYTES + KEY_BYTES));
      try {
        return Promise.resolve(Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES)), decipher.final()]));
      } catch {
        return Promise.reject(new Error(`the wrapped data key of ${row.subjectId} v${row.version} does not open under master key ${id}`));
      }
    },
  };
}
