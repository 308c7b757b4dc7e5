import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { DEVELOPMENT_KID_PREFIX } from '../config/config.js';

type Key = Readonly<{ kid: string; alg: string; key: CryptoKey | Uint8Array }>;

/**
 * The keys access tokens are signed and verified with. Rotation without downtime: publish a new
 * key second (it verifies, JWKS lists it), then move it first (it signs), and drop the old one
 * once every token it signed has expired (ACCESS_TOKEN_TTL_SECONDS later).
 */
export type SigningKeys = Readonly<{
  signer: Key;
  /** Every configured key by kid; a token naming any other kid is refused. */
  verifiers: ReadonlyMap<string, Key>;
  /** The algorithms verification accepts: only those of the configured keys. */
  algorithms: readonly string[];
  /** Public halves only, for /.well-known/jwks.json. */
  jwks: Readonly<{ keys: readonly JWK[] }>;
  /** True when the key was generated at start (development and tests). */
  development: boolean;
}>;

/** The public members of the asymmetric key types allowed; everything else (d, p, q...) stays out. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg'] as const;

/** Imports the configured private JWKs, or generates a development Ed25519 key when none are. */
export async function loadSigningKeys(configured: readonly JWK[] | null): Promise<SigningKeys> {
  const privateJwks = configured ?? [await developmentKey()];
  const pairs = await Promise.all(privateJwks.map(importPair));
  const [first] = pairs;
  if (!first) throw new Error('AUTH_SIGNING_KEYS: at least one key is needed');
  return {
    signer: first.signer,
    verifiers: new Map(pairs.map((pair) => [pair.verifier.kid, pair.verifier])),
    algorithms: [...new Set(pairs.map((pair) => pair.verifier.alg))],
    jwks: { keys: pairs.map((pair) => pair.publicJwk) },
    development: configured === null,
  };
}

async function importPair(jwk: JWK): Promise<{ signer: Key; verifier: Key; publicJwk: JWK }> {
  const { kid, alg } = jwk;
  if (!kid || !alg) throw new Error('AUTH_SIGNING_KEYS: every key needs a kid and an alg');
  const publicJwk: JWK = { ...Object.fromEntries(PUBLIC_MEMBERS.flatMap((name) => (jwk[name] === undefined ? [] : [[name, jwk[name]]]))), use: 'sig' };
  try {
    return {
      signer: { kid, alg, key: await importJWK(jwk, alg) },
      verifier: { kid, alg, key: await importJWK(publicJwk, alg) },
      publicJwk,
    };
  } catch (error) {
    // The message names the key, never its material.
    throw new Error(`AUTH_SIGNING_KEYS: key ${kid} cannot be used for ${alg}`, { cause: error });
  }
}

async function developmentKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `${DEVELOPMENT_KID_PREFIX}${randomUUID()}`, alg: 'EdDSA' };
}
