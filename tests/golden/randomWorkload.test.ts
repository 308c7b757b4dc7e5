import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlobalPosition, RecordedEvent } from '../../src/application/ports/eventStore.js';
import { call, type FullApp } from '../support/fullApp.js';
import { startFullAppOn, storageTargets, type OpenedStorage } from '../support/storageTargets.js';
import { Workload } from './workload/drive.js';
import { IndependentFold, parsePosition, type TillFigures } from './workload/independentFold.js';
import { Prng } from './workload/prng.js';
import { dumpSchema, liveSchemas, rowsOf, type Dump } from './workload/tableDump.js';

/*
 * A seeded random workload (workload/drive.ts) over the real app, then three checks:
 * (a) every live read model equals a fresh blue/green rebuild of it, table for table, row for row;
 * (b) the report tables equal an independent fold of the raw log (workload/independentFold.ts);
 * (c) Z numbers are gapless per device, each Z's grand totals are the sum of the Zs so far, and
 *     each Z's figures are the independent fold of the till's facts it covers; each till's
 *     X-report (GET over HTTP) is the fold of what came after its last Z, and its grand totals
 *     are those of that Z.
 * WORKLOAD_SEED replays a run (the seed is printed); WORKLOAD_SIZE sets the orders per till.
 */

const SEED = Number(process.env.WORKLOAD_SEED ?? 20_261_201);
const SIZE = Number(process.env.WORKLOAD_SIZE ?? 10);
const TENANTS = 3;
const NOTHING = { commit: -1n, prepare: -1n };

type Json = Record<string, unknown>;
const n = (v: unknown): number => Number(v);

async function readAll(full: FullApp): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const last = events.at(-1);
    const page = await full.eventStore.readAll(last ? { after: last.position } : {});
    if (page.length === 0) return events;
    events.push(...page);
  }
}

