import { describe, expect, it } from 'vitest';
import { judge, report } from '../support/fuzz/oracle.js';
import type { FuzzRequest } from '../support/fuzz/requests.js';

/** The fuzz test's judge (tests/e2e/fuzz.test.ts): what it must flag, so a green fuzz run means something. */

const request: FuzzRequest = { operation: 'POST /v1/orders', method: 'POST', url: '/v1/orders', headers: {}, payload: '{}', who: 'cashier A', faults: [] };
const PROBLEM = { 'content-type': 'application/problem+json; charset=utf-8' };
const answer = (statusCode: number, body: unknown, headers: Record<string, string> = PROBLEM) => ({
  statusCode,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers,
});
const problems = (response: ReturnType<typeof answer>, of: FuzzRequest = request) => judge(of, response).map((finding) => finding.problem);

describe('the fuzz judge', () => {
  it('passes a 2xx and a problem+json refusal with type, title, status and code', () => {
    expect(problems(answer(201, { id: 'o1' }, { 'content-type': 'application/json' }))).toEqual([]);
    expect(problems(answer(409, { type: 'about:blank', title: 'Conflict', status: 409, code: 'ORDER_VOIDED' }))).toEqual([]);
  });

  it('flags any 5xx, even a well-formed one', () => {
    expect(problems(answer(500, { type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'INTERNAL_ERROR' }))).toEqual(['5xx']);
    expect(problems(answer(503, { type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'SERVICE_UNAVAILABLE' }))).toEqual(['5xx']);
  });

  it('flags an error that is not problem+json, lacks a code, or misstates its status', () => {
    expect(problems(answer(400, { message: 'bad' }, { 'content-type': 'application/json' }))).toEqual(['error answered as "application/json"']);
    expect(problems(answer(404, { type: 'about:blank', title: 'Not Found', status: 404 }))).toEqual(['not a problem document: no "code"']);
    expect(problems(answer(400, { type: 'about:blank', title: 'Bad Request', status: 422, code: 'X' }))).toEqual(['not a problem document: "status" 422 is not the HTTP status']);
    expect(problems(answer(400, 'not json'))).toEqual(['not a problem document: the body is not a JSON object']);
  });

  it('flags a stack trace or a source path in any answer', () => {
    const leaky = { type: 'about:blank', title: 'Bad Request', status: 400, code: 'X', detail: 'TypeError: x is undefined\n    at decide (/work/main/src/domain/order.ts:12:7)' };
    expect(problems(answer(400, leaky)).length).toBeGreaterThan(0);
    expect(problems(answer(200, { note: 'see node_modules/pg/lib/client.js' }, { 'content-type': 'application/json' })).length).toBeGreaterThan(0);
  });

  it('judges each command of a sync batch as an answer of its own', () => {
    const sync: FuzzRequest = { ...request, operation: 'POST /v1/sync', url: '/v1/sync' };
    const results = [
      { idempotencyKey: 'k1', outcome: 'applied', status: 200, body: { id: 'o1' } },
      { idempotencyKey: 'k2', outcome: 'rejected', status: 500, body: { type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'INTERNAL_ERROR' } },
      { idempotencyKey: 'k3', outcome: 'rejected', status: 422, body: { title: 'Unprocessable Content', status: 422 } },
    ];
    expect(problems(answer(200, { results }, { 'content-type': 'application/json' }), sync)).toEqual([
      'a synced command answered 500',
      'a synced command\'s 422 is not a problem document: no "type"',
    ]);
  });

  it('groups findings by operation, status, code and problem, with the replay command', () => {
    const findings = [...judge(request, answer(500, { code: 'INTERNAL_ERROR' })), ...judge(request, answer(500, { code: 'INTERNAL_ERROR' }))];
    const text = report(findings, 'FUZZ_SEED=7 FUZZ_RUNS=10 npx vitest run tests/e2e/fuzz.test.ts');
    // Two answers, each a 5xx and not a problem document: four findings, two groups.
    expect(text).toContain('4 finding(s) in 2 group(s); replay with FUZZ_SEED=7');
    expect(text).toContain('× 2  POST /v1/orders | 500 | INTERNAL_ERROR | 5xx');
  });
});
