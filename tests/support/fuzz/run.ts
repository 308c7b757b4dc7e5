import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { judge, type Finding } from './oracle.js';
import { Random } from './random.js';
import { nextRequest, type FuzzRequest, type Operation } from './requests.js';
import { remember, type World } from './world.js';

/** What a resource's POST answers as `id`, by the collection it is posted to. */
const CREATED: Readonly<Record<string, string>> = {
  tenants: 'tenantId',
  branches: 'branchId',
  devices: 'deviceId',
  employees: 'employeeId',
  admins: 'employeeId',
  'support-sessions': 'sessionId',
  orders: 'orderId',
};

/** Ids a command names in its body and that later requests can use. */
const BODY_IDS = ['orderId', 'lineId', 'discountId', 'paymentId', 'refundId', 'taxRateId', 'shiftId', 'drawerId', 'movementId', 'sessionId'];

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function codeOf(body: string): string {
  const document = parse(body);
  return document !== null && typeof document === 'object' && 'code' in document && typeof document.code === 'string' ? document.code : '?';
}

/** After a 2xx: the ids the app now holds, and new refresh tokens; after a refusal of the role, that the role is refused. */
function learn(world: World, request: FuzzRequest, response: LightMyRequestResponse): void {
  if (response.statusCode === 403 && codeOf(response.body) === 'ROLE_NOT_ALLOWED') {
    world.refusedRoles.set(request.operation, (world.refusedRoles.get(request.operation) ?? new Set()).add(request.who));
  }
  if (response.statusCode >= 300 || request.method !== 'POST') return;
  const answer = parse(response.body);
  const sent = typeof request.payload === 'string' ? parse(request.payload) : undefined;
  if (answer !== null && typeof answer === 'object' && 'refreshToken' in answer && typeof answer.refreshToken === 'string') world.refreshTokens.push(answer.refreshToken);
  const collection = request.url.split('?')[0]?.split('/').at(-1) ?? '';
  const name = CREATED[collection];
  if (name && answer !== null && typeof answer === 'object' && 'id' in answer && typeof answer.id === 'string') remember(world.ids, name, answer.id);
  if (sent !== null && typeof sent === 'object' && !Array.isArray(sent)) {
    for (const [key, value] of Object.entries(sent)) if (BODY_IDS.includes(key) && typeof value === 'string') remember(world.ids, key, value);
  }
  if (world.refreshTokens.length > 40) world.refreshTokens.splice(1, world.refreshTokens.length - 40);
}

export type FuzzOutcome = Readonly<{
  requests: number;
  findings: readonly Finding[];
  /** Answers by operation and status, to see how deep the run went (how many reached a handler). */
  statuses: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** Answers by problem code (or "2xx"), to see what stops requests short of the handlers. */
  codes: ReadonlyMap<string, number>;
  /** Requests the harness itself could not send (light-my-request refusing a header), by message. */
  unsent: ReadonlyMap<string, number>;
  milliseconds: number;
  /** The slowest requests, to keep the run's time in check. */
  slowest: readonly Readonly<{ ms: number; what: string }>[];
}>;

/**
 * `count` requests drawn from `seed`, one after the other (the world they see is then the same
 * on every replay), each judged; nothing stops at the first finding.
 */
export async function fuzz(app: FastifyInstance, world: World, operations: readonly Operation[], seed: number, count: number): Promise<FuzzOutcome> {
  const random = new Random(seed);
  // Round robin, so every operation gets its share whatever the count; those that hash a secret a third of it.
  const cheap = operations.filter((op) => !op.costly);
  const schedule = [...operations, ...cheap, ...cheap];
  const findings: Finding[] = [];
  const statuses = new Map<string, Map<number, number>>();
  const unsent = new Map<string, number>();
  const codes = new Map<string, number>();
  const slowest: { ms: number; what: string }[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const request = nextRequest(world, operations, schedule[i % schedule.length]!, random);
    let response: LightMyRequestResponse;
    const sent = performance.now();
    try {
      response = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      unsent.set(message, (unsent.get(message) ?? 0) + 1);
      continue;
    }
    const ms = performance.now() - sent;
    if (slowest.length < 5 || ms > (slowest.at(-1)?.ms ?? 0)) {
      slowest.push({ ms: Math.round(ms), what: `${request.method} ${request.url.slice(0, 80)} [${request.faults.join(', ') || 'valid'}] ${response.statusCode}` });
      slowest.sort((x, y) => y.ms - x.ms);
      slowest.splice(5);
    }
    findings.push(...judge(request, response));
    learn(world, request, response);
    const byStatus = statuses.get(request.operation) ?? new Map<number, number>();
    byStatus.set(response.statusCode, (byStatus.get(response.statusCode) ?? 0) + 1);
    statuses.set(request.operation, byStatus);
    const answer = response.statusCode < 300 ? '2xx' : codeOf(response.body);
    codes.set(answer, (codes.get(answer) ?? 0) + 1);
  }
  return { requests: count, findings, statuses, codes, unsent, milliseconds: performance.now() - started, slowest };
}
