/**
 * The HTTP bench's load generator, a process of its own so the tills' client work shares no event
 * loop with the probes and the bench itself (and its CPU is read apart). Every till sells in a
 * closed loop over keep-alive connections (node:http Agent): open order, 3 lines, a cash payment,
 * complete, each POST with an Idempotency-Key; or, offline, posts its sales as /v1/sync batches.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { ReadyTill } from './httpTills.js';
import {
  type Ack, type CommandKind, type ErrorSample, type LoadOrchestratorMessage, type LoadResult, type LoadSpec,
  type LoadTask, type LoadWorkerMessage, type ReadBackResult, type RunResult, type Sale,
} from './loadProtocol.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 30_000 });
const REQUEST_TIMEOUT_MS = 30_000;
const epochNow = (): number => performance.timeOrigin + performance.now();

type Answer = Readonly<{ status: number; text: string }>;

function request(base: string, method: 'GET' | 'POST', path: string, token: string, body: string | null, key: string | null): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== null) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (key !== null) headers['idempotency-key'] = key;
    const req = http.request({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (error) => {
        resolve({ status: 0, text: `response error: ${error.message}` });
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`));
    });
    req.on('error', (error) => {
      resolve({ status: 0, text: `request error: ${error.message}` });
    });
    req.end(body ?? undefined);
  });
}

/** mulberry32: the same baskets for the same seed, cheap enough not to show in the client's CPU. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = Readonly<{ kind: CommandKind; path: string; body: Record<string, unknown> }>;
type Basket = Readonly<{ orderId: string; steps: readonly Step[]; sale: Omit<Sale, 'revisions' | 'completed'> }>;

/** One sale: 3 lines (unit prices 1.50 to 25.00, quantity 1 or 2), paid in cash rounded up to 5.00. */
function basket(till: ReadyTill, next: () => number): Basket {
  const orderId = randomUUID();
  const lines = [0, 1, 2].map((l) => ({ lineId: `l${l}`, unitPrice: 150 + Math.floor(next() * 2351), quantity: 1 + Math.floor(next() * 2) }));
  const total = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const tendered = Math.ceil(total / 500) * 500;
  const steps: Step[] = [
    { kind: 'open', path: '/v1/orders', body: { orderId, branchId: till.branchId, deviceId: till.deviceId } },
    ...lines.map((l, i): Step => ({
      kind: 'line',
      path: `/v1/orders/${orderId}/lines`,
      body: { lineId: l.lineId, sku: `SKU-${1 + Math.floor(next() * 400)}`, name: `Article ${i + 1}`, unitPrice: l.unitPrice, quantity: l.quantity, taxRateId: i === 2 ? 'reduced' : 'standard' },
    })),
    { kind: 'pay', path: `/v1/orders/${orderId}/payments`, body: { paymentId: 'p1', tender: { method: 'cash', amount: tendered }, drawerId: till.drawerId } },
    { kind: 'complete', path: `/v1/orders/${orderId}/complete`, body: {} },
  ];
  return { orderId, steps, sale: { till: till.index, orderId, lines, total, tendered } };
}

type CommandAnswer = Readonly<{ revision?: number; position?: string | null }>;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

class Recorder {
  readonly latencies: Record<CommandKind, number[]> = { open: [], line: [], pay: [], complete: [] };
  readonly measuredCommands: Record<CommandKind, number> = { open: 0, line: 0, pay: 0, complete: 0 };
  readonly acknowledged: Record<CommandKind, number> = { open: 0, line: 0, pay: 0, complete: 0 };
  readonly batchLatencies: number[] = [];
  readonly batchCommands: number[] = [];
  readonly acks: Ack[] = [];
  readonly sales: Sale[] = [];
  readonly errorSamples: ErrorSample[] = [];
  errors = 0;
  lastAnswerEpochMs = 0;

  constructor(readonly windowStart: number) {}

  error(what: string, status: number, body: string): void {
    this.errors += 1;
    if (this.errorSamples.length < 5) this.errorSamples.push({ what, status, body: body.slice(0, 2000) });
  }

  /** An acknowledged command; measured when it started inside the window. */
  ack(kind: CommandKind, startedEpochMs: number, answeredEpochMs: number, answer: CommandAnswer): void {
    this.acknowledged[kind] += 1;
    if (startedEpochMs < this.windowStart) return;
    this.measuredCommands[kind] += 1;
    if (answer.position) this.acks.push({ atEpochMs: answeredEpochMs, position: answer.position });
  }
}

