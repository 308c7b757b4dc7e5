import { decodeEvent } from '../../src/application/events/decodeEvent.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointTenantAdmin, hireEmployee } from '../../src/application/commands/employees.js';
import type { TenantCommandDeps } from '../../src/application/commands/tenants.js';
import type { CommandEnvelope } from '../../src/application/handleCommand.js';
import { ABANDONED_AFTER_MS, sweepAbandonedLogins } from '../../src/application/loginReservations.js';
import type { Accounts } from '../../src/application/ports/accounts.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import { accountSyncReactor } from '../../src/application/reactors/accountSync.js';
import type { DeviceId, EmployeeId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import { createAuthService } from '../../src/infrastructure/auth/authService.js';
import { createLoginThrottle } from '../../src/infrastructure/auth/loginThrottle.js';
import { createPostgresAccounts, type PostgresAccounts } from '../../src/infrastructure/auth/postgresAccounts.js';
import { createPostgresRefreshTokens } from '../../src/infrastructure/auth/refreshTokens.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import { handlerDeps, seedTenant, type SeededTenant } from '../support/commandApp.js';
import { Crash, crashableAccounts, crashableEventStore } from '../support/crash.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The application's hire, on the real adapters, with stores that fail or die at a chosen point:
 * after each case the event store and the accounts table agree (every EmployeeHired has an
 * active login, every employee login its EmployeeHired), once recovery (retry, reactor, sweep) ran.
 */
describe.each(storageTargets())('hiring at the application level, on %s', (_name, openStorage) => {
  const crash = new Crash();
  let storage: OpenedStorage;
  let accounts: PostgresAccounts;
  let deps: TenantCommandDeps;
  let shop: SeededTenant;
  let rival: SeededTenant;
  const owner: Principal = { userId: 'owner' as UserId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null };

  beforeAll(async () => {
    storage = await openStorage();
    accounts = createPostgresAccounts(storage.postgres.db, systemClock);
    const base = handlerDeps(storage.eventStore);
    shop = await seedTenant(base);
    rival = await seedTenant(base);
    deps = { ...base, eventStore: crashableEventStore(storage.eventStore, crash), accounts: crashableAccounts(accounts, crash) };
  });
  afterAll(async () => {
    crash.revive();
    await storage.dispose();
  });

  const envelope = (principal: Principal, idempotencyKey: string | null = null): CommandEnvelope => ({
    principal,
    occurredAt: new Date(),
    correlationId: randomUUID(),
    causationId: null,
    idempotencyKey,
    traceContext: null,
  });
  const hire = (tenant: SeededTenant, email: string, more: Readonly<{ employeeId?: string; key?: string; with?: TenantCommandDeps }> = {}) =>
    hireEmployee(more.with ?? deps, envelope(tenant.admin, more.key ?? null), {
      employeeId: (more.employeeId ?? randomUUID()) as EmployeeId,
      personalData: { name: 'Léa Dubois', email },
      role: 'branch_manager',
      branchIds: [tenant.branches[0]!],
      password: PASSWORD,
      pin: '4821',
    });
  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      return error as { code?: string; name?: string };
    }
    throw new Error('expected a refusal');
  };

  async function expectAgreement(): Promise<void> {
    const hired = (await storage.eventStore.readAll({ maxCount: 100_000 }))
      .filter((e) => e.type === 'EmployeeHired')
      .map((e) => ({ userId: e.data.employeeId as string, tenantId: e.tenantId, status: 'active' }));
    const logins = await storage.postgres.db
      .selectFrom('accounts')
      .select(['user_id as userId', 'tenant_id as tenantId', 'status'])
      .where('employee_id', 'is not', null)
      .execute();
    const byId = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    expect(logins.sort(byId)).toEqual(hired.sort(byId));
  }
  const loginOf = (employeeId: string) => storage.postgres.db.selectFrom('accounts').selectAll().where('user_id', '=', employeeId).executeTakeFirst();
  const hiresOf = async (employeeId: string) => (await storage.eventStore.readStream(`employee-${shop.tenantId}/${employeeId}`)).length;

  it('a duplicate email in the same tenant is refused with nothing written; in another tenant it is hired', async () => {
    const email = `dup-${randomUUID()}@shop.example`;
    await hire(shop, email);
    const second = randomUUID();
    expect(await refusal(hire(shop, email.toUpperCase(), { employeeId: second }))).toMatchObject({ code: 'EMAIL_IN_USE' });
    expect(await refusal(appointTenantAdmin(deps, envelope(owner), shop.tenantId, { employeeId: randomUUID() as EmployeeId, personalData: { name: 'A', email } }))).toMatchObject({
      code: 'EMAIL_IN_USE',
    });
    expect(await hiresOf(second)).toBe(0);
    await hire(rival, email);
    await expectAgreement();
  });

  it('a control character in the email is refused before the login is reserved', async () => {
    const employeeId = randomUUID();
    expect(await refusal(hire(shop, `nul\u0000${randomUUID()}@shop.example`, { employeeId }))).toMatchObject({ code: 'EMAIL_INVALID' });
    expect(await loginOf(employeeId)).toBeUndefined();
    await expectAgreement();
  });

  it('whatever the login insert throws, no hire is recorded', async () => {
    const employeeId = randomUUID();
    const failing: Accounts = { ...accounts, reserve: () => Promise.reject(new Error('invalid byte sequence for encoding "UTF8": 0x00')) };
    await expect(hire(shop, `bad-${randomUUID()}@shop.example`, { employeeId, with: { ...deps, accounts: failing } })).rejects.toThrow('invalid byte');
    expect(await hiresOf(employeeId)).toBe(0);
    await expectAgreement();
  });

  it('a refused append (tenant gone, unknown device) releases the reservation, so the email stays free', async () => {
    const email = `refused-${randomUUID()}@shop.example`;
    const employeeId = randomUUID();
    const refused = hireEmployee(deps, envelope(shop.admin), {
      employeeId: employeeId as EmployeeId,
      personalData: { name: 'Léa', email },
      role: 'cashier',
      branchIds: [shop.branches[0]!],
      deviceIds: ['no-such-till' as DeviceId],
      password: PASSWORD,
    });
    expect(await refusal(refused)).toMatchObject({ code: 'DEVICE_NOT_FOUND' });
    expect(await loginOf(employeeId)).toBeUndefined();
    await hire(shop, email);
    await expectAgreement();
  });

  it('an append that fails for any other reason also leaves no login behind', async () => {
    const employeeId = randomUUID();
    const failingStore: EventStore = { ...storage.eventStore, appendToStream: () => Promise.reject(new Error('connection reset')) };
    await expect(hire(shop, `reset-${randomUUID()}@shop.example`, { employeeId, with: { ...deps, eventStore: failingStore } })).rejects.toThrow('connection reset');
    expect(await loginOf(employeeId)).toBeUndefined();
    await expectAgreement();
  });

  for (const point of [
    { when: 'after', what: 'reserve' },
    { when: 'before', what: 'EmployeeHired' },
  ] as const) {
    it(`a crash ${point.when} ${point.what}: the pending login cannot sign in, the same hire retried converges, else the sweep releases it`, async () => {
      const [retried, abandoned] = [randomUUID(), randomUUID()];
      for (const employeeId of [retried, abandoned]) {
        crash.arm(point);
        await expect(hire(shop, `${employeeId}@shop.example`, { employeeId })).rejects.toThrow('simulated crash');
        crash.revive();
        expect((await loginOf(employeeId))?.status).toBe('pending');
        expect(await hiresOf(employeeId)).toBe(0);
      }
      await expectSignInRefused(`${retried}@shop.example`, shop.tenantId);
      await hire(shop, `${retried}@shop.example`, { employeeId: retried });
      expect((await loginOf(retried))?.status).toBe('active');
      // Young reservations are left alone (a hire may still be running); old ones are released.
      expect(await sweepAbandonedLogins(deps, new Date(Date.now() - ABANDONED_AFTER_MS))).toBe(0);
      expect(await sweepAbandonedLogins(deps, new Date(Date.now() + 1000))).toBe(1);
      expect(await loginOf(abandoned)).toBeUndefined();
      await expectAgreement();
    });
  }

  for (const point of [
    { when: 'after', what: 'EmployeeHired' },
    { when: 'before', what: 'update' },
  ] as const) {
    it(`a crash ${point.when} ${point.what}: the reactor activates the login, and a retry with the key converges`, async () => {
      const [byReactor, byRetry] = [randomUUID(), randomUUID()];
      for (const employeeId of [byReactor, byRetry]) {
        crash.arm(point);
        await expect(hire(shop, `${employeeId}@shop.example`, { employeeId, key: `key-${employeeId}` })).rejects.toThrow('simulated crash');
        crash.revive();
        expect((await loginOf(employeeId))?.status).toBe('pending');
        expect(await hiresOf(employeeId)).toBe(1);
      }
      await expectSignInRefused(`${byReactor}@shop.example`, shop.tenantId);
      const hired = (await storage.eventStore.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'EmployeeHired' && e.data.employeeId === byReactor);
      await accountSyncReactor({ eventStore: storage.eventStore, accounts }).react(hired.flatMap((event) => decodeEvent(event) ?? []));
      expect((await loginOf(byReactor))?.status).toBe('active');
      const again = await hire(shop, `${byRetry}@shop.example`, { employeeId: byRetry, key: `key-${byRetry}` });
      expect(again).toMatchObject({ revision: 0, eventCount: 0 });
      expect((await loginOf(byRetry))?.status).toBe('active');
      expect(await hiresOf(byRetry)).toBe(1);
      await expectAgreement();
    });
  }

  it('an abandoned reservation of the same email in the tenant is swept by the next hire of that email', async () => {
    const email = `stale-${randomUUID()}@shop.example`;
    const stale = randomUUID();
    crash.arm({ when: 'after', what: 'reserve' });
    await expect(hire(shop, email, { employeeId: stale })).rejects.toThrow('simulated crash');
    crash.revive();
    // While young it may be a hire still running: the email is in use.
    expect(await refusal(hire(shop, email))).toMatchObject({ code: 'EMAIL_IN_USE' });
    // Older than the sweep's age (created_at is never updated by the code, so through SQL).
    await sql`UPDATE accounts SET created_at = ${new Date(Date.now() - 2 * ABANDONED_AFTER_MS)} WHERE user_id = ${stale}`.execute(storage.postgres.db);
    const fresh = randomUUID();
    await hire(shop, email, { employeeId: fresh });
    expect(await loginOf(stale)).toBeUndefined();
    expect((await loginOf(fresh))?.status).toBe('active');
    await expectAgreement();
  });

  /** Password, PIN and refresh all refuse a pending login. */
  async function expectSignInRefused(email: string, tenantId: TenantId): Promise<void> {
    const row = await storage.postgres.db.selectFrom('accounts').select(['user_id', 'status']).where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const refreshTokens = createPostgresRefreshTokens(storage.postgres.db, systemClock, randomIds, config.auth.refreshTokenTtlDays);
    const auth = createAuthService({
      accounts,
      refreshTokens,
      keys: await loadSigningKeys(config.auth.signingKeys),
      config: config.auth,
      clock: systemClock,
      ids: randomIds,
      throttle: createLoginThrottle(storage.postgres.db, systemClock),
    });
    const address = `10.9.${Math.floor(Math.random() * 250)}.1`;
    await expect(auth.login({ email, password: PASSWORD, address })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login({ email, password: PASSWORD, address, tenantId })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.pinLogin({ deviceId: 'till-a1', employeeId: row.user_id, pin: '4821', address })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const token = await refreshTokens.issue({ userId: row.user_id, deviceId: null });
    await expect(auth.refresh(token)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
  }
});
