import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPGliteDialect } from '../../src/infrastructure/postgres/pgliteDialect.js';
import { isDatabaseUnavailable } from '../../src/infrastructure/postgres/unavailable.js';
import { call, openShop, startFullApp } from '../support/fullApp.js';

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

describe('embedded database faults', () => {
  it('a closed PGlite fails statements as database-unavailable; a refused statement stays the statement\'s fault', async () => {
    const pglite = await PGlite.create();
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(pglite) });
    const refused = await failureOf(() => sql`SELECT * FROM no_such_table`.execute(db));
    expect(isDatabaseUnavailable(refused)).toBe(false);
    await pglite.close();
    expect(isDatabaseUnavailable(await failureOf(() => sql`SELECT 1`.execute(db)))).toBe(true);
    await db.destroy();
  });

  it('an aborted engine (WebAssembly.RuntimeError) is database-unavailable', async () => {
    const aborted = Object.assign(new Error('Aborted(). Build with -sASSERTIONS for more info.'), { name: 'RuntimeError' });
    const failing = { closed: false, waitReady: Promise.resolve(), query: () => Promise.reject(aborted), close: () => Promise.resolve() } as unknown as PGlite;
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(failing) });
    expect(isDatabaseUnavailable(await failureOf(() => sql`SELECT 1`.execute(db)))).toBe(true);
  });

  it('the app over a closed embedded database answers 503 SERVICE_UNAVAILABLE with Retry-After, and keeps running', async () => {
    const full = await startFullApp();
    const shop = await openShop(full);
    const orderId = randomUUID();
    const opened = await call(full.app, 'POST', '/v1/orders', {
      token: shop.tokens.cashier,
      headers: { 'idempotency-key': randomUUID() },
      body: { orderId, branchId: shop.branchId, deviceId: shop.deviceId },
    });
    expect(opened.statusCode).toBe(201);
    await full.projections.stop();
    await full.db.destroy();
    const read = await call(full.app, 'GET', `/v1/orders/${orderId}`, { token: shop.tokens.cashier });
    expect(read.statusCode).toBe(503);
    expect(read.headers['retry-after']).toBe('1');
    expect(read.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const command = await call(full.app, 'POST', `/v1/orders/${orderId}/void`, {
      token: shop.tokens.cashier,
      headers: { 'idempotency-key': randomUUID() },
      body: { reason: 'closing' },
    });
    expect(command.statusCode).toBe(503);
    expect((await call(full.app, 'GET', '/ready')).statusCode).toBe(503);
    expect((await call(full.app, 'GET', '/health')).statusCode).toBe(200);
    await full.close();
  });
});
