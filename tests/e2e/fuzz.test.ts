import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullAppOn, openTestStorage } from '../support/storageTargets.js';
import { postgresServerUrl } from '../support/services.js';
import type { FullApp } from '../support/fullApp.js';
import { report } from '../support/fuzz/oracle.js';
import { seedFrom } from '../support/fuzz/random.js';
import { operationsOf, type OpenApiDocument, type Operation } from '../support/fuzz/requests.js';
import { fuzz, type FuzzOutcome } from '../support/fuzz/run.js';
import { seedWorld, type World } from '../support/fuzz/world.js';

/**
 * Requests derived from the app's own OpenAPI document, for every operation, valid and wrong in
 * every way we could think of (types, bounds, control characters, huge and deep values, bad ids,
 * queries and headers, forged tokens): none may answer 5xx, every error is problem+json with a
 * code, no answer shows a stack. A fixed seed runs on every CI run, and a random one printed for
 * replay (FUZZ_SEED forces it, FUZZ_RUNS sets the requests per seed).
 */

const FIXED_SEED = 20261202;
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_600);
if (!Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
// The rate limits would answer 429 long before the fuzzer is done, and hide what lies behind them.
const NO_RATE_LIMITS = { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_TENANT: '0', RATE_LIMIT_SYNC_PER_ADDRESS: '0', RATE_LIMIT_SYNC_PER_TENANT: '0' };

function summary(outcome: FuzzOutcome): string {
  const byClass = new Map<string, number>();
  let reached = 0;
  for (const statuses of outcome.statuses.values()) {
    for (const [status, count] of statuses) {
      byClass.set(`${Math.floor(status / 100)}xx`, (byClass.get(`${Math.floor(status / 100)}xx`) ?? 0) + count);
      if (status < 300 || status === 404 || status === 409 || status === 412 || status === 422) reached += count;
    }
  }
  const never = [...outcome.statuses].filter(([, statuses]) => ![...statuses.keys()].some((status) => status < 300)).map(([key]) => key);
  const top = [...outcome.codes].sort((x, y) => y[1] - x[1]).slice(0, 25);
  return [
    `${outcome.requests} requests in ${Math.round(outcome.milliseconds)} ms; ${[...byClass].map(([c, n]) => `${c}: ${n}`).join(', ')}; past the schema: ${reached}`,
    `  answers: ${top.map(([c, n]) => `${c} ${n}`).join(', ')}`,
    `  never a 2xx: ${never.join(', ') || 'none'}`,
    `  slowest: ${outcome.slowest.map((s) => `${s.ms} ms ${s.what}`).join('; ')}`,
  ].join('\n');
}

function fuzzSuite(label: string, serverUrl: string | undefined, runs: number): void {
  describe(`fuzz: every operation of the OpenAPI document (${label})`, () => {
    let full: FullApp;
    let world: World;
    let operations: Operation[];

    beforeAll(async () => {
      full = await startFullAppOn(await openTestStorage(serverUrl), undefined, NO_RATE_LIMITS);
      const document = await full.app.inject({ method: 'GET', url: '/v1/openapi.json' });
      expect(document.statusCode).toBe(200);
      operations = operationsOf(document.json<OpenApiDocument>());
      world = await seedWorld(full);
    }, 120_000);
    afterAll(async () => {
      await full.close();
    });

    it('derives requests for every operation of the document', () => {
      // A broken or emptied document would make the fuzzer test nothing.
      expect(operations.length).toBeGreaterThan(55);
      expect(operations.filter((op) => op.body !== undefined).length).toBeGreaterThan(45);
    });

    const seeds = [
      ['the fixed seed', FIXED_SEED],
      ['a random seed', seedFrom(process.env.FUZZ_SEED)],
    ] as const;
    for (const [name, seed] of seeds) {
      it(`answers ${runs} requests of ${name} (${seed}) without a 5xx, each error as problem+json with a code`, async () => {
        // The random seed runs after the fixed one, on the world it left: a replay runs the file, both in order.
        const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=${RUNS} npx vitest run tests/e2e/fuzz.test.ts`;
        console.info(`fuzz (${label}): seed ${seed}, ${runs} requests; replay with ${replay}`);
        const outcome = await fuzz(full.app, world, operations, seed, runs);
        console.info(`fuzz (${label}) seed ${seed}: ${summary(outcome)}`);
        // Every operation was drawn: the generator covers the whole document.
        expect([...outcome.statuses.keys()].sort()).toEqual(operations.map((op) => op.key).sort());
        expect(Object.fromEntries(outcome.unsent), `requests the harness could not send (seed ${seed})`).toEqual({});
        expect(outcome.findings.length, report(outcome.findings, replay)).toBe(0);
      }, 300_000);
    }
  });
}

fuzzSuite('PGlite', undefined, RUNS);
const serverUrl = postgresServerUrl();
// The server answers faster than PGlite; its start and the shops' set-up are most of its time.
if (serverUrl) fuzzSuite('PostgreSQL server', serverUrl, Math.min(RUNS, 1_500));