async function onlineTill(till: ReadyTill, untilEpochMs: number, next: () => number, rec: Recorder): Promise<void> {
  while (epochNow() < untilEpochMs) {
    const { orderId, steps, sale } = basket(till, next);
    const revisions: number[] = [];
    for (const [i, step] of steps.entries()) {
      const started = epochNow();
      const { status, text } = await request(till.base, 'POST', step.path, till.token, JSON.stringify(step.body), `${orderId}:${i}`);
      const answered = epochNow();
      rec.lastAnswerEpochMs = Math.max(rec.lastAnswerEpochMs, answered);
      if (started >= rec.windowStart) rec.latencies[step.kind].push(answered - started);
      const answer = status >= 200 && status < 300 ? (parse(text) as CommandAnswer | undefined) : undefined;
      if (!answer || typeof answer.revision !== 'number') {
        rec.error(`${step.kind} ${step.path}`, status, text);
        break;
      }
      revisions.push(answer.revision);
      rec.ack(step.kind, started, answered, answer);
    }
    rec.sales.push({ ...sale, revisions, completed: revisions.length === steps.length });
  }
}

type SyncResult = Readonly<{ idempotencyKey: string; outcome: string; status: number; body: unknown }>;

async function syncTill(till: ReadyTill, untilEpochMs: number, salesPerBatch: number, next: () => number, rec: Recorder): Promise<void> {
  while (epochNow() < untilEpochMs) {
    const baskets = Array.from({ length: salesPerBatch }, () => basket(till, next));
    const clientTime = new Date().toISOString();
    const commands = baskets.flatMap((b) =>
      b.steps.map((step, i) => ({ idempotencyKey: `${b.orderId}:${i}`, clientTime, method: 'POST', path: step.path, body: step.body })),
    );
    const started = epochNow();
    const { status, text } = await request(till.base, 'POST', '/v1/sync', till.token, JSON.stringify({ deviceId: till.deviceId, commands }), null);
    const answered = epochNow();
    rec.lastAnswerEpochMs = Math.max(rec.lastAnswerEpochMs, answered);
    if (started >= rec.windowStart) {
      rec.batchLatencies.push(answered - started);
      rec.batchCommands.push(commands.length);
    }
    let results: readonly SyncResult[] = [];
    try {
      results = status === 200 ? (JSON.parse(text) as { results: SyncResult[] }).results : [];
    } catch {
      results = [];
    }
    if (status !== 200 || results.length !== commands.length) rec.error(`sync batch of ${commands.length}`, status, text);
    let at = 0;
    for (const b of baskets) {
      const revisions: number[] = [];
      for (const step of b.steps) {
        const result = results[at++];
        if (!result) break;
        const answer = result.body as CommandAnswer | null;
        if (result.outcome !== 'applied' || !answer || typeof answer.revision !== 'number') {
          rec.error(`sync ${step.kind} ${step.path} (${result.outcome})`, result.status, JSON.stringify(result.body));
          continue;
        }
        revisions.push(answer.revision);
        rec.ack(step.kind, started, answered, answer);
      }
      rec.sales.push({ ...b.sale, revisions, completed: revisions.length === b.steps.length });
    }
  }
}

let lastRun: Readonly<{ tills: readonly ReadyTill[]; sales: readonly Sale[] }> | undefined;

