import { describe, expect, it } from 'vitest';
import { signAccessToken, type AccessClaims } from '../../src/infrastructure/auth/accessTokens.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { createTokenVerifier } from '../../src/infrastructure/auth/verifiedTokens.js';

const settings = { issuer: 'tillstream', audience: 'tillstream-api', accessTokenTtlSeconds: 900 };
const claims: AccessClaims = { userId: 'u-1', tenantId: 't-1', role: 'cashier', employeeId: 'e-1', deviceId: 'till-1', branchIds: ['b-1'], supportSessionId: null };

describe('access tokens verified once per process', () => {
  it('a held token is valid exactly while a full verification would take it', async () => {
    const keys = await loadSigningKeys(null);
    const issuedAt = new Date('2026-12-14T09:00:00.000Z');
    const token = await signAccessToken(keys, settings, claims, issuedAt, 'jti-1');
    const verify = createTokenVerifier(keys, settings);
    const at = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);

    expect(await verify(token, at(0))).toEqual(claims);
    expect(await verify(token, at(899.9))).toEqual(claims);
    // exp is iat + 900: from that second on the token is refused, held or not.
    await expect(verify(token, at(900))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(createTokenVerifier(keys, settings)(token, at(900))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    // A clock set back before its issue: refused as well.
    await expect(verify(token, at(-1))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await verify(token, at(1))).toEqual(claims);
  });

  it('a token another key signed, or altered, is refused every time and never held', async () => {
    const keys = await loadSigningKeys(null);
    const other = await loadSigningKeys(null);
    const now = new Date();
    const verify = createTokenVerifier(keys, settings);
    const foreign = await signAccessToken(other, settings, claims, now, 'jti-2');
    for (let i = 0; i < 2; i++) await expect(verify(foreign, now)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const token = await signAccessToken(keys, settings, claims, now, 'jti-3');
    await verify(token, now);
    const [header, payload, signature] = token.split('.');
    const sig = signature ?? '';
    const altered = `${header}.${payload}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    await expect(verify(altered, now)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
