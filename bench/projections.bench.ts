/**
 * The query side under load (issue 9), on a PostgreSQL server: a scratch database created on
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
 * Run: npm run bench:projections (BENCH_SMOKE=1 for a quick small run). Writes
 * bench/results/projections.json and projections.md.
 *
 * 1. Rebuild: a POS log of BENCH_EVENTS events (default 1,000,000) written through the event
 *    store port (bench/lib/posLog.ts: the deciders' own events), then `runner.rebuild` (what
 *    `projections rebuild` runs) of each read model alone and of all of them together, timed.
 * 2. Queries: a tenant created over HTTP, BENCH_YEAR_DAYS (365) days of BENCH_YEAR_ORDERS_PER_DAY
 *    (1,000) orders appended to the same database, caught up by the running app; then GET
 *    x-report and GET daily-sales over HTTP, warm, BENCH_QUERY_N (200) times each.
 * 3. Lag: BENCH_LAG_TILLS (50) tills selling over HTTP at once for BENCH_LAG_SECONDS each, with
 *    the think times of BENCH_LAG_THINK_MS (default "250,0"); a probe reads every live model's
 *    checkpoint every BENCH_LAG_POLL_MS (5) ms; lag = acknowledgement to checkpoint past it.
 * BENCH_PHASES picks phases (rebuild,queries,lag); queries and lag need the rebuild's database.
 * BENCH_BATCH_SIZE overrides the runner's batch (events read and applied per transaction, 25,000);
 * BENCH_PER_MODEL=0 skips the rebuild of each model alone, BENCH_CLI_ALL=0 the rebuild of all together.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { pino } from 'pino';
import { comparePositions, parsePosition, type EventStore, type GlobalPosition } from '../src/application/ports/eventStore.js';
import { composeApi } from '../src/compose.js';
import { bootstrapPlatformOwner } from '../src/infrastructure/auth/bootstrap.js';
import { createPostgresAccounts } from '../src/infrastructure/auth/postgresAccounts.js';
import { loadConfig } from '../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres, type Postgres } from '../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrate.js';
import { randomIds, systemClock } from '../src/infrastructure/system.js';
import type { Projection } from '../src/projections/projection.js';
import { projectionsOf } from '../src/projections/readModels.js';
import { createProjectionRunner } from '../src/projections/runner.js';
import { call, createTenant, ok, PASSWORD, PIN, type HttpTenant } from './lib/http.js';
import { LagProbe } from './lib/lagProbe.js';
import { datesEndingAt, PosLog, Random, tenantProfile, type GeneratorCounts, type TenantProfile } from './lib/posLog.js';
import { createScratchDatabase, runStatement, scratchRunId } from './lib/scratchDb.js';
import { summarize, type LatencySummary } from './lib/stats.js';
import { SqlProfile } from './lib/sqlProfile.js';

const env = process.env;
const SMOKE = env.BENCH_SMOKE === '1';
const EVENTS = Number(env.BENCH_EVENTS ?? (SMOKE ? 40_000 : 1_000_000));
const YEAR_DAYS = Number(env.BENCH_YEAR_DAYS ?? (SMOKE ? 10 : 365));
const YEAR_ORDERS_PER_DAY = Number(env.BENCH_YEAR_ORDERS_PER_DAY ?? (SMOKE ? 200 : 1000));
const LAG_TILLS = Number(env.BENCH_LAG_TILLS ?? 50);
const LAG_SECONDS = Number(env.BENCH_LAG_SECONDS ?? (SMOKE ? 8 : 40));
const LAG_THINK_MS = (env.BENCH_LAG_THINK_MS ?? '250,0').split(',').map(Number);
const LAG_POLL_MS = Number(env.BENCH_LAG_POLL_MS ?? 5);
const QUERY_N = Number(env.BENCH_QUERY_N ?? 200);
const WRITERS = Number(env.BENCH_WRITERS ?? 8);
const PHASES = new Set((env.BENCH_PHASES ?? 'rebuild,queries,lag').split(',').map((p) => p.trim()));
const SEED = Number(env.BENCH_SEED ?? 20261210);
const databaseUrl = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS = { rebuildEventsPerSecond: 50_000, lagP99Ms: 250, queryP95Ms: 50 } as const;

const started = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}
const silent = pino({ level: 'silent' });

type Rebuild = Readonly<{ models: readonly string[]; events: number; seconds: number; eventsPerSecond: number; applySeconds: Readonly<Record<string, number>> }>;
type Generated = Readonly<{ counts: GeneratorCounts; seconds: number; eventsPerSecond: number; days: number; tenants: number; tills: number }>;
type QueryResult = Readonly<{ name: string; path: string; rows: number; latency: LatencySummary; sql: readonly Readonly<{ text: string; calls: number; meanMs: number }>[]; plan: string | null }>;
type LagRun = Readonly<{
  thinkMs: number; tills: number; seconds: number; commands: number; commandsPerSecond: number; errors: number;
  commandLatency: LatencySummary; perModel: Readonly<Record<string, LatencySummary & { unreached: number }>>; allModels: LatencySummary;
}>;

/** Events written per tenant size: 10 tenants × 3 branches × 3 tills, 40 orders a till a day. */
async function generateMixedLog(eventStore: EventStore): Promise<Generated> {
  const random = new Random(SEED);
  const tenants = Array.from({ length: SMOKE ? 3 : 10 }, (_, n) => tenantProfile(n, 3, 3));
  const pos = new PosLog((streamId, events, expected) => eventStore.appendToStream(streamId, events, { expectedRevision: expected }), tenants, random, WRITERS);
  const t0 = performance.now();
  const first = datesEndingAt('2026-03-01', 1)[0]!;
  await pos.setup(`${first}T06:00:00.000Z` as never);
  let days = 0;
  let date = Date.parse(`${first}T12:00:00.000Z`);
  while (pos.counts.events < EVENTS) {
    await pos.day(new Date(date).toISOString().slice(0, 10), { ordersPerTillDay: 40, openMinutes: 8 * 60 + 30, closeMinutes: 20 * 60 });
    date += 86_400_000;
    days += 1;
    if (days % 5 === 0) log(`  ${days} days, ${pos.counts.events} events`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { counts: pos.counts, seconds, eventsPerSecond: pos.counts.events / seconds, days, tenants: tenants.length, tills: pos.deviceIds.length };
}

/** Each read model's applyBatch timed, so a rebuild of all of them says which one the time went to. */
function timed(projections: readonly Projection[], into: Map<string, number>): Projection[] {
  return projections.map((projection) => {
    if (projection.kind !== 'read_model') return projection;
    return {
      ...projection,
      applyBatch: async (trx, events) => {
        const t0 = performance.now();
        try {
          await projection.applyBatch(trx, events);
        } finally {
          into.set(projection.name, (into.get(projection.name) ?? 0) + (performance.now() - t0) / 1000);
        }
      },
    };
  });
}

async function rebuilds(postgres: Postgres, eventStore: EventStore): Promise<Rebuild[]> {
  const accounts = createPostgresAccounts(postgres.db, systemClock);
  const applySeconds = new Map<string, number>();
  const projections = timed(projectionsOf({ accounts, eventStore }), applySeconds);
  const runner = createProjectionRunner({ db: postgres.db, eventStore, clock: systemClock, logger: silent, projections, ...(env.BENCH_BATCH_SIZE && { batchSize: Number(env.BENCH_BATCH_SIZE) }) });
  const models = projections.filter((p) => p.kind === 'read_model').map((p) => p.name);
  const results: Rebuild[] = [];
  const run = async (names: readonly string[]): Promise<void> => {
    applySeconds.clear();
    const t0 = performance.now();
    const events = await runner.rebuild(names);
    const seconds = (performance.now() - t0) / 1000;
    const result = { models: names, events, seconds, eventsPerSecond: events / seconds, applySeconds: Object.fromEntries(applySeconds) };
    results.push(result);
    log(`rebuild ${names.length === models.length ? 'ALL read models' : names.join(', ')}: ${events} events in ${seconds.toFixed(1)} s = ${Math.round(result.eventsPerSecond)} events/s; apply s: ${[...applySeconds].map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')}`);
  };
  try {
    await run(models);
    if (env.BENCH_PER_MODEL !== '0') for (const name of models) await run([name]);
    if (env.BENCH_CLI_ALL !== '0') await run(runner.names);
  } finally {
    await runner.stop();
  }
  return results;
}

type Api = Readonly<{ base: string; owner: string; connectionString: string; eventStore: EventStore; postgres: Postgres; close: () => Promise<void> }>;

async function startApi(connectionString: string): Promise<Api> {
  // Every till of the bench comes from 127.0.0.1: the per-address and per-tenant request limits
  // (meant for one till's retry storm) would throttle the load itself, so they are off here.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_TENANT: '0' });
  const postgres = await connectPostgres({ kind: 'server', connectionString });
  const eventStore = createPostgresEventStore(postgres);
  const { app, projections } = await composeApi({ config, logger: silent, postgres, eventStore });
  await app.listen({ host: '127.0.0.1', port: 0 });
  await projections.start();
  const ownerEmail = `owner-${randomUUID()}@bench.example`;
  await bootstrapPlatformOwner(postgres.db, systemClock, randomIds, { email: ownerEmail, password: PASSWORD });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const owner = (await ok<{ accessToken: string }>(base, '/v1/auth/login', null, { email: ownerEmail, password: PASSWORD })).accessToken;
  return {
    base, owner, connectionString, eventStore, postgres,
    close: async () => {
      await app.close();
      await projections.stop();
      await eventStore.close();
    },
  };
}

/** Waits until every live read model's checkpoint is at or past the log's head. */
async function caughtUp(postgres: Postgres, eventStore: EventStore, budgetMs: number): Promise<boolean> {
  const head = await eventStore.headPosition();
  if (!head) return true;
  const until = performance.now() + budgetMs;
  while (performance.now() < until) {
    const { rows } = await sql<{ position: string | null }>`SELECT position FROM projection_checkpoints WHERE state = 'live' AND schema_name IS NOT NULL`.execute(postgres.db);
    if (rows.every((r) => r.position !== null && comparePositions(parsePosition(r.position) ?? { commit: 0n, prepare: 0n }, head) >= 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

const YEAR_SETTINGS = {
  legalName: 'Année Complète SAS', currency: 'EUR' as const, timeZone: 'Europe/Paris', priceMode: 'inclusive' as const,
  taxRates: [{ taxRateId: 'standard', name: 'TVA 20 %', basisPoints: 2000 }, { taxRateId: 'reduced', name: 'TVA 5,5 %', basisPoints: 550 }],
};

async function yearOfHistory(api: Api): Promise<Readonly<{ tenant: HttpTenant; generated: Generated; catchUpSeconds: number; caughtUp: boolean }>> {
  const tenant = await createTenant(api.base, api.owner, YEAR_SETTINGS, 4, 3);
  const profile: TenantProfile & { adopted: true } = {
    ...tenantProfile(0, 0, 0), ...YEAR_SETTINGS, tenantId: tenant.tenantId, adopted: true, cashStep: 500, priceRange: [150, 4500],
    taxRates: YEAR_SETTINGS.taxRates.map((r) => ({ ...r, taxRateId: r.taxRateId as never })), branches: tenant.branches,
  };
  const pos = new PosLog((streamId, events, expected) => api.eventStore.appendToStream(streamId, events, { expectedRevision: expected }), [profile], new Random(SEED + 1), WRITERS);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const dates = datesEndingAt(yesterday, YEAR_DAYS);
  const t0 = performance.now();
  await pos.setup(`${dates[0]!}T05:00:00.000Z` as never);
  const perTill = YEAR_ORDERS_PER_DAY / pos.deviceIds.length;
  for (const [i, date] of dates.entries()) {
    await pos.day(date, { ordersPerTillDay: perTill, openMinutes: 8 * 60, closeMinutes: 21 * 60 });
    if ((i + 1) % 30 === 0) log(`  year tenant: ${i + 1} days, ${pos.counts.orders} orders, ${pos.counts.events} events`);
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`year tenant: ${pos.counts.orders} orders, ${pos.counts.events} events written in ${seconds.toFixed(0)} s; waiting for the app's projections`);
  const c0 = performance.now();
  const done = await caughtUp(api.postgres, api.eventStore, 30 * 60_000);
  const catchUpSeconds = (performance.now() - c0) / 1000;
  return {
    tenant,
    generated: { counts: pos.counts, seconds, eventsPerSecond: pos.counts.events / seconds, days: YEAR_DAYS, tenants: 1, tills: pos.deviceIds.length },
    catchUpSeconds,
    caughtUp: done,
  };
}

async function timeQuery(api: Api, profile: SqlProfile, name: string, path: string, token: string): Promise<QueryResult> {
  const first = await call(api.base, 'GET', path, token);
  if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}: ${JSON.stringify(first.json)}`);
  for (let i = 0; i < 20; i++) await call(api.base, 'GET', path, token);
  const samples: number[] = [];
  profile.start();
  for (let i = 0; i < QUERY_N; i++) {
    const t0 = performance.now();
    const { status } = await call(api.base, 'GET', path, token);
    samples.push(performance.now() - t0);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
  }
  const statements = profile.stop();
  const body = first.json as { items?: unknown[] };
  const top = statements[0];
  const plan = top ? await profile.explain(api.connectionString, top) : null;
  const latency = summarize(samples);
  log(`${name}: p50 ${latency.p50Ms.toFixed(1)} ms, p95 ${latency.p95Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms (N=${QUERY_N}); top SQL ${top ? `${top.meanMs.toFixed(2)} ms × ${top.calls}` : 'none'}`);
  return {
    name, path, rows: Array.isArray(body.items) ? body.items.length : 1, latency,
    sql: statements.slice(0, 5).map((s) => ({ text: s.text.replace(/\s+/g, ' ').slice(0, 400), calls: s.calls, meanMs: s.meanMs })),
    plan,
  };
}

async function queries(api: Api, tenant: HttpTenant, profile: SqlProfile): Promise<QueryResult[]> {
  const device = tenant.branches[0]!.devices[0]!.deviceId;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 10);
  return [
    await timeQuery(api, profile, 'X-report (one till, open period)', `/v1/devices/${device}/x-report`, tenant.admin),
    await timeQuery(api, profile, 'Daily sales, first page (50 rows)', '/v1/reports/daily-sales', tenant.admin),
    await timeQuery(api, profile, 'Daily sales, last 31 days (50 rows)', `/v1/reports/daily-sales?from=${monthAgo}&to=${yesterday}`, tenant.admin),
    await timeQuery(api, profile, 'Daily sales, one branch, last 31 days', `/v1/reports/daily-sales?branchId=${tenant.branches[0]!.branchId}&from=${monthAgo}&to=${yesterday}`, tenant.admin),
  ];
}

type LagTill = Readonly<{ deviceId: string; branchId: string; drawerId: string; token: string }>;

async function lagTills(api: Api): Promise<LagTill[]> {
  const branches = Math.max(1, Math.ceil(LAG_TILLS / 10));
  const tenant = await createTenant(api.base, api.owner, { ...YEAR_SETTINGS, legalName: 'Cinquante Caisses SARL' }, branches, Math.ceil(LAG_TILLS / branches));
  const devices = tenant.branches.flatMap((b) => b.devices.map((d) => ({ ...d, branchId: b.branchId }))).slice(0, LAG_TILLS);
  // One after another: sign-ins and PIN hashing are bounded on purpose (SIGN_IN_BUSY otherwise).
  const tills: LagTill[] = [];
  for (const [i, device] of devices.entries()) {
    tills.push(
      await (async () => {
      const { id: employeeId } = await ok<{ id: string }>(api.base, '/v1/employees', tenant.admin, {
        personalData: { name: `Cashier ${i + 1}`, email: `lag-cashier-${randomUUID()}@bench.example` },
        role: 'cashier', branchIds: [device.branchId], deviceIds: [device.deviceId], pin: PIN,
      });
      const token = (await ok<{ accessToken: string }>(api.base, '/v1/auth/pin', null, { deviceId: device.deviceId, employeeId, pin: PIN })).accessToken;
      const key = (): Record<string, string> => ({ 'idempotency-key': randomUUID() });
      await ok(api.base, `/v1/employees/${employeeId}/clock-in`, token, { branchId: device.branchId, deviceId: device.deviceId }, key());
      const { id: drawerId } = await ok<{ id: string }>(api.base, `/v1/employees/${employeeId}/drawer/open`, token, { deviceId: device.deviceId, floatAmount: 10_000 }, key());
      return { deviceId: device.deviceId, branchId: device.branchId, drawerId, token };
      })(),
    );
  }
  return tills;
}

async function lagRun(api: Api, tills: readonly LagTill[], probe: LagProbe, thinkMs: number): Promise<LagRun> {
  const acks: { at: number; position: GlobalPosition }[] = [];
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + LAG_SECONDS * 1000;
  const random = new Random(SEED + thinkMs);
  const command = async (till: LagTill, path: string, body: unknown): Promise<void> => {
    const t0 = performance.now();
    const { status, json } = await call(api.base, 'POST', path, till.token, body, { 'idempotency-key': randomUUID() });
    const at = performance.now();
    latencies.push(at - t0);
    if (status >= 300) {
      errors += 1;
      if (errors <= 3) log(`  command ${path} answered ${status}: ${JSON.stringify(json)}`);
      return;
    }
    const position = parsePosition((json as { position?: string | null }).position ?? '');
    if (position) acks.push({ at, position });
    if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + random.next())));
  };
  const t0 = performance.now();
  await Promise.all(
    tills.map(async (till) => {
      while (performance.now() < until) {
        const orderId = randomUUID();
        await command(till, '/v1/orders', { orderId, branchId: till.branchId, deviceId: till.deviceId });
        const lines = random.int(1, 3);
        let total = 0;
        for (let l = 0; l < lines; l++) {
          const unitPrice = random.int(150, 2500);
          total += unitPrice;
          await command(till, `/v1/orders/${orderId}/lines`, { lineId: `l${l}`, sku: `SKU-${random.int(1, 200)}`, name: 'Article', unitPrice, quantity: 1, taxRateId: l % 3 === 2 ? 'reduced' : 'standard' });
        }
        const tender = random.chance(0.5) ? { method: 'cash', amount: Math.ceil(total / 500) * 500 } : { method: 'card', amount: total, processorReference: `ch_${orderId.slice(0, 8)}` };
        await command(till, `/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender, ...(tender.method === 'cash' ? { drawerId: till.drawerId } : {}) });
        await command(till, `/v1/orders/${orderId}/complete`, {});
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const last = acks.reduce<GlobalPosition | undefined>((max, a) => (!max || comparePositions(a.position, max) > 0 ? a.position : max), undefined);
  // Let every model reach the last acknowledgement before reading the samples.
  await caughtUp(api.postgres, api.eventStore, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const perModel: Record<string, LatencySummary & { unreached: number }> = {};
  const models = probe.models.filter((m) => m !== 'account_sync');
  const worst: number[] = acks.map(() => 0);
  for (const model of models) {
    const { summary, unreached } = probe.lags(model, acks);
    perModel[model] = { ...summary, unreached };
    probe.lagsEach(model, acks).forEach((lag, i) => {
      worst[i] = Math.max(worst[i] ?? 0, lag ?? Number.POSITIVE_INFINITY);
    });
  }
  const allModels = summarize(worst);
  log(`lag, ${tills.length} tills, think ${thinkMs} ms: ${acks.length} commands in ${seconds.toFixed(0)} s (${(acks.length / seconds).toFixed(0)}/s, ${errors} errors); applied by every model p50 ${allModels.p50Ms.toFixed(0)} ms, p99 ${allModels.p99Ms.toFixed(0)} ms, max ${allModels.maxMs.toFixed(0)} ms${last ? '' : ' (no acks)'}`);
  for (const model of models) log(`  ${model}: p50 ${perModel[model]!.p50Ms.toFixed(0)} p99 ${perModel[model]!.p99Ms.toFixed(0)} max ${perModel[model]!.maxMs.toFixed(0)} ms`);
  return { thinkMs, tills: tills.length, seconds, commands: acks.length, commandsPerSecond: acks.length / seconds, errors, commandLatency: summarize(latencies), perModel, allModels };
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');

type Results = {
  meta: Record<string, string>;
  targets: typeof TARGETS;
  mixedLog?: Generated;
  rebuilds?: Rebuild[];
  yearLog?: Generated & { catchUpSeconds: number; caughtUp: boolean };
  queries?: QueryResult[];
  lag?: LagRun[];
};

function toMarkdown(r: Results): string {
  const out: string[] = ['# Projections benchmark', ''];
  out.push(`Run ${r.meta.startedAt} (took ${r.meta.took} s) with \`${r.meta.command}\`.`);
  out.push(`${r.meta.machine}; 1-minute load average ${r.meta.loadStart} at the start, ${r.meta.loadEnd} at the end.`);
  out.push(`PostgreSQL server: ${r.meta.server}; client and server on the same machine. Code: ${r.meta.git}.`, '');
  if (r.mixedLog && r.rebuilds) {
    const g = r.mixedLog;
    const all = r.rebuilds[0];
    out.push('## 1. Rebuild of every read model', '');
    out.push(`Log: ${fmt(g.counts.events)} events (${g.tenants} tenants, ${g.tills} tills, ${g.days} days; ${fmt(g.counts.orders)} orders with ${fmt(g.counts.lines)} lines, ${fmt(g.counts.completed)} completed, ${fmt(g.counts.voided)} voided, ${fmt(g.counts.refunds)} refunds, ${fmt(g.counts.lateSales)} sales synced after their Z, ${fmt(g.counts.drawers)} drawers, ${fmt(g.counts.zReports)} Zs), written through the event store port in ${fmt(g.seconds, 0)} s (${fmt(g.eventsPerSecond)} events/s, ${fmt(g.counts.appends)} appends).`, '');
    if (all) out.push(`Target: all read models at >= ${fmt(TARGETS.rebuildEventsPerSecond)} events/s. Measured ${fmt(all.eventsPerSecond)} events/s: ${verdict(all.eventsPerSecond >= TARGETS.rebuildEventsPerSecond)}.`, '');
    out.push('`runner.rebuild(names)` (what `projections rebuild` runs): a new generation per model filled from the whole log, then switched. "Apply s" is the time inside each model\'s `applyBatch` (its fold and its SQL, in the batch transaction); the rest is reading and decoding the log and the checkpoints.', '');
    out.push('| Models | Events | Seconds | Events/s | Apply s per model |', '| --- | --- | --- | --- | --- |');
    for (const b of r.rebuilds) {
      out.push(`| ${b.models.join(', ')} | ${fmt(b.events)} | ${fmt(b.seconds, 1)} | ${fmt(b.eventsPerSecond)} | ${Object.entries(b.applySeconds).sort((a, c) => c[1] - a[1]).map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')} |`);
    }
    out.push('');
  }
  if (r.yearLog && r.queries) {
    const y = r.yearLog;
    out.push('## 2. X-report and daily sales on a year of history', '');
    out.push(`Tenant: ${y.tills} tills, ${y.days} days, ${fmt(y.counts.orders)} orders (${fmt(y.counts.events)} events) beside the log of part 1, appended in ${fmt(y.seconds)} s while the app ran; its projections were ${y.caughtUp ? '' : 'NOT '}caught up ${fmt(y.catchUpSeconds, 1)} s after the last append.`, '');
    out.push(`Target: p95 <= ${TARGETS.queryP95Ms} ms, warm, N=${QUERY_N} sequential GETs over HTTP (loopback) with a tenant admin's token.`, '');
    out.push('| Query | Rows | p50 ms | p95 ms | p99 ms | max ms | Target | Slowest SQL (mean ms × calls) |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const q of r.queries) {
      const top = q.sql[0];
      out.push(`| ${q.name} | ${q.rows} | ${fmt(q.latency.p50Ms, 1)} | ${fmt(q.latency.p95Ms, 1)} | ${fmt(q.latency.p99Ms, 1)} | ${fmt(q.latency.maxMs, 1)} | ${verdict(q.latency.p95Ms <= TARGETS.queryP95Ms)} | ${top ? `${top.meanMs.toFixed(2)} × ${top.calls / QUERY_N} per GET` : ''} |`);
    }
    out.push('');
    for (const q of r.queries) {
      if (!q.plan) continue;
      out.push(`<details><summary>${q.name}: plan of its slowest statement</summary>`, '', '```', q.sql[0]?.text ?? '', '', q.plan, '```', '</details>', '');
    }
  }
  if (r.lag) {
    out.push('## 3. Projection lag under 50 tills', '');
    out.push(`Target: p99 <= ${TARGETS.lagP99Ms} ms from a command's acknowledgement to its position applied by every read model.`);
    out.push(`Method: each till signs in with its cashier's PIN, clocks in, opens a drawer, then sells in a loop over HTTP (open, 1-3 lines, a cash or card payment, complete; each with an Idempotency-Key), waiting the think time between commands. A probe on its own connection reads every live checkpoint every ${LAG_POLL_MS} ms; an acknowledged command (answer received at t, position p) counts as applied by a model at the first probe sample at or past p (lag = sample - t, 0 if before). The figures are upper bounds by up to one poll interval plus the probe's round trip.`, '');
    out.push('| Think ms | Tills | Commands/s | Command p50 / p99 ms | Lag, every model: p50 / p95 / p99 / max ms | Target | Slowest model at p99 |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const l of r.lag) {
      const slowest = Object.entries(l.perModel).sort((a, b) => b[1].p99Ms - a[1].p99Ms)[0];
      out.push(`| ${l.thinkMs} | ${l.tills} | ${fmt(l.commandsPerSecond)} (${l.errors} errors) | ${fmt(l.commandLatency.p50Ms, 1)} / ${fmt(l.commandLatency.p99Ms, 1)} | ${fmt(l.allModels.p50Ms)} / ${fmt(l.allModels.p95Ms)} / ${fmt(l.allModels.p99Ms)} / ${fmt(l.allModels.maxMs)} | ${verdict(l.allModels.p99Ms <= TARGETS.lagP99Ms)} | ${slowest ? `${slowest[0]} ${fmt(slowest[1].p99Ms)} ms` : ''} |`);
    }
    out.push('', '| Think ms | Model | p50 | p95 | p99 | max | never reached |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const l of r.lag) for (const [model, s] of Object.entries(l.perModel)) out.push(`| ${l.thinkMs} | ${model} | ${fmt(s.p50Ms)} | ${fmt(s.p95Ms)} | ${fmt(s.p99Ms)} | ${fmt(s.maxMs)} | ${s.unreached} |`);
    out.push('');
  }
  return out.join('\n');
}

/** The commit measured, and whether source files differed from it (another engineer's work in progress). */
function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    return dirty === 0 ? head : `${head} with ${dirty} uncommitted files under src/`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = (os.loadavg()[0] ?? 0).toFixed(2);
  const scratch = await createScratchDatabase(databaseUrl, `${scratchRunId()}_projections`);
  const results: Results = { meta: {}, targets: TARGETS };
  const profile = new SqlProfile();
  try {
    log(`server: ${scratch.server.version}; ${SMOKE ? 'SMOKE run' : 'full run'}, ${fmt(EVENTS)} events`);
    const postgres = await connectPostgres({ kind: 'server', connectionString: scratch.connectionString });
    await migrateToLatest(postgres.db);
    const eventStore = createPostgresEventStore(postgres);
    try {
      if (PHASES.has('rebuild')) {
        log('writing the mixed POS log');
        results.mixedLog = await generateMixedLog(eventStore);
        log(`wrote ${results.mixedLog.counts.events} events in ${results.mixedLog.seconds.toFixed(0)} s`);
        await runStatement(scratch.connectionString, 'VACUUM ANALYZE');
        results.rebuilds = await rebuilds(postgres, eventStore);
      }
    } finally {
      await eventStore.close();
    }
    if (PHASES.has('queries') || PHASES.has('lag')) {
      const api = await startApi(scratch.connectionString);
      try {
        if (!(await caughtUp(api.postgres, api.eventStore, 30 * 60_000))) log('the app did not catch up with the log within 30 minutes');
        if (PHASES.has('queries')) {
          log('writing a year of one tenant');
          const year = await yearOfHistory(api);
          results.yearLog = { ...year.generated, catchUpSeconds: year.catchUpSeconds, caughtUp: year.caughtUp };
          await runStatement(scratch.connectionString, 'VACUUM ANALYZE');
          results.queries = await queries(api, year.tenant, profile);
        }
        if (PHASES.has('lag')) {
          const tills = await lagTills(api);
          const probe = new LagProbe(scratch.connectionString, LAG_POLL_MS);
          await probe.start();
          try {
            results.lag = [];
            for (const think of LAG_THINK_MS) results.lag.push(await lagRun(api, tills, probe, think));
          } finally {
            await probe.stop();
          }
        }
      } finally {
        await api.close();
      }
    }
  } finally {
    await scratch.drop();
  }
  const cpus = os.cpus();
  results.meta = {
    startedAt: startedAt.toISOString(),
    took: ((performance.now() - started) / 1000).toFixed(0),
    command: `${Object.entries(env).filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_DATABASE_URL').map(([k, v]) => `${k}=${v} `).join('')}npm run bench:projections`,
    machine: `Node ${process.version} on ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'})`,
    loadStart,
    loadEnd: (os.loadavg()[0] ?? 0).toFixed(2),
    server: scratch.server.version,
    git: gitState(),
  };
  // A smoke run's figures say nothing about the targets: they go to the temporary directory.
  const dir = SMOKE ? `${os.tmpdir()}/` : fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const name = 'projections';
  await writeFile(`${dir}${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${dir}${name}.md`, toMarkdown(results));
  log(`wrote ${dir}${name}.json and ${name}.md`);
}

await main();