async function run(spec: LoadSpec, send: (message: LoadWorkerMessage) => void, id: number): Promise<RunResult> {
  const startedEpochMs = epochNow();
  const windowStart = startedEpochMs + spec.warmupSeconds * 1000;
  const until = windowStart + spec.seconds * 1000;
  const rec = new Recorder(windowStart);
  const cpu0 = process.cpuUsage();
  const marker = setTimeout(() => {
    send({ type: 'measuring', id, atEpochMs: epochNow() });
  }, Math.max(0, windowStart - epochNow()));
  await Promise.all(
    spec.tills.map((till) => {
      const next = random(spec.seed + till.index * 7919);
      return spec.mode === 'online' ? onlineTill(till, until, next, rec) : syncTill(till, until, spec.salesPerBatch, next, rec);
    }),
  );
  clearTimeout(marker);
  const cpu = process.cpuUsage(cpu0);
  lastRun = { tills: spec.tills, sales: rec.sales };
  return {
    kind: 'run',
    windowStartEpochMs: windowStart,
    windowEndEpochMs: rec.lastAnswerEpochMs,
    latencies: rec.latencies,
    batchLatencies: rec.batchLatencies,
    batchCommands: rec.batchCommands,
    measuredCommands: rec.measuredCommands,
    acks: rec.acks,
    errors: rec.errors,
    errorSamples: rec.errorSamples,
    acknowledged: rec.acknowledged,
    sales: rec.sales,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

type OrderAnswer = Readonly<{
  status?: string; revision?: number; paid?: number; due?: number; change?: number;
  totals?: { total?: number }; lines?: readonly Readonly<{ lineId?: string; unitPrice?: number; quantity?: number; gross?: number }>[];
}>;

/** What is wrong with the order as GET /v1/orders/:id answers it, or undefined when it is right. */
function wrongWith(sale: Sale, status: number, text: string): string | undefined {
  if (status !== 200) return `GET answered ${status}: ${text.slice(0, 300)}`;
  const order = parse(text) as OrderAnswer | undefined;
  if (!order) return 'GET answered no JSON';
  const problems: string[] = [];
  if (order.status !== 'completed') problems.push(`status ${order.status}`);
  if (order.revision !== 5) problems.push(`revision ${order.revision} (6 events expected)`);
  if (order.totals?.total !== sale.total) problems.push(`total ${order.totals?.total} (rung up ${sale.total})`);
  const lines = order.lines ?? [];
  const lineGross = lines.reduce((sum, l) => sum + (l.gross ?? 0), 0);
  if (lineGross !== sale.total) problems.push(`lines sum to ${lineGross}`);
  const sameLines = lines.length === sale.lines.length
    && sale.lines.every((l, i) => {
      const line = lines[i];
      return line?.lineId === l.lineId && line.unitPrice === l.unitPrice && line.quantity === l.quantity;
    });
  if (!sameLines) problems.push('lines differ from those rung up');
  if (order.paid !== sale.tendered) problems.push(`paid ${order.paid} (tendered ${sale.tendered})`);
  if (order.due !== 0) problems.push(`due ${order.due}`);
  if (order.change !== sale.tendered - sale.total) problems.push(`change ${order.change} (expected ${sale.tendered - sale.total})`);
  return problems.length === 0 ? undefined : problems.join(', ');
}

/** Every completed sale (or the first `limit`) read back with its till's token and checked. */
async function readBack(limit: number | null, concurrency: number): Promise<ReadBackResult> {
  if (!lastRun) throw new Error('readBack before run');
  const { tills } = lastRun;
  const completed = lastRun.sales.filter((s) => s.completed);
  const chosen = limit === null ? completed : completed.filter((_, i) => i % Math.max(1, Math.floor(completed.length / limit)) === 0).slice(0, limit);
  const t0 = performance.now();
  let cursor = 0;
  let wrong = 0;
  const samples: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = cursor++; i < chosen.length; i = cursor++) {
        const sale = chosen[i]!;
        const till = tills[sale.till]!;
        const { status, text } = await request(till.base, 'GET', `/v1/orders/${sale.orderId}`, till.token, null, null);
        const problem = wrongWith(sale, status, text);
        if (problem !== undefined) {
          wrong += 1;
          if (samples.length < 5) samples.push(`${sale.orderId}: ${problem}`);
        }
      }
    }),
  );
  return { kind: 'readBack', checked: chosen.length, wrong, samples, seconds: (performance.now() - t0) / 1000 };
}

async function handle(task: LoadTask, send: (message: LoadWorkerMessage) => void, id: number): Promise<LoadResult> {
  switch (task.kind) {
    case 'run':
      return run(task.spec, send, id);
    case 'readBack':
      return readBack(task.limit, task.concurrency);
    case 'close':
      agent.destroy();
      return { kind: 'close' };
  }
}

function send(message: LoadWorkerMessage): void {
  process.send?.(message);
}

let queue: Promise<void> = Promise.resolve();
process.on('message', (message: LoadOrchestratorMessage) => {
  queue = queue.then(async () => {
    try {
      const result = await handle(message.task, send, message.id);
      send({ type: 'result', id: message.id, result });
      if (message.task.kind === 'close') process.disconnect();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      send({ type: 'error', id: message.id, message: err.message, stack: err.stack });
    }
  });
});