/** Rows as `key → figures`, sorted by key, for a readable diff. */
function keyed(rows: Iterable<readonly [string, Json]>): (readonly [string, Json])[] {
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function pick(row: Json, columns: readonly string[]): Json {
  return Object.fromEntries(columns.map((c) => [c, n(row[c])]));
}

const SALES = ['order_count', 'items_sold', 'gross', 'discount_amount', 'net', 'tax', 'total', 'refund_count', 'refund_amount'];
const DAY = (r: Json): string => [r.tenant_id, r.branch_id, r.business_date, r.currency, r.price_mode].join('|');

function tillOf(z: Json): Json {
  const taxes = (z.taxes as Json[]).map((t) => [`${String(t.taxRateId)}|${n(t.basisPoints)}`, { net: n(t.net), tax: n(t.tax), gross: n(t.gross) }] as const);
  const tenders = (z.tenders as Json[]).map((t) => {
    const refunds = t.refunds as Json;
    return [String(t.method), { count: n(t.count), amount: n(t.amount), change: n(t.change), refunds: n(refunds.count), refundAmount: n(refunds.amount) }] as const;
  });
  const cash = z.cash as Record<string, Json>;
  const count = (v: unknown): number => n((v as Json).count);
  const amount = (v: unknown): number => n((v as Json).amount);
  const receipts = z.receipts;
  return {
    receipts: typeof receipts === 'number' ? receipts : count(receipts),
    gross: n(z.gross), discounts: count(z.discounts), discountAmount: amount(z.discounts), voids: count(z.voids), voidAmount: amount(z.voids),
    refunds: count(z.refunds), refundAmount: amount(z.refunds), net: n(z.net), tax: n(z.tax), total: n(z.total),
    taxes: keyed(taxes.filter(([, t]) => t.net !== 0 || t.tax !== 0 || t.gross !== 0)),
    tenders: keyed(tenders),
    floats: count(cash.floats), floatAmount: amount(cash.floats), cashIn: count(cash.cashIn), cashInAmount: amount(cash.cashIn),
    cashOut: count(cash.cashOut), cashOutAmount: amount(cash.cashOut), expected: n(cash.expected), counted: n(cash.counted), variance: n(cash.variance),
  };
}

function foldedTill(f: TillFigures): Json {
  const { taxes, tenders, ...rest } = f;
  return { ...rest, taxes: keyed([...taxes].filter(([, t]) => t.net !== 0 || t.tax !== 0 || t.gross !== 0)), tenders: keyed(tenders) };
}

describe.each(storageTargets())('a randomized workload on %s', (_target, openStorage) => {
  let storage: OpenedStorage | undefined;
  let full: FullApp | undefined;
  let workload: Workload | undefined;

  beforeAll(async () => {
    console.log(`randomized workload: WORKLOAD_SEED=${SEED} WORKLOAD_SIZE=${SIZE} (${TENANTS} tenants, 2 branches, 4 tills each)`);
    storage = await openStorage();
    full = await startFullAppOn(storage);
    workload = new Workload(full, new Prng(SEED));
    await workload.run({ tenants: TENANTS, ordersPerTill: SIZE });
    for (const status of await full.projections.status()) if (status.kind === 'read_model') await full.projections.catchUp(status.name);
    console.log('workload', JSON.stringify(workload.stats));
  }, 180_000);
  afterAll(async () => {
    await full?.close();
  });

  const app = (): FullApp => {
    if (!full) throw new Error('the workload runs in beforeAll');
    return full;
  };

  it('ran commands of every kind, some refused by the domain', () => {
    const stats = workload?.stats;
    expect(stats?.refused).toBeGreaterThan(10);
    expect(stats?.accepted).toBeGreaterThan(200);
    expect(stats?.zCloses).toBeGreaterThan(TENANTS * 4);
    expect(stats?.offlineSales).toBeGreaterThan(0);
  });

  it('(b) the sales reports equal an independent fold of the raw log', async () => {
    const full = app();
    const fold = new IndependentFold();
    for (const event of await readAll(full)) fold.apply(event);
    const schema = (await liveSchemas(full.db)).get('sales');
    if (!schema) throw new Error('no live sales generation');
    const rows = (table: string) => rowsOf(full.db, schema, table);

    const DAILY = [...SALES, 'discount_count', 'items_refunded', 'void_count', 'void_amount'];
    expect(keyed((await rows('daily_sales')).map((r) => [DAY(r), pick(r, DAILY)]))).toEqual(keyed([...fold.daily].map(([k, v]) => [k, pick(v, DAILY)])));

    const TAX = ['order_count', 'taxable', 'tax', 'gross'];
    expect(keyed((await rows('daily_sales_tax')).map((r) => [`${DAY(r)}|${String(r.tax_rate_id)}|${n(r.basis_points)}`, pick(r, TAX)]))).toEqual(
      keyed([...fold.taxes].map(([k, v]) => [k, pick(v, TAX)])),
    );

    const PAY = ['tender_count', 'amount', 'change_given', 'refund_count', 'refund_amount'];
    expect(keyed((await rows('daily_sales_payments')).map((r) => [[r.tenant_id, r.branch_id, r.business_date, r.currency, r.method].join('|'), pick(r, PAY)]))).toEqual(
      keyed([...fold.payments].map(([k, v]) => [k, pick(v, PAY)])),
    );

    const HOUR = [...SALES, 'hour', 'utc_offset_minutes'];
    expect(keyed((await rows('daily_sales_hours')).map((r) => [`${DAY(r)}|${new Date(String(r.hour_start)).toISOString()}`, pick(r, HOUR)]))).toEqual(
      keyed([...fold.hours].map(([k, v]) => [k, pick(v, HOUR)])),
    );

    expect(keyed((await rows('sales_by_cashier')).map((r) => [`${DAY(r)}|${String(r.cashier_id)}`, pick(r, SALES)]))).toEqual(
      keyed([...fold.cashiers].map(([k, v]) => [k, pick(v, SALES)])),
    );

    const PRODUCT = ['quantity', 'gross', 'discount_amount', 'net', 'tax', 'total', 'refund_quantity', 'refund_amount'];
    expect(keyed((await rows('sales_by_product')).map((r) => [`${DAY(r)}|${String(r.sku)}`, pick(r, PRODUCT)]))).toEqual(
      keyed([...fold.products].map(([k, v]) => [k, pick(v, PRODUCT)])),
    );
  });

  it("(b) every drawer's cash equals the independent fold, and each close's expected cash too", async () => {
    const full = app();
    const fold = new IndependentFold();
    for (const event of await readAll(full)) fold.apply(event);
    const schema = (await liveSchemas(full.db)).get('drawers');
    if (!schema) throw new Error('no live drawers generation');
    const actual = (await rowsOf(full.db, schema, 'drawer_sessions')).map((r) => [String(r.drawer_id), {
      status: r.status, float: n(r.float), cashIn: n(r.cash_in), cashInCount: n(r.cash_in_count), cashOut: n(r.cash_out), cashOutCount: n(r.cash_out_count),
      tendered: n(r.cash_tendered), change: n(r.change_given), returned: n(r.cash_returned), refunded: n(r.cash_refunded), refundCount: n(r.refund_count),
      expected: r.status === 'closed' ? n(r.expected) : null,
    }] as const);
    const expected = [...fold.drawers.values()].map((d) => [d.drawerId, {
      status: d.closed ? 'closed' : 'open', float: d.float, cashIn: d.cashIn, cashInCount: d.cashInCount, cashOut: d.cashOut, cashOutCount: d.cashOutCount,
      tendered: d.tendered, change: d.change, returned: d.returned, refunded: d.refunded, refundCount: d.refundCount, expected: d.closed ? d.recordedExpected : null,
    }] as const);
    expect(keyed(actual)).toEqual(keyed(expected));
    // What DrawerClosed recorded as expected is the drawer's cash as the log had it at the close.
    const closes = [...fold.drawers.values()].filter((d) => d.closed);
    expect(closes.length).toBeGreaterThan(0);
    expect(closes.map((d) => [d.drawerId, d.recordedExpected])).toEqual(closes.map((d) => [d.drawerId, d.expectedAtClose]));
  });

  it('(c) Z numbers are gapless per device, grand totals are the sum of the Zs, and each Z is the fold of what it covers', async () => {
    const full = app();
    const fold = new IndependentFold();
    for (const event of await readAll(full)) fold.apply(event);
    const byDevice = new Map<string, RecordedEvent[]>();
    for (const z of fold.zs) {
      const key = `${z.tenantId}|${String(z.data.deviceId)}`;
      byDevice.set(key, [...(byDevice.get(key) ?? []), z]);
    }
    expect(byDevice.size).toBe(TENANTS * 4);
    for (const [device, zs] of byDevice) {
      const [tenantId = '', deviceId = ''] = device.split('|');
      expect(zs.map((z) => n(z.data.zNumber)), device).toEqual(zs.map((_, i) => i + 1));
      let after: GlobalPosition | null = null;
      const sum: Json[] = [];
      for (const z of zs) {
        const figures = tillOf(z.data.figures as Json);
        const through = typeof z.data.through === 'string' ? (parsePosition(z.data.through) ?? null) : null;
        // A Z that counted nothing covers an empty stretch.
        const folded = foldedTill(fold.tillFigures(tenantId, deviceId, after, through ?? after ?? NOTHING));
        expect(figures, `${device} Z ${String(z.data.zNumber)}`).toEqual(folded);
        if (through) after = through;
        sum.push(figures);
        expect(tillOf(z.data.grandTotals as Json), `${device} grand totals after Z ${String(z.data.zNumber)}`).toEqual(sumOf(sum));
      }
    }
  });

  it("(c) each till's X-report over HTTP is the fold of what came after its last Z, with that Z's grand totals", async () => {
    const full = app();
    const fold = new IndependentFold();
    for (const event of await readAll(full)) fold.apply(event);
    const tills = workload?.tills ?? [];
    expect(tills).toHaveLength(TENANTS * 4);
    let withSales = 0;
    for (const { tenantId, deviceId, manager } of tills) {
      const zs = fold.zs.filter((z) => z.tenantId === tenantId && z.data.deviceId === deviceId);
      const last = zs.at(-1);
      const lastThrough = [...zs].reverse().find((z) => typeof z.data.through === 'string')?.data.through;
      const answer = await call(full.app, 'GET', `/v1/devices/${deviceId}/x-report`, { token: manager });
      expect(answer.statusCode, answer.body).toBe(200);
      const x = answer.json<{ nextZNumber: number; figures: Json; grandTotals: Json | null }>();
      expect(x.nextZNumber, deviceId).toBe(zs.length + 1);
      const expected = foldedTill(fold.tillFigures(tenantId, deviceId, typeof lastThrough === 'string' ? (parsePosition(lastThrough) ?? null) : null, null));
      expect(tillOf(x.figures), `${deviceId} X-report`).toEqual(expected);
      expect(x.grandTotals === null ? null : tillOf(x.grandTotals), `${deviceId} X grand totals`).toEqual(last ? tillOf(last.data.grandTotals as Json) : null);
      if (n(expected.receipts) > 0) withSales += 1;
    }
    // Every till rang up one more sale after its last Z; the workload voids or abandons some at random.
    expect(withSales).toBeGreaterThan(tills.length / 2);
  });

  it('(a) every live read model equals a fresh rebuild of it, row for row', async () => {
    const full = app();
    const before = await liveSchemas(full.db);
    const dumps = new Map<string, Dump>();
    for (const [name, schema] of before) dumps.set(name, await dumpSchema(full.db, schema));
    const names = [...before.keys()];
    expect(names).toEqual(expect.arrayContaining(['sales', 'drawers', 'till_periods', 'directory']));
    await full.projections.rebuild(names);
    const after = await liveSchemas(full.db);
    for (const [name, schema] of after) {
      expect(schema, name).not.toBe(before.get(name));
      expect(await dumpSchema(full.db, schema), name).toEqual(dumps.get(name));
    }
  });
});

/** The running sum of Z figures, as the grand totals keep it. */
function sumOf(zs: readonly Json[]): Json {
  const total: Record<string, unknown> = {};
  const taxes = new Map<string, Json>();
  const tenders = new Map<string, Json>();
  for (const z of zs) {
    for (const [k, v] of Object.entries(z)) if (typeof v === 'number') total[k] = n(total[k] ?? 0) + v;
    for (const [k, t] of z.taxes as (readonly [string, Json])[]) taxes.set(k, addUp(taxes.get(k), t));
    for (const [k, t] of z.tenders as (readonly [string, Json])[]) tenders.set(k, addUp(tenders.get(k), t));
  }
  return { ...total, taxes: keyed(taxes), tenders: keyed(tenders) };
}

function addUp(a: Json | undefined, b: Json): Json {
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, n(a?.[k] ?? 0) + n(v)]));
}
