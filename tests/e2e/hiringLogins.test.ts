import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectPersonalData } from '../../src/application/personalData/protectedEventStore.js';
import { sweepAbandonedLogins } from '../../src/application/loginReservations.js';
import { Crash, crashableEventStore } from '../support/crash.js';
import { call, openShop, PASSWORD, type FullApp, type Shop } from '../support/fullApp.js';
import { startFullAppOn, storageTargets, type OpenedStorage } from '../support/storageTargets.js';

/**
 * Hiring writes two stores: the login (Accounts) and EmployeeHired (the log). Whatever fails, the
 * two must agree: every hired employee has a login that works, every login of an employee has its
 * hire in the log. And a tenant admin learns nothing about other tenants' emails.
 */
describe.each(storageTargets())('hiring keeps the log and the logins in agreement, on %s', (_name, openStorage) => {
  const crash = new Crash();
  let storage: OpenedStorage;
  let full: FullApp;
  let shop: Shop;
  let rival: Shop;

  beforeAll(async () => {
    storage = await openStorage();
    full = await startFullAppOn(storage, crashableEventStore(storage.eventStore, crash));
    shop = await openShop(full, 'Boulangerie Martin SARL');
    rival = await openShop(full, 'Rival Bakery SARL');
  });
  afterAll(async () => {
    crash.revive();
    await full.close();
  });

  const hire = (token: string, email: string, headers: Readonly<Record<string, string>> = {}) =>
    call(full.app, 'POST', '/v1/employees', {
      token,
      headers,
      body: { personalData: { name: 'Hugo Bernard', email }, role: 'branch_manager', branchIds: [branchOf(token)], password: PASSWORD },
    });
  const branchOf = (token: string): string => (token === shop.tokens.admin ? shop.branchId : rival.branchId);
  const appoint = (tenantId: string, email: string) =>
    call(full.app, 'POST', `/v1/tenants/${tenantId}/admins`, { token: shop.tokens.owner, body: { personalData: { name: 'Ada Admin', email }, password: PASSWORD } });
  const signIn = (email: string, tenantId?: string) =>
    call(full.app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD, ...(tenantId === undefined ? {} : { tenantId }) } });

  /** Every EmployeeHired has a usable login of its tenant; every employee login has its EmployeeHired. */
  async function expectAgreement(): Promise<void> {
    const hired = (await storage.eventStore.readAll({ maxCount: 100_000 }))
      .filter((e) => e.type === 'EmployeeHired')
      .map((e) => ({ userId: e.data.employeeId as string, tenantId: e.tenantId, status: 'active' }));
    const logins = await full.db
      .selectFrom('accounts')
      .select(['user_id as userId', 'tenant_id as tenantId', 'status'])
      .where('employee_id', 'is not', null)
      .execute();
    const byId = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    expect(logins.sort(byId)).toEqual(hired.sort(byId));
  }
  // Through the app's store: the stored hire holds its personal data sealed (ADR 0025).
  const hiresWith = async (email: string) =>
    (await protectPersonalData(storage.eventStore, full.personalData).readAll({ maxCount: 100_000 })).filter(
      (e) => e.type === 'EmployeeHired' && (e.data.personalData as { email: string } | null)?.email === email,
    ).length;
  const loginsWith = async (email: string) => (await full.db.selectFrom('accounts').select('user_id').where('email', '=', email).execute()).length;

  it('a duplicate email in the admin’s own tenant is 409 EMAIL_IN_USE, and nothing is written', async () => {
    const email = `dup-${randomUUID()}@shop.example`;
    expect((await hire(shop.tokens.admin, email)).statusCode).toBe(200);
    const again = await hire(shop.tokens.admin, email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'EMAIL_IN_USE' });
    const appointed = await appoint(shop.tenantId, email);
    expect(appointed.statusCode).toBe(409);
    expect(appointed.json()).toMatchObject({ code: 'EMAIL_IN_USE' });
    expect(await hiresWith(email)).toBe(1);
    expect(await loginsWith(email)).toBe(1);
    await expectAgreement();
  });

  it('an email held in another tenant is no conflict: the answer is the same as for a new email', async () => {
    const taken = `taken-${randomUUID()}@shop.example`;
    expect((await hire(shop.tokens.admin, taken)).statusCode).toBe(200);
    const elsewhere = await hire(rival.tokens.admin, taken);
    const fresh = await hire(rival.tokens.admin, `fresh-${randomUUID()}@shop.example`);
    const shape = (response: typeof fresh) => ({
      status: response.statusCode,
      type: response.headers['content-type'],
      keys: Object.keys(response.json<object>()).sort(),
      revision: response.json<{ revision: number }>().revision,
    });
    expect(shape(elsewhere)).toEqual(shape(fresh));
    expect(shape(fresh)).toMatchObject({ status: 200, revision: 0 });
    // The platform owner's appointment follows the same rule.
    expect((await appoint(rival.tenantId, `ada-${taken}`)).statusCode).toBe(200);
    expect((await appoint(shop.tenantId, `ada-${taken}`)).statusCode).toBe(200);
    expect(await hiresWith(taken)).toBe(2);
    expect(await loginsWith(taken)).toBe(2);
    await expectAgreement();

    // Held in two tenants: sign-in names the tenant; without it, the same 401 as a wrong password.
    expect((await signIn(taken, shop.tenantId)).statusCode).toBe(200);
    expect((await signIn(taken, rival.tenantId)).statusCode).toBe(200);
    const ambiguous = await signIn(taken);
    const wrong = await call(full.app, 'POST', '/v1/auth/login', { body: { email: taken, password: 'not the password at all', tenantId: shop.tenantId } });
    expect(ambiguous.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(ambiguous.json())).toEqual(strip(wrong.json()));
    expect(ambiguous.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('a platform owner whose email is also a tenant login signs in with tenantId null', async () => {
    expect((await hire(shop.tokens.admin, full.owner.email)).statusCode).toBe(200);
    const owner = (tenantId?: string | null) =>
      call(full.app, 'POST', '/v1/auth/login', { body: { email: full.owner.email, password: full.owner.password, ...(tenantId === undefined ? {} : { tenantId }) } });
    expect((await owner()).statusCode).toBe(401);
    expect((await owner(null)).statusCode).toBe(200);
    expect((await owner(shop.tenantId)).statusCode).toBe(200);
    await expectAgreement();
  });

  it('a NUL or another control character in the email is refused before anything is written', async () => {
    const before = await full.countEvents();
    for (const email of [`nul\u0000${randomUUID()}@shop.example`, `bell\u0007${randomUUID()}@shop.example`]) {
      for (const response of [await hire(shop.tokens.admin, email), await appoint(shop.tenantId, email)]) {
        expect([400, 422]).toContain(response.statusCode);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(await full.countEvents()).toBe(before);
    await expectAgreement();
  });

  it('a crash after the login is reserved and before the hire is recorded: the login never works and is swept', async () => {
    const email = `crash-before-${randomUUID()}@shop.example`;
    crash.arm({ when: 'before', what: 'EmployeeHired' });
    expect((await hire(shop.tokens.admin, email)).statusCode).toBe(500);
    crash.revive();
    expect(await hiresWith(email)).toBe(0);
    expect((await signIn(email)).statusCode).toBe(401);
    expect((await signIn(email, shop.tenantId)).statusCode).toBe(401);
    // Swept once old enough (here: "older than an hour from now"), so the email is free again.
    await sweepAbandonedLogins(full.deps, new Date(Date.now() + 3_600_000));
    expect(await loginsWith(email)).toBe(0);
    await expectAgreement();
    expect((await hire(shop.tokens.admin, email)).statusCode).toBe(200);
    expect((await signIn(email)).statusCode).toBe(200);
    await expectAgreement();
  });

  it('a crash before the hire is recorded, then the retry with the same Idempotency-Key: one employee, one working login', async () => {
    const email = `crash-retry-${randomUUID()}@shop.example`;
    const key = { 'idempotency-key': `hire-${randomUUID()}` };
    crash.arm({ when: 'before', what: 'EmployeeHired' });
    expect((await hire(shop.tokens.admin, email, key)).statusCode).toBe(500);
    crash.revive();
    const retried = await hire(shop.tokens.admin, email, key);
    expect(retried.statusCode).toBe(200);
    expect(await hiresWith(email)).toBe(1);
    expect(await loginsWith(email)).toBe(1);
    expect((await signIn(email)).statusCode).toBe(200);
    await expectAgreement();
  });

  it('a crash after the hire is recorded and before the login is activated: the account-sync reactor activates it', async () => {
    const email = `crash-after-${randomUUID()}@shop.example`;
    crash.arm({ when: 'after', what: 'EmployeeHired' });
    expect((await hire(shop.tokens.admin, email)).statusCode).toBe(500);
    expect((await signIn(email)).statusCode).toBe(401);
    crash.revive();
    // Polled on the table, not by signing in: failed sign-ins count against the throttle.
    const statusOf = async () => (await full.db.selectFrom('accounts').select('status').where('email', '=', email).executeTakeFirst())?.status;
    await expect.poll(statusOf, { timeout: 10_000, interval: 100 }).toBe('active');
    expect((await signIn(email)).statusCode).toBe(200);
    expect(await hiresWith(email)).toBe(1);
    await expectAgreement();
  });

  it('a crash after the hire is recorded, then the retry with the same Idempotency-Key answers the hire and the login works', async () => {
    const email = `crash-after-retry-${randomUUID()}@shop.example`;
    const key = { 'idempotency-key': `hire-${randomUUID()}` };
    crash.arm({ when: 'after', what: 'EmployeeHired' });
    const first = await hire(shop.tokens.admin, email, key);
    expect(first.statusCode).toBe(500);
    crash.revive();
    const retried = await hire(shop.tokens.admin, email, key);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ revision: 0 });
    expect(await hiresWith(email)).toBe(1);
    expect((await signIn(email)).statusCode).toBe(200);
    await expectAgreement();
  });
});
