/**
 * Does a flood of sign-ins starve other requests? An authenticated GET's latency, alone and while
 * 16 sign-ins run in parallel (each an unknown email, so it hashes the decoy, from its own address
 * so no throttle refuses it before the hash), over real HTTP on loopback.
 * Run: npm run bench:signin. Writes bench/results/signin.json and signin.md.
 *
 * The app is the composition root's (tests/support/fullApp.ts: every route, PGlite in memory).
 * Each scenario runs twice: with sign-in hashing bounded as configured by default
 * (SIGN_IN_HASH_CONCURRENCY), and with it as wide as libuv's pool (4), which is how it ran before
 * the bound existed. BENCH_GETS sets how many GETs each scenario measures (default 60: loaded ones took seconds each
 * before the bound).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { openShop, startFullApp } from '../tests/support/fullApp.js';
import { summarize, type LatencySummary } from './lib/stats.js';

const SIGN_INS_IN_PARALLEL = 16;
const GETS = Number(process.env.BENCH_GETS ?? 60);

type Scenario = Readonly<{
  label: string;
  hashConcurrency: string | undefined;
  idle: LatencySummary;
  loaded: LatencySummary;
  signIns: Readonly<{ count: number; perSecond: number; statuses: Readonly<Record<string, number>>; latency: LatencySummary }>;
}>;

async function timedGets(url: string, token: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET answered ${response.status}`);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function scenario(label: string, hashConcurrency: string | undefined): Promise<Scenario> {
  const full = await startFullApp({ TRUST_PROXY: 'loopback', ...(hashConcurrency === undefined ? {} : { SIGN_IN_HASH_CONCURRENCY: hashConcurrency }) });
  try {
    const shop = await openShop(full);
    const base = await full.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${base}/v1/tenants/${shop.tenantId}`;
    await timedGets(url, shop.tokens.admin, 20); // warm up
    const idle = summarize(await timedGets(url, shop.tokens.admin, GETS));
    log(`${label}: idle GETs done`);

    let running = true;
    let address = 0;
    const statuses: Record<string, number> = {};
    const signInLatency: number[] = [];
    const signInWorker = async (): Promise<void> => {
      while (running) {
        address += 1;
        const started = performance.now();
        const response = await fetch(`${base}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` },
          body: JSON.stringify({ email: `nobody-${address}@bench.example`, password: 'not the password at all' }),
        });
        await response.arrayBuffer();
        signInLatency.push(performance.now() - started);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        // A refused sign-in (503 busy) retries after a breath, as a client honouring Retry-After would, sooner.
        if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const loadStarted = performance.now();
    const workers = Array.from({ length: SIGN_INS_IN_PARALLEL }, signInWorker);
    // Let the flood fill the pool before measuring.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const loaded = summarize(await timedGets(url, shop.tokens.admin, GETS));
    log(`${label}: loaded GETs done`);
    running = false;
    await Promise.all(workers);
    const seconds = (performance.now() - loadStarted) / 1000;
    return {
      label,
      hashConcurrency: hashConcurrency ?? 'default',
      idle,
      loaded,
      signIns: { count: signInLatency.length, perSecond: signInLatency.length / seconds, statuses, latency: summarize(signInLatency) },
    };
  } finally {
    await full.close();
  }
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

const ms = (value: number): string => (value < 10 ? value.toFixed(1) : value.toFixed(0));

function toMarkdown(results: Readonly<{ startedAt: string; machine: string; scenarios: readonly Scenario[] }>): string {
  const lines = [
    '# Sign-in flood vs an authenticated GET',
    '',
    `Run ${results.startedAt} on ${results.machine}. ${GETS} sequential \`GET /v1/tenants/{id}\` (tenant admin token) over loopback HTTP,`,
    `alone, then while ${SIGN_INS_IN_PARALLEL} sign-ins (unknown emails: one decoy scrypt each) run in parallel without pause. PGlite in memory.`,
    '',
    '| hashing | GET p50 idle | GET p95 idle | GET p50 loaded | GET p95 loaded | GET max loaded | sign-ins/s | sign-in p50 | sign-in answers |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of results.scenarios) {
    const answers = Object.entries(s.signIns.statuses).map(([status, count]) => `${status}×${count}`).join(', ');
    lines.push(
      `| ${s.label} | ${ms(s.idle.p50Ms)} ms | ${ms(s.idle.p95Ms)} ms | ${ms(s.loaded.p50Ms)} ms | ${ms(s.loaded.p95Ms)} ms | ${ms(s.loaded.maxMs)} ms | ${s.signIns.perSecond.toFixed(1)} | ${ms(s.signIns.latency.p50Ms)} ms | ${answers} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const scenarios = [await scenario('bounded (default)', undefined), await scenario('bound set to 4 (the width of the libuv pool)', '4')];
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg()[0]?.toFixed(2) ?? '?'}, Node ${process.version}`;
  const results = { startedAt, machine, gets: GETS, signInsInParallel: SIGN_INS_IN_PARALLEL, scenarios };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}signin.json`, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = toMarkdown(results);
  await writeFile(`${dir}signin.md`, markdown);
  process.stdout.write(markdown);
}

await main();
