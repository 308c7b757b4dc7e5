/**
 * Offline sync: how long `POST /v1/sync` takes for a till's day of commands, over the real app
 * (composeApi, real tokens, idempotency, the order routes) listening on a real socket.
 * Run: npm run bench:sync. Writes bench/results/sync.json and sync.md.
 *
 * Cases, on the embedded database (PGlite, in memory) and on a PostgreSQL server (a scratch
 * database created on BENCH_DATABASE_URL and dropped at the end):
 * - one batch: 500 line additions to one open order, from one till;
 * - four batches at once: four tills, each posting 500 line additions to its own order.
 * SYNC_BENCH_COMMANDS changes the batch size (at most 500), SYNC_BENCH_BUDGET_S the longest a
 * case may run before it is given up (reported as not finished).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { EventStore } from '../src/application/ports/eventStore.js';
import { composeApi } from '../src/compose.js';
import { bootstrapPlatformOwner } from '../src/infrastructure/auth/bootstrap.js';
import { loadConfig } from '../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { connectPostgres, type PostgresTarget } from '../src/infrastructure/postgres/connect.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrate.js';
import { randomIds, systemClock } from '../src/infrastructure/system.js';
import { createScratchDatabase, scratchRunId } from './lib/scratchDb.js';

const COMMANDS = Math.min(500, Number(process.env.SYNC_BENCH_COMMANDS ?? 500));
const BUDGET_MS = Number(process.env.SYNC_BENCH_BUDGET_S ?? 180) * 1000;
const CONCURRENT = 4;
/** `embedded`, `server` or both (the default), comma-separated. */
const DATABASES = (process.env.SYNC_BENCH_DATABASES ?? 'embedded,server').split(',').map((name) => name.trim());
const TARGET_MS = 2000;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'correct horse battery staple';
const PIN = '4821';

const started = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

type CaseResult = Readonly<{
  database: 'embedded' | 'server';
  case: string;
  batches: number;
  commandsPerBatch: number;
  finished: boolean;
  /** Wall time until the last batch answered (or the budget ran out). */
  seconds: number;
  /** Each batch's own time, in the order they answered. */
  batchSeconds: readonly number[];
  applied: number;
  msPerCommand: number;
}>;

type Api = Readonly<{ base: string; eventStore: EventStore; close: () => Promise<void> }>;

async function startApi(target: PostgresTarget): Promise<Api & { ownerEmail: string }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const postgres = await connectPostgres(target);
  await migrateToLatest(postgres.db);
  const eventStore = createPostgresEventStore(postgres);
  const { app, projections } = await composeApi({ config, logger: pino({ level: 'silent' }), postgres, eventStore });
  await app.listen({ host: '127.0.0.1', port: 0 });
  await projections.start();
  const ownerEmail = `owner-${randomUUID()}@bench.example`;
  await bootstrapPlatformOwner(postgres.db, systemClock, randomIds, { email: ownerEmail, password: PASSWORD });
  const { port } = app.server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    eventStore,
    ownerEmail,
    close: async () => {
      await app.close();
      await projections.stop();
      await eventStore.close();
    },
  };
}

async function post(base: string, path: string, token: string | null, body: unknown, signal?: AbortSignal): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: response.status, json: await response.json() };
}

