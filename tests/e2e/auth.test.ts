import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceId } from '../../src/domain/shared/ids.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { authHarness, openDatabase, PASSWORD, seedUser, type AuthHarness, type SeededUser, type Tokens } from './authHarness.js';

let db: Kysely<Database>;
let h: AuthHarness;
let user: SeededUser;

beforeAll(async () => {
  db = await openDatabase();
});
afterAll(() => db.destroy());
beforeEach(async () => {
  h = await authHarness(db);
  user = await seedUser(h.accounts);
});
afterEach(() => h.close());

const post = (url: string, payload: object, remoteAddress = '10.0.0.1') => h.app.inject({ method: 'POST', url, payload, remoteAddress });
const login = (email: string, password: string, remoteAddress?: string) => post('/v1/auth/login', { email, password }, remoteAddress);
const pin = (body: { deviceId: string; employeeId: string; pin: string }) => post('/v1/auth/pin', body);
const refresh = (refreshToken: string) => post('/v1/auth/refresh', { refreshToken });
const whoami = (accessToken: string) => h.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${accessToken}` } });

async function signedIn(): Promise<Tokens> {
  const response = await login(user.email, PASSWORD);
  expect(response.statusCode).toBe(200);
  return response.json<Tokens>();
}

describe('password sign-in', () => {
  it('answers an access token for the account and a refresh token, not cacheable', async () => {
    const response = await login(user.email.toUpperCase(), PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const tokens = response.json<Tokens>();
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await whoami(tokens.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      userId: user.userId,
      role: 'cashier',
      tenantId: user.tenantId,
      employeeId: user.employeeId,
      deviceId: null,
      branchIds: ['branch-1'],
      support: null,
    });
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const wrongPassword = await login(user.email, 'not the password at all');
    const unknownEmail = await login('nobody@shop.example', PASSWORD);
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(wrongPassword.json())).toEqual(strip(unknownEmail.json()));
    expect(wrongPassword.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('takes about as long for an unknown email as for a wrong password (both hash once)', async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await login(email, 'not the password at all', `10.1.${Math.floor(Math.random() * 250)}.1`);
      return performance.now() - started;
    };
    await time(user.email); // warm up
    const known = Math.min(await time(user.email), await time(user.email));
    const unknown = Math.min(await time('nobody@shop.example'), await time('nobody2@shop.example'));
    expect(unknown).toBeGreaterThan(known * 0.4);
    expect(unknown).toBeLessThan(known * 2.5);
  });

  it('answers 429 with Retry-After after 5 failures for one account from one address, even with the right password', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expect((await login(user.email, 'wrong password!!', '10.2.0.1')).statusCode).toBe(401);
    const blocked = await login(user.email, PASSWORD, '10.2.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    // The owner elsewhere is not locked out with the guesser.
    expect((await login(user.email, PASSWORD, '10.2.0.99')).statusCode).toBe(200);
    h.clock.advance(901);
    expect((await login(user.email, PASSWORD, '10.2.0.1')).statusCode).toBe(200);
  });

  it('answers 429 after 20 failures from one address, across accounts', async () => {
    for (let attempt = 0; attempt < 20; attempt++) expect((await login(`guess-${attempt}@shop.example`, 'wrong password!!', '10.3.0.1')).statusCode).toBe(401);
    const blocked = await login(user.email, PASSWORD, '10.3.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await login(user.email, PASSWORD, '10.3.0.2')).statusCode).toBe(200);
  });

  it('refuses a suspended account with the same 401', async () => {
    await h.accounts.update(user.userId, { status: 'suspended' });
    expect((await login(user.email, PASSWORD)).json()).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('answers 400 for a malformed body', async () => {
    expect((await post('/v1/auth/login', { email: user.email })).statusCode).toBe(400);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use', async () => {
    const first = await signedIn();
    const second = await refresh(first.refreshToken);
    expect(second.statusCode).toBe(200);
    const rotated = second.json<Tokens>();
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect((await whoami(rotated.accessToken)).statusCode).toBe(200);
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(200);
  });

  it('reuse of a replaced token answers 401 and kills the newest token of its family', async () => {
    const first = await signedIn();
    const rotated = (await refresh(first.refreshToken)).json<Tokens>();
    const reuse = await refresh(first.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
  });

  it('another sign-in of the same user is a separate family and survives', async () => {
    const first = await signedIn();
    const other = await signedIn();
    await refresh(first.refreshToken);
    await refresh(first.refreshToken);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
  });

  it('expire', async () => {
    const tokens = await signedIn();
    h.clock.advance(30 * 86_400 + 1);
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
  });

  it('are refused when unknown', async () => {
    expect((await refresh('not-a-token')).statusCode).toBe(401);
  });

  it('logout kills the family, and tells nothing for an unknown token', async () => {
    const tokens = await signedIn();
    const rotated = (await refresh(tokens.refreshToken)).json<Tokens>();
    const logout = await post('/v1/auth/logout', { refreshToken: tokens.refreshToken });
    expect(logout.statusCode).toBe(204);
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
    expect((await post('/v1/auth/logout', { refreshToken: 'unknown' })).statusCode).toBe(204);
  });
});

describe('a suspended, terminated or changed account', () => {
  it('cannot refresh, and its access token is refused on the next request', async () => {
    const tokens = await signedIn();
    expect((await whoami(tokens.accessToken)).statusCode).toBe(200);
    await h.accounts.update(user.userId, { status: 'suspended' });
    const refused = await whoami(tokens.accessToken);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect(refused.json()).toMatchObject({ code: 'SESSION_ENDED' });
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    // Reinstating does not bring the revoked sign-in back.
    await h.accounts.update(user.userId, { status: 'active' });
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    expect((await whoami(tokens.accessToken)).statusCode).toBe(200);
  });

  it('a role change ends the access token at once; the next refresh carries the new role', async () => {
    const tokens = await signedIn();
    await h.accounts.update(user.userId, { role: 'branch_manager' });
    expect((await whoami(tokens.accessToken)).statusCode).toBe(401);
    const renewed = (await refresh(tokens.refreshToken)).json<Tokens>();
    expect((await whoami(renewed.accessToken)).json()).toMatchObject({ role: 'branch_manager' });
  });

  it('a forgotten account can neither sign in nor use its tokens', async () => {
    const tokens = await signedIn();
    await h.accounts.forget(user.userId);
    expect((await whoami(tokens.accessToken)).statusCode).toBe(401);
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    expect((await login(user.email, PASSWORD)).statusCode).toBe(401);
  });
});

describe('PIN sign-in', () => {
  it('works on a device bound to the employee and puts the device in the token', async () => {
    const response = await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '4821' });
    expect(response.statusCode).toBe(200);
    const tokens = response.json<Tokens>();
    expect((await whoami(tokens.accessToken)).json()).toMatchObject({ deviceId: 'till-1', employeeId: user.employeeId });
    const renewed = (await refresh(tokens.refreshToken)).json<Tokens>();
    expect((await whoami(renewed.accessToken)).json()).toMatchObject({ deviceId: 'till-1' });
  });

  it('is refused on another device, with a wrong PIN, or for an unknown employee, alike', async () => {
    const answers = await Promise.all([
      pin({ deviceId: 'till-2', employeeId: user.employeeId, pin: '4821' }),
      pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '0000' }),
      pin({ deviceId: 'till-1', employeeId: 'someone-else', pin: '4821' }),
      pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: 'abcd' }),
    ]);
    for (const answer of answers) expect(answer.json()).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('is refused on a deactivated device, whose existing tokens also stop working', async () => {
    const tokens = (await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '4821' })).json<Tokens>();
    await h.accounts.deactivateDevice(user.tenantId, 'till-1' as DeviceId);
    expect((await whoami(tokens.accessToken)).statusCode).toBe(401);
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    expect((await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '4821' })).statusCode).toBe(401);
  });

  it('a device unbound from the employee ends its PIN session', async () => {
    const tokens = (await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '4821' })).json<Tokens>();
    await h.accounts.update(user.userId, { deviceIds: ['till-9' as DeviceId] });
    expect((await whoami(tokens.accessToken)).statusCode).toBe(401);
  });

  it('is throttled per employee after 5 failures', async () => {
    for (let attempt = 0; attempt < 5; attempt++) await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '0000' });
    const blocked = await pin({ deviceId: 'till-1', employeeId: user.employeeId, pin: '4821' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  it('is refused for an account without a PIN', async () => {
    const noPin = await seedUser(h.accounts, { pin: null });
    expect((await pin({ deviceId: 'till-1', employeeId: noPin.employeeId, pin: '4821' })).statusCode).toBe(401);
  });
});
