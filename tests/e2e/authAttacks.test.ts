import { SignJWT, base64url, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, type AccessClaims } from '../../src/infrastructure/auth/accessTokens.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { authHarness, openDatabase, PASSWORD, privateJwk, seedUser, SETTINGS, type AuthHarness, type SeededUser, type Tokens } from './authHarness.js';

let db: Kysely<Database>;
let current: JWK;
let older: JWK;
let h: AuthHarness;
let user: SeededUser;

beforeAll(async () => {
  db = await openDatabase();
  [current, older] = await Promise.all([privateJwk('key-2026-11', 'EdDSA'), privateJwk('key-2026-05', 'ES256')]);
  h = await authHarness(db, { signingKeys: [current, older] });
  user = await seedUser(h.accounts);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});

const whoami = (authorization?: string) =>
  h.app.inject({ method: 'GET', url: '/v1/whoami', headers: authorization === undefined ? {} : { authorization } });

function claimsOf(u: SeededUser): AccessClaims {
  return { userId: u.userId, tenantId: u.tenantId, role: 'cashier', employeeId: u.employeeId, deviceId: null, branchIds: ['branch-1'] };
}

async function validToken(): Promise<string> {
  const response = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  return response.json<Tokens>().accessToken;
}

const part = (value: object) => base64url.encode(JSON.stringify(value));

