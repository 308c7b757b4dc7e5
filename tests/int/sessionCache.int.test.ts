import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { composeApi, type Api } from '../../src/compose.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import { generateSigningKey } from '../../src/infrastructure/auth/signingKeySet.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { call, command, openShop, type FullApp, type Shop } from '../support/fullApp.js';
import { startFullAppOn, storageTargets, type OpenedStorage } from '../support/storageTargets.js';

/**
 * What authentication checks of a login is held in each API process (accountCache.ts, ADR 0019).
 * Here: the process that suspends (the full app), another one that learns it only from its own
 * account-sync reactor reading the log (it holds logins for a minute otherwise), and one that
 * runs no follower at all and learns it when its hold of AUTH_SESSION_CACHE_MS ends.
 */
describe.each(storageTargets())('suspension across API processes (%s)', (_name, openStorage) => {
  let storage: OpenedStorage;
  let full: FullApp;
  let shop: Shop;
  let reading: Api;
  let holding: Api;
  const HOLD_MS = 1_000;
  /** One key set for all three, as processes behind one balancer share theirs. */
  let keys = '';

  /** Another API process over the same database: its own caches (of accounts and of aggregates). */
  async function anotherProcess(env: Readonly<Record<string, string>>, follow: boolean): Promise<Api> {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_SIGNING_KEYS: keys, ...env });
    const eventStore: EventStore = { ...storage.eventStore };
    const api = await composeApi({ config, logger: pino({ level: 'silent' }), postgres: storage.postgres, eventStore });
    await api.app.ready();
    if (follow) await api.projections.start();
    return api;
  }

  beforeAll(async () => {
    storage = await openStorage();
    keys = JSON.stringify([await generateSigningKey(new Date())]);
    full = await startFullAppOn(storage, storage.eventStore, { AUTH_SIGNING_KEYS: keys });
    shop = await openShop(full);
    reading = await anotherProcess({ AUTH_SESSION_CACHE_MS: '60000' }, true);
    holding = await anotherProcess({ AUTH_SESSION_CACHE_MS: String(HOLD_MS) }, false);
  });
  afterAll(async () => {
    await holding.app.close();
    await reading.app.close();
    await reading.projections.stop();
    await full.close();
  });

  const readTenant = (api: Pick<Api, 'app'>, token: string) => call(api.app, 'GET', `/v1/tenants/${shop.tenantId}`, { token });

  it('the suspending process refuses the next request; the others within their reactor lag and their hold', async () => {
    for (const api of [full, reading, holding]) expect((await readTenant(api, shop.tokens.manager)).statusCode).toBe(200);

    await command(full.app, `/v1/employees/${shop.managerId}/suspend`, { token: shop.tokens.admin, body: { reason: 'till shortfall' } });
    const suspendedAt = performance.now();
    expect((await readTenant(full, shop.tokens.manager)).statusCode).toBe(401);

    // Held for a minute, but dropped when its own account-sync reactor applies the suspension.
    await expect.poll(async () => (await readTenant(reading, shop.tokens.manager)).statusCode, { timeout: 5_000, interval: 20 }).toBe(401);
    // No follower: the hold ends at the latest HOLD_MS after the login was last read.
    await expect.poll(async () => (await readTenant(holding, shop.tokens.manager)).statusCode, { timeout: HOLD_MS + 2_000, interval: 20 }).toBe(401);
    expect(performance.now() - suspendedAt).toBeLessThan(HOLD_MS + 1_000);
  });

  it('a reinstatement is seen the same ways', async () => {
    await command(full.app, `/v1/employees/${shop.managerId}/reinstate`, { token: shop.tokens.admin });
    expect((await readTenant(full, shop.tokens.manager)).statusCode).toBe(200);
    await expect.poll(async () => (await readTenant(reading, shop.tokens.manager)).statusCode, { timeout: 5_000, interval: 20 }).toBe(200);
    await expect.poll(async () => (await readTenant(holding, shop.tokens.manager)).statusCode, { timeout: HOLD_MS + 2_000, interval: 20 }).toBe(200);
  });
});
