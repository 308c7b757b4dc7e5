import { SignJWT, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_KID_PREFIX, loadConfig } from '../../src/infrastructure/config/config.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { KeySetRefused, generateSigningKey, promoteKey, retireKey, withNewKey } from '../../src/infrastructure/auth/signingKeySet.js';

const NOW = new Date('2026-12-02T08:00:00Z');
// With a master key of personal data that is not the development one, which production refuses.
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://tillstream@db:5432/tillstream', PERSONAL_DATA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64url'), SEALING_KEY: Buffer.alloc(32, 8).toString('base64url') };

const kids = (keys: readonly JWK[]): readonly (string | undefined)[] => keys.map((key) => key.kid);

describe('a generated signing key', () => {
  it('is a private Ed25519 JWK for EdDSA, with a kid that names its day and is no development kid', async () => {
    const key = await generateSigningKey(NOW);
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(key.d).toMatch(/^[\w-]{43}$/);
    expect(key.x).toMatch(/^[\w-]{43}$/);
    expect(key.kid).toMatch(/^2026-12-02-[0-9a-f]{8}$/);
    expect(key.kid?.startsWith(DEVELOPMENT_KID_PREFIX)).toBe(false);
  });

  it('is accepted by the production configuration check and loads as the signer', async () => {
    const keys = [await generateSigningKey(NOW)];
    const config = loadConfig({ ...PRODUCTION, AUTH_SIGNING_KEYS: JSON.stringify(keys) });
    expect(config.auth.signingKeys).toEqual(keys);
    const loaded = await loadSigningKeys(config.auth.signingKeys);
    expect(loaded.development).toBe(false);
    expect(loaded.signer).toMatchObject({ kid: keys[0]?.kid, alg: 'EdDSA' });
    expect(loaded.jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: keys[0]?.x, kid: keys[0]?.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('signs tokens that its public half verifies', async () => {
    const loaded = await loadSigningKeys([await generateSigningKey(NOW)]);
    const token = await new SignJWT({ sub: 'user' }).setProtectedHeader({ alg: loaded.signer.alg, kid: loaded.signer.kid }).sign(loaded.signer.key);
    const verifier = loaded.verifiers.get(loaded.signer.kid);
    if (!verifier) throw new Error('the signer has no verifier');
    const { payload } = await jwtVerify(token, verifier.key, { algorithms: [...loaded.algorithms] });
    expect(payload.sub).toBe('user');
  });

  it('differs at every call', async () => {
    const [first, second] = [await generateSigningKey(NOW), await generateSigningKey(NOW)];
    expect(first.kid).not.toBe(second.kid);
    expect(first.d).not.toBe(second.d);
  });
});

describe('rotating a key set', () => {
  it('adds a new key second: the current key keeps signing, the new one already verifies', async () => {
    const [current, next] = [await generateSigningKey(NOW), await generateSigningKey(NOW)];
    const rotated = withNewKey([current], next);
    expect(kids(rotated)).toEqual([current.kid, next.kid]);
    const loaded = await loadSigningKeys(loadConfig({ ...PRODUCTION, AUTH_SIGNING_KEYS: JSON.stringify(rotated) }).auth.signingKeys);
    expect(loaded.signer.kid).toBe(current.kid);
    expect([...loaded.verifiers.keys()]).toEqual([current.kid, next.kid]);
  });

  it('promotes a key to signer, then retires the old one', async () => {
    const [old, next] = [await generateSigningKey(NOW), await generateSigningKey(NOW)];
    const promoted = promoteKey([old, next], next.kid ?? '');
    expect(kids(promoted)).toEqual([next.kid, old.kid]);
    expect(kids(retireKey(promoted, old.kid ?? ''))).toEqual([next.kid]);
  });

  it('refuses what would break sign-in: an unknown kid, retiring the signer or the last key', async () => {
    const [signer, other] = [await generateSigningKey(NOW), await generateSigningKey(NOW)];
    expect(() => promoteKey([signer, other], 'nope')).toThrow(KeySetRefused);
    expect(() => retireKey([signer, other], 'nope')).toThrow(KeySetRefused);
    expect(() => retireKey([signer, other], signer.kid ?? '')).toThrow(/signs access tokens/);
    expect(() => retireKey([signer], signer.kid ?? '')).toThrow(KeySetRefused);
    expect(() => withNewKey([signer], { ...other, kid: signer.kid })).toThrow(/already/);
  });
});
