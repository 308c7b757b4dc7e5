import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * Making and rotating the private JWK set of AUTH_SIGNING_KEYS (`tillstream keys ...`). Pure list
 * operations over JWKs, so each step of a rotation can be printed, checked and pasted by an operator;
 * the order is the contract of signingKeys.ts: the first key signs, every key verifies.
 */

export class KeySetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetRefused';
  }
}

/**
 * A new Ed25519 private JWK for EdDSA. Its kid is the day it was made plus 32 random bits: it tells an
 * operator which key is older, and can never start with the development prefix production refuses.
 */
export async function generateSigningKey(now: Date): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { kty, crv, x, d } = await exportJWK(privateKey);
  return { kty, crv, x, d, kid: `${now.toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`, alg: 'EdDSA' };
}

/** Step 1 of a rotation: the new key goes second, so it verifies (JWKS lists it) before it signs. */
export function withNewKey(current: readonly JWK[], key: JWK): JWK[] {
  const [signer, ...rest] = current;
  if (!signer) return [key];
  if (current.some((existing) => existing.kid === key.kid)) throw new KeySetRefused(`A key ${String(key.kid)} is already in the set`);
  return [signer, key, ...rest];
}

/** Step 2, once JWKS caches have the new key (5 minutes): it moves first and signs from then on. */
export function promoteKey(current: readonly JWK[], kid: string): JWK[] {
  const key = find(current, kid);
  return [key, ...current.filter((existing) => existing !== key)];
}

/** Step 3, once every token the old key signed has expired (ACCESS_TOKEN_TTL_SECONDS): it goes. */
export function retireKey(current: readonly JWK[], kid: string): JWK[] {
  const key = find(current, kid);
  if (key === current[0]) {
    throw new KeySetRefused(`Key ${kid} signs access tokens: promote another key first, and retire ${kid} once its tokens have expired`);
  }
  return current.filter((existing) => existing !== key);
}

function find(current: readonly JWK[], kid: string): JWK {
  const key = current.find((existing) => existing.kid === kid);
  if (!key) throw new KeySetRefused(`No key ${kid} in AUTH_SIGNING_KEYS; its kids: ${current.map((existing) => String(existing.kid)).join(', ')}`);
  return key;
}
