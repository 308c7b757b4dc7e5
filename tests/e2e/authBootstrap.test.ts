import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BootstrapRefused, bootstrapPlatformOwner } from '../../src/infrastructure/auth/bootstrap.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { authHarness, openDatabase, PASSWORD } from './authHarness.js';

let db: Kysely<Database>;
beforeAll(async () => {
  db = await openDatabase();
});
afterAll(() => db.destroy());

const clock = { now: () => new Date() };
const ids = { uuid: randomUUID };

describe('bootstrap', () => {
  it('refuses a weak password or a bad email before touching the database', async () => {
    await expect(bootstrapPlatformOwner(db, clock, ids, { email: 'owner@shop.example', password: 'short' })).rejects.toBeInstanceOf(BootstrapRefused);
    await expect(bootstrapPlatformOwner(db, clock, ids, { email: 'not-an-email', password: PASSWORD })).rejects.toBeInstanceOf(BootstrapRefused);
  });

  it('creates the first platform owner, who can sign in, and only once', async () => {
    const userId = await bootstrapPlatformOwner(db, clock, ids, { email: 'Owner@Shop.example', password: PASSWORD });
    const h = await authHarness(db);
    const account = await h.accounts.findById(userId);
    expect(account).toMatchObject({ role: 'platform_owner', tenantId: null, email: 'owner@shop.example', status: 'active' });
    expect(account?.passwordHash).toMatch(/^scrypt\$/);
    const login = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'owner@shop.example', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    await h.close();
    await expect(bootstrapPlatformOwner(db, clock, ids, { email: 'second@shop.example', password: PASSWORD })).rejects.toThrow(/already exists/);
  });
});
