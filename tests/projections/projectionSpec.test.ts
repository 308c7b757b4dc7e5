import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import type { ReadModel } from '../../src/projections/readModel.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';

type Counts = { opened: { tenant_id: string; orders: number } };

/** The smallest model: orders opened per tenant. It proves the harness, not a product feature. */
const opened: ReadModel<Counts> = {
  kind: 'read_model',
  name: 'spec_opened',
  version: 1,
  handles: new Set(['OrderOpened']),
  async createTables(trx) {
    await sql`CREATE TABLE opened (tenant_id text PRIMARY KEY, orders integer NOT NULL)`.execute(trx);
  },
  async applyBatch(trx, events) {
    const counts = new Map<string, number>();
    for (const event of events) if (event.type === 'OrderOpened') counts.set(event.tenantId, (counts.get(event.tenantId) ?? 0) + 1);
    if (counts.size === 0) return;
    await trx
      .insertInto('opened')
      .values([...counts].map(([tenant_id, orders]) => ({ tenant_id, orders })))
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet((eb) => ({ orders: eb('opened.orders', '+', eb.ref('excluded.orders')) })))
      .execute();
  },
};

describe('the projection spec harness', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(opened);
  });
  afterAll(async () => {
    await spec.close();
  });

  it('applies the log whole and event by event, and compares both with the expected rows', async () => {
    const log = new LogBuilder();
    const open = (tenant: string, order: string) =>
      log.event(streams.order(tenant, order), tenant, 'OrderOpened', { orderId: order, tenantId: tenant, branchId: 'b1', deviceId: 'd1', cashierId: 'e1', currency: 'EUR', priceMode: 'inclusive', at: '2026-11-02T09:00:00.000Z' });
    await spec
      .given(open('t1', 'o1'), open('t2', 'o2'), open('t1', 'o3'), log.event(streams.tenant('t1'), 't1', 'TenantActivated', { at: '2026-11-02T09:00:00.000Z' }))
      .then('opened', [{ tenant_id: 't1', orders: 2 }, { tenant_id: 't2', orders: 1 }], ['tenant_id']);
  });

  it('fails when a model depends on how the log is cut into batches', async () => {
    // A model that counts batches, not events, disagrees with itself between the two runs.
    const byBatch: ReadModel<Counts> = {
      ...opened,
      name: 'spec_batches',
      async applyBatch(trx, events) {
        if (events.length > 0) await sql`INSERT INTO opened VALUES ('all', 1) ON CONFLICT (tenant_id) DO UPDATE SET orders = opened.orders + 1`.execute(trx);
      },
    };
    const other = await projectionSpec(byBatch);
    try {
      const log = new LogBuilder();
      const open = (order: string) => log.event(streams.order('t1', order), 't1', 'OrderOpened', { orderId: order, tenantId: 't1', branchId: 'b1', deviceId: 'd1', cashierId: 'e1', currency: 'EUR', priceMode: 'inclusive', at: '2026-11-02T09:00:00.000Z' });
      await expect(other.given(open('o1'), open('o2')).rows('opened', ['tenant_id'])).rejects.toThrow(/event by event/);
    } finally {
      await other.close();
    }
  });
});