async function ok<T>(base: string, path: string, token: string | null, body: unknown): Promise<T> {
  const { status, json } = await post(base, path, token, body);
  if (status >= 300) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(json)}`);
  return json as T;
}

type Till = Readonly<{ deviceId: string; token: string; orderId: string }>;

/** An active tenant with one branch and `count` tills, a cashier signed in on each, an order open on each. */
async function openTills(api: Api & { ownerEmail: string }, count: number): Promise<Till[]> {
  const { base } = api;
  const owner = (await ok<{ accessToken: string }>(base, '/v1/auth/login', null, { email: api.ownerEmail, password: PASSWORD })).accessToken;
  const { id: tenantId } = await ok<{ id: string }>(base, '/v1/tenants', owner, {
    legalName: 'Bench SARL',
    currency: 'EUR',
    timeZone: 'Europe/Paris',
    priceMode: 'inclusive',
    taxRates: [{ taxRateId: 'standard', name: 'TVA 20 %', basisPoints: 2000 }],
    discountApprovalThresholdBasisPoints: 1000,
  });
  await ok(base, `/v1/tenants/${tenantId}/activate`, owner, {});
  const adminEmail = `admin-${randomUUID()}@bench.example`;
  await ok(base, `/v1/tenants/${tenantId}/admins`, owner, { personalData: { name: 'Camille Martin', email: adminEmail }, password: PASSWORD });
  const admin = (await ok<{ accessToken: string }>(base, '/v1/auth/login', null, { email: adminEmail, password: PASSWORD })).accessToken;
  const { id: branchId } = await ok<{ id: string }>(base, `/v1/tenants/${tenantId}/branches`, admin, { name: 'Centre' });
  const deviceIds: string[] = [];
  for (let i = 0; i < count; i++) {
    deviceIds.push((await ok<{ id: string }>(base, `/v1/tenants/${tenantId}/devices`, admin, { branchId, name: `Till ${i + 1}` })).id);
  }
  const { id: cashierId } = await ok<{ id: string }>(base, '/v1/employees', admin, {
    personalData: { name: 'Léa Dubois', email: `cashier-${randomUUID()}@bench.example` },
    role: 'cashier',
    branchIds: [branchId],
    deviceIds,
    pin: PIN,
  });
  const tills: Till[] = [];
  for (const deviceId of deviceIds) {
    const token = (await ok<{ accessToken: string }>(base, '/v1/auth/pin', null, { deviceId, employeeId: cashierId, pin: PIN })).accessToken;
    const orderId = randomUUID();
    // Cashiers' commands carry an Idempotency-Key.
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `open-${orderId}` },
      body: JSON.stringify({ orderId, branchId, deviceId }),
    });
    if (response.status >= 300) throw new Error(`open order answered ${response.status}: ${await response.text()}`);
    tills.push({ deviceId, token, orderId });
  }
  return tills;
}

function lineBatch(till: Till): unknown {
  const clientTime = new Date(Date.now() - 60 * 60_000).toISOString();
  return {
    deviceId: till.deviceId,
    commands: Array.from({ length: COMMANDS }, (_, i) => ({
      idempotencyKey: `${till.orderId}:line:${i}`,
      clientTime,
      method: 'POST',
      path: `/v1/orders/${till.orderId}/lines`,
      body: { lineId: `l${i}`, sku: `SKU-${i}`, name: `Article ${i}`, unitPrice: 100 + i, quantity: 1, taxRateId: 'standard' },
    })),
  };
}

type SyncAnswer = Readonly<{ results: readonly Readonly<{ outcome: string; status: number }>[] }>;

async function runCase(database: CaseResult['database'], name: string, api: Api, tills: readonly Till[]): Promise<CaseResult> {
  const controller = new AbortController();
  const budget = setTimeout(() => {
    controller.abort();
  }, BUDGET_MS);
  const t0 = performance.now();
  const batchSeconds: number[] = [];
  let applied = 0;
  let finished = true;
  try {
    await Promise.all(
      tills.map(async (till) => {
        const { status, json } = await post(api.base, '/v1/sync', till.token, lineBatch(till), controller.signal);
        if (status !== 200) throw new Error(`sync answered ${status}: ${JSON.stringify(json)}`);
        const results = (json as SyncAnswer).results;
        applied += results.filter((r) => r.outcome === 'applied').length;
        const refused = results.find((r) => r.outcome !== 'applied');
        if (refused) throw new Error(`a command was not applied: ${JSON.stringify(refused)}`);
        batchSeconds.push((performance.now() - t0) / 1000);
      }),
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    finished = false;
  } finally {
    clearTimeout(budget);
  }
  const seconds = (performance.now() - t0) / 1000;
  const result: CaseResult = {
    database,
    case: name,
    batches: tills.length,
    commandsPerBatch: COMMANDS,
    finished,
    seconds,
    batchSeconds,
    applied,
    msPerCommand: applied === 0 ? Number.NaN : (seconds * 1000) / applied,
  };
  log(`${database} ${name}: ${finished ? 'finished' : 'NOT finished'} in ${seconds.toFixed(2)} s, ${applied} applied, ${result.msPerCommand.toFixed(2)} ms/command`);
  return result;
}

async function benchOn(database: CaseResult['database'], target: PostgresTarget): Promise<CaseResult[]> {
  const api = await startApi(target);
  try {
    const tills = await openTills(api, 1 + CONCURRENT);
    const [first, ...others] = tills;
    if (!first) throw new Error('no till');
    const results = [await runCase(database, `1 batch of ${COMMANDS} line additions`, api, [first])];
    results.push(await runCase(database, `${CONCURRENT} batches at once, ${COMMANDS} line additions each`, api, others));
    // Posting the first batch again: every command is replayed.
    const t0 = performance.now();
    const { json } = await post(api.base, '/v1/sync', first.token, lineBatch(first));
    const replayed = (json as SyncAnswer).results.filter((r) => r.outcome === 'replayed').length;
    const seconds = (performance.now() - t0) / 1000;
    log(`${database} replay: ${replayed} replayed in ${seconds.toFixed(2)} s`);
    results.push({
      database,
      case: `the first batch posted again (${COMMANDS} replays)`,
      batches: 1,
      commandsPerBatch: COMMANDS,
      finished: replayed === COMMANDS,
      seconds,
      batchSeconds: [seconds],
      applied: 0,
      msPerCommand: (seconds * 1000) / COMMANDS,
    });
    return results;
  } finally {
    await api.close();
  }
}

function toMarkdown(results: readonly CaseResult[], meta: Readonly<Record<string, string>>): string {
  const rows = results.map(
    (r) =>
      `| ${r.database} | ${r.case} | ${r.finished ? 'yes' : `no (budget ${BUDGET_MS / 1000} s)`} | ${r.seconds.toFixed(2)} | ${r.batchSeconds.map((s) => s.toFixed(2)).join(', ')} | ${Number.isNaN(r.msPerCommand) ? '–' : r.msPerCommand.toFixed(2)} |`,
  );
  const single = results.filter((r) => r.batches === 1 && r.applied > 0);
  const target = single.map((r) => `${r.database}: ${r.seconds.toFixed(2)} s (${r.seconds * 1000 < TARGET_MS ? 'met' : 'NOT met'})`).join('; ');
  return [
    '# Offline sync benchmark',
    '',
    `Run ${meta.startedAt} (took ${meta.took} s) with \`npm run bench:sync\`.`,
    `${meta.machine}; 1-minute load average ${meta.loadStart} at the start, ${meta.loadEnd} at the end.`,
    `PostgreSQL server: ${meta.server}; client and server on the same machine. Embedded: PGlite in memory.`,
    '',
    `Target: one batch of 500 commands in under ${TARGET_MS / 1000} s. ${target}.`,
    '',
    'The app is the composition root\'s (real tokens, idempotency, order routes), listening on a socket; each batch is one `POST /v1/sync` from its own till.',
    '',
    '| Database | Case | Finished | Seconds | Each batch answered at (s) | ms per command |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = (os.loadavg()[0] ?? 0).toFixed(2);
  const results: CaseResult[] = [];
  if (DATABASES.includes('embedded')) {
    log(`embedded (PGlite), ${COMMANDS} commands per batch`);
    results.push(...(await benchOn('embedded', { kind: 'embedded', dataDir: undefined })));
  }
  let server = 'not run';
  if (DATABASES.includes('server')) {
    const scratch = await createScratchDatabase(databaseUrl, `${scratchRunId()}_sync`);
    server = scratch.server.version;
    try {
      log(`server: ${server}`);
      results.push(...(await benchOn('server', { kind: 'server', connectionString: scratch.connectionString })));
    } finally {
      await scratch.drop();
    }
  }
  const cpus = os.cpus();
  const meta = {
    startedAt: startedAt.toISOString(),
    took: ((performance.now() - started) / 1000).toFixed(0),
    machine: `Node ${process.version} on ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'})`,
    loadStart,
    loadEnd: (os.loadavg()[0] ?? 0).toFixed(2),
    server,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}sync.json`, `${JSON.stringify({ meta, targetMs: TARGET_MS, results }, null, 2)}\n`);
  await writeFile(`${dir}sync.md`, toMarkdown(results, meta));
  log('wrote bench/results/sync.json and sync.md');
}

await main();
