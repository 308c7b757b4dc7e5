import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { SealingKeys } from '../../application/ports/sealingKeys.js';

/**
 * Ed25519 sealing keys from configuration (ADR 0024): SEALING_KEY signs, its public key and those
 * of SEALING_TRUSTED_KEYS (keys retired by a rotation, whose seals must still verify) check.
 * A KMS or a fiscal signing device is another implementation of the same port.
 */

/** PKCS #8 DER of an Ed25519 private key is this prefix and the 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER of an Ed25519 public key is this prefix and the 32 raw bytes. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A development seed anyone can read here: seals signed with it prove nothing, and production
 * refuses to start with it (config.ts). Derived, not random, so a development database keeps
 * verifying across restarts.
 */
export const DEVELOPMENT_SEALING_SEED = createHash('sha256').update('tillstream development sealing key, not a secret').digest();
export const DEVELOPMENT_KEY_ID_PREFIX = 'dev-';

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** A key's id: the first 16 hex digits of SHA-256 over its raw public key (prefixed for the development key). */
export function keyIdOf(publicRaw: Uint8Array, development = false): string {
  return `${development ? DEVELOPMENT_KEY_ID_PREFIX : ''}ed25519-${createHash('sha256').update(publicRaw).digest('hex').slice(0, 16)}`;
}

export type SealingKeyConfig = Readonly<{ seed: Uint8Array | null; trusted: readonly Uint8Array[] }>;

export function loadSealingKeys(config: SealingKeyConfig): SealingKeys {
  const development = config.seed === null || Buffer.from(config.seed).equals(DEVELOPMENT_SEALING_SEED);
  const privateKey = privateKeyFromSeed(config.seed ?? DEVELOPMENT_SEALING_SEED);
  const ownRaw = rawPublicKey(privateKey);
  const keyId = keyIdOf(ownRaw, development);
  const trusted = new Map<string, KeyObject>([[keyId, publicKeyFromRaw(ownRaw)]]);
  for (const raw of config.trusted) trusted.set(keyIdOf(raw), publicKeyFromRaw(raw));
  return {
    development,
    signer: {
      keyId,
      algorithm: 'Ed25519',
      sign: (message) => Promise.resolve(sign(null, message, privateKey)),
    },
    verifier: {
      verify(id, message, signature) {
        const key = trusted.get(id);
        if (!key || signature.length !== 64) return Promise.resolve(false);
        return Promise.resolve(verify(null, message, key, signature));
      },
    },
  };
}
