import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { createHashingGate, type HashingGate, type HashingLimits, type HashingObserver } from './hashingGate.js';

/**
 * Passwords and PINs are hashed with scrypt (memory-hard, in node:crypto). The encoding carries
 * its parameters, `scrypt$N$r$p$salt$hash` (base64url), so they can be raised later without
 * breaking stored hashes.
 */
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Every derivation of the process passes this gate (hashingGate.ts says why). */
let gate: HashingGate = createHashingGate();

/** Sets the process's bound on derivations running at once (at start, from the configuration). */
export function configureHashing(limits: HashingLimits, observer?: HashingObserver): void {
  gate = createHashingGate(limits, observer);
}

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return gate.run(() => scryptOnce(secret, salt, options));
}

function scryptOnce(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; node's default ceiling (32 MiB) is exactly too small for N=2^15.
  const maxmem = 256 * (options.N ?? COST) * (options.r ?? BLOCK_SIZE);
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFKC'), salt, KEY_BYTES, { ...options, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `secret` matches `encoded`; a malformed hash never matches. Compares in constant time. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const options = { N: Number(n), r: Number(r), p: Number(p) };
  if (![options.N, options.r, options.p].every(Number.isSafeInteger) || options.N > 2 ** 20 || expected.length !== KEY_BYTES) return false;
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), options);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of nothing anyone knows, verified against when there is no account or no credential, so
 * an unknown email costs the same time as a wrong password (no user enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashSecret(randomBytes(32).toString('base64url'));
  return decoy;
}