describe('the authenticator refuses with 401', () => {
  it('accepts a genuine token (control)', async () => {
    expect((await whoami(`Bearer ${await validToken()}`)).statusCode).toBe(200);
  });

  it('a missing, garbled or non-bearer Authorization header', async () => {
    const token = await validToken();
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer abc', `Basic ${token}`, `Bearer ${token}x.y`, `Bearer ${'a'.repeat(9000)}.b.c`]) {
      const response = await whoami(header);
      expect(response.statusCode, String(header).slice(0, 40)).toBe(401);
      expect(response.json<{ code: string }>().code).toMatch(/^(UNAUTHENTICATED|INVALID_TOKEN)$/);
    }
  });

  it('a tampered payload', async () => {
    const [header, payload, signature] = (await validToken()).split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const tampered = part({ ...claims, role: 'tenant_admin' });
    expect(tampered).not.toBe(payload);
    expect((await whoami(`Bearer ${header}.${tampered}.${signature}`)).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('alg none, with or without a signature', async () => {
    const payload = (await validToken()).split('.')[1] ?? '';
    const header = part({ alg: 'none', typ: 'at+jwt', kid: 'key-2026-11' });
    expect((await whoami(`Bearer ${header}.${payload}.`)).statusCode).toBe(401);
    expect((await whoami(`Bearer ${header}.${payload}.AAAA`)).statusCode).toBe(401);
  });

  it('HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const publicJwk = h.keys.jwks.keys[0];
    for (const secret of [JSON.stringify(publicJwk), publicJwk?.x ?? '']) {
      const forged = await new SignJWT({ token_use: 'access', tenant_id: user.tenantId, role: 'cashier', employee_id: user.employeeId, device_id: null, branch_ids: [] })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-2026-11', typ: 'at+jwt' })
        .setIssuer(SETTINGS.issuer)
        .setAudience(SETTINGS.audience)
        .setSubject(user.userId)
        .setJti('forged')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(secret));
      expect((await whoami(`Bearer ${forged}`)).statusCode).toBe(401);
    }
  });

  it('an expired token', async () => {
    const token = await signAccessToken(h.keys, SETTINGS, claimsOf(user), new Date(h.clock.now().getTime() - 901_000), 'old');
    expect((await whoami(`Bearer ${token}`)).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('a wrong issuer or audience', async () => {
    for (const settings of [{ ...SETTINGS, issuer: 'someone-else' }, { ...SETTINGS, audience: 'another-api' }]) {
      const token = await signAccessToken(h.keys, settings, claimsOf(user), h.clock.now(), 'x');
      expect((await whoami(`Bearer ${token}`)).statusCode).toBe(401);
    }
  });

  it('a kid that is not configured, even with a valid signature of its own key', async () => {
    const stranger = await loadSigningKeys([await privateJwk('key-stranger')]);
    const token = await signAccessToken(stranger, SETTINGS, claimsOf(user), h.clock.now(), 'x');
    expect((await whoami(`Bearer ${token}`)).statusCode).toBe(401);
    // A known kid on a token signed by another key fails the signature check.
    const impostor = await loadSigningKeys([{ ...(await privateJwk('x')), kid: 'key-2026-11' }]);
    expect((await whoami(`Bearer ${await signAccessToken(impostor, SETTINGS, claimsOf(user), h.clock.now(), 'x')}`)).statusCode).toBe(401);
  });

  it('a refresh token, or a signed token that is not an access token', async () => {
    const login = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
    expect((await whoami(`Bearer ${login.json<Tokens>().refreshToken}`)).statusCode).toBe(401);
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const sign = (typ: string, tokenUse: string) =>
      new SignJWT({ token_use: tokenUse, tenant_id: user.tenantId, role: 'cashier', employee_id: user.employeeId, device_id: null, branch_ids: [] })
        .setProtectedHeader({ alg: h.keys.signer.alg, kid: h.keys.signer.kid, typ })
        .setIssuer(SETTINGS.issuer)
        .setAudience(SETTINGS.audience)
        .setSubject(user.userId)
        .setJti('x')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(h.keys.signer.key);
    expect((await whoami(`Bearer ${await sign('at+jwt', 'refresh')}`)).statusCode).toBe(401);
    expect((await whoami(`Bearer ${await sign('JWT', 'access')}`)).statusCode).toBe(401);
    // Control: the same construction as a proper access token passes.
    expect((await whoami(`Bearer ${await sign('at+jwt', 'access')}`)).statusCode).toBe(200);
  });

  it('a token for an account that does not exist', async () => {
    const token = await signAccessToken(h.keys, SETTINGS, { ...claimsOf(user), userId: 'ghost' }, h.clock.now(), 'x');
    expect((await whoami(`Bearer ${token}`)).json()).toMatchObject({ status: 401, code: 'SESSION_ENDED' });
  });
});

describe('signing keys', () => {
  it('JWKS lists every configured public key and no private part', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    const { keys } = response.json<{ keys: Record<string, unknown>[] }>();
    expect(keys.map((key) => key.kid)).toEqual(['key-2026-11', 'key-2026-05']);
    expect(keys.map((key) => key.alg)).toEqual(['EdDSA', 'ES256']);
    for (const key of keys) {
      expect(key.use).toBe('sig');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secret);
    }
    expect(response.body).not.toContain(current.d);
    expect(response.body).not.toContain(older.d);
  });

  it('the first key signs; a token of the second (older) key still verifies', async () => {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode((await validToken()).split('.')[0] ?? ''))) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'EdDSA', kid: 'key-2026-11', typ: 'at+jwt' });
    const previous = await loadSigningKeys([older]);
    const token = await signAccessToken(previous, SETTINGS, claimsOf(user), h.clock.now(), 'x');
    expect((await whoami(`Bearer ${token}`)).statusCode).toBe(200);
  });

  it('a development key is generated when none is configured', async () => {
    const keys = await loadSigningKeys(null);
    expect(keys.development).toBe(true);
    expect(keys.signer.kid).toMatch(/^dev-/);
    expect(keys.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('a key that does not fit its alg is refused at start, without its material in the message', async () => {
    const ec = await privateJwk('k1', 'ES256');
    await expect(loadSigningKeys([{ ...ec, alg: 'EdDSA' }])).rejects.toThrow(/^AUTH_SIGNING_KEYS: key k1 cannot be used for EdDSA$/);
  });
});
