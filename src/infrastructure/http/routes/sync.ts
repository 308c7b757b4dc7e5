import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicationError } from '../../../application/errors.js';
import type { BatchLock } from '../../idempotency/batchLock.js';
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, SYNC_DISPATCH_HEADER, isIdempotencyKey } from '../../idempotency/key.js';
import { isReplayable } from '../../idempotency/replayable.js';
import { principalOf } from '../plugins/access.js';
import { SYNC_DISPATCH_MARK } from '../plugins/rateLimit.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.js';

export const MAX_SYNC_COMMANDS = 500;

const syncCommandSchema = z.object({
  idempotencyKey: z.string().refine(isIdempotencyKey, 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"'),
  clientTime: z.iso.datetime({ offset: true }).describe('When the till ran the command (its business time)'),
  method: z.literal('POST'),
  path: z.string().min(1).max(2048).describe('A command route under /v1, e.g. /v1/orders/{id}/lines'),
  body: z.record(z.string(), z.unknown()),
});

export const syncRequestSchema = z.object({
  deviceId: z.string().min(1).max(128),
  commands: z.array(syncCommandSchema).min(1).max(MAX_SYNC_COMMANDS).describe('In the order the till ran them'),
});

export const syncResultSchema = z.object({
  idempotencyKey: z.string(),
  outcome: z
    .enum(['applied', 'replayed', 'rejected', 'not_run'])
    .describe('not_run: an earlier command of the batch has no final answer yet (see its status); post the batch again'),
  status: z.number().int(),
  body: z.unknown().describe('The command\'s own answer; a problem+json document when rejected'),
});

export const syncResponseSchema = z.object({ results: z.array(syncResultSchema) });

type SyncResult = z.infer<typeof syncResultSchema>;

export type SyncRouteOptions = Readonly<{
  /** One batch of a till at a time, across processes. */
  batchLock: BatchLock;
  /**
   * Request headers passed on to each command, so it is authenticated as the batch was.
   * Authorization and trace context by default; tests add the header their fake authenticator reads.
   */
  forwardHeaders?: readonly string[];
  /** Longest a batch waits for the till's earlier batch, or for one of its keys in flight elsewhere. */
  maxWaitMs?: number;
}>;

/** A batch of 500 takes about a second; a till's retry waits that long for its first post. */
export const DEFAULT_SYNC_WAIT_MS = 30_000;

/** Plain segments only: no query, no percent-encoding, no dot segments that could route elsewhere. */
const COMMAND_PATH = /^\/v1(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/;
const NOT_SYNCABLE_ROOTS = new Set(['sync', 'auth']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const IN_FLIGHT = 'IDEMPOTENCY_KEY_IN_FLIGHT';

/**
 * The client closed its connection: nobody will read the answer. The socket, not the request
 * stream, which ends (and is destroyed) as soon as its body has been read. An injected request's
 * socket never closes.
 */
function clientGone(request: FastifyRequest): boolean {
  return request.raw.socket.destroyed;
}

/** Nobody is there to answer: tell Fastify not to, and let the connection go. */
function abandon(reply: FastifyReply): FastifyReply {
  reply.hijack();
  reply.raw.destroy();
  return reply;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `POST /v1/sync`: a till back online sends the commands it ran offline, in order. Each goes
 * through the same pipeline as a direct call (`inject`), so authentication, validation,
 * permissions and idempotency apply unchanged, and posting the batch again replays every command.
 *
 * Order is kept across postings (ADR 0008): the till's batches run one at a time (a lock in
 * PostgreSQL, so across processes), and a command whose key is in flight elsewhere is waited for
 * and its answer taken, never skipped. A rejected command does not stop the batch: a till's later
 * sales must not be held up by one bad command, and commands that depended on it are refused on
 * their own. But a command without a final answer (5xx, 401, 429, a conflict to retry) stops it:
 * what comes after may depend on it, and a refusal decided without it would be stored for good.
 * The rest answer `not_run`. When the client goes away the batch stops before its next command.
 */
export function registerSyncRoutes(app: FastifyInstance, options: SyncRouteOptions): void {
  const forwardHeaders = (options.forwardHeaders ?? ['authorization', 'traceparent', 'tracestate']).map((name) => name.toLowerCase());
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_SYNC_WAIT_MS;

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sync',
    {
      config: {
        permission: { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' },
        // Each command's own refusal is in its result; the batch itself is refused only as a whole.
        openapi: { problems: { 403: ['DEVICE_MISMATCH'], 409: ['SYNC_IN_PROGRESS'] }, omit: [404, 422], retryAfter: [409] },
      },
      schema: {
        summary: 'Apply commands a till ran offline, each exactly once',
        description:
          'Each command is answered in `results` with its own status and body (a problem+json document when rejected), as a direct call ' +
          'would be; such refusals do not make the batch fail. Codes found only there: 400 `INVALID_SYNC_PATH` and `NOT_SYNCABLE`, and ' +
          '409 `EARLIER_COMMAND_NOT_SETTLED` for the commands not run after one without a final answer.',
        tags: ['sync'],
        body: syncRequestSchema,
        response: { 200: syncResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.deviceId !== null && principal.deviceId !== request.body.deviceId) {
        throw new ApplicationError('forbidden', 'DEVICE_MISMATCH', 'A till may only sync its own commands');
      }
      const gone = (): boolean => clientGone(request);
      // The scope of the batch's idempotency keys: the same till's batches share keys.
      const scope = { tenantId: principal.tenantId ?? '', deviceId: principal.deviceId ?? '' };
      const locked = await options.batchLock.acquire(scope, { maxWaitMs, gone, log: request.log });
      if (locked.kind === 'abandoned') return abandon(reply);
      if (locked.kind === 'busy') {
        void reply.header('retry-after', String(Math.max(1, Math.ceil((locked.lockedUntil.getTime() - Date.now()) / 1000))));
        throw new ApplicationError('conflict', 'SYNC_IN_PROGRESS', 'Another sync of this till is still running; post the batch again later');
      }
      const results: SyncResult[] = [];
      const { commands } = request.body;
      let abandoned = false;
      try {
        for (const [index, command] of commands.entries()) {
          if (gone()) {
            request.log.info({ done: index, of: commands.length }, 'sync client went away; the rest of the batch is not run');
            abandoned = true;
            break;
          }
          const result = await settled(app, request, forwardHeaders, index, command, Date.now() + maxWaitMs, gone);
          results.push(result);
          if (!isFinal(result)) {
            for (const rest of commands.slice(index + 1)) results.push(notRun(rest.idempotencyKey, index, result.status));
            break;
          }
        }
      } finally {
        await locked.lock.release();
      }
      if (abandoned) return abandon(reply);
      return { results };
    },
  );
}

/** Whether a command's answer is the one it will always get (what idempotency stores for replay). */
function isFinal(result: SyncResult): boolean {
  return result.outcome !== 'rejected' || isReplayable(result.status, JSON.stringify(result.body));
}

function notRun(idempotencyKey: string, blockedBy: number, status: number): SyncResult {
  return {
    idempotencyKey,
    outcome: 'not_run',
    status: 409,
    body: problem(409, {
      detail: `Not run: command ${blockedBy} of the batch has no final answer yet (status ${status}); post the batch again`,
      code: 'EARLIER_COMMAND_NOT_SETTLED',
    }),
  };
}

/**
 * Dispatches one command; while its key is in flight elsewhere (another posting of the batch, a
 * direct retry, a dead process whose lease has not lapsed yet), waits and asks again, so the
 * answer taken is that attempt's own.
 */
async function settled(
  app: FastifyInstance,
  request: FastifyRequest,
  forwardHeaders: readonly string[],
  index: number,
  command: z.infer<typeof syncCommandSchema>,
  deadline: number,
  gone: () => boolean,
): Promise<SyncResult> {
  let pause = 20;
  for (;;) {
    const result = await dispatch(app, request, forwardHeaders, index, command);
    const inFlight = result.status === 409 && (result.body as { code?: unknown } | null)?.code === IN_FLIGHT;
    if (!inFlight || gone() || Date.now() + pause > deadline) return result;
    await sleep(pause);
    pause = Math.min(pause * 2, 200);
  }
}

async function dispatch(
  app: FastifyInstance,
  request: FastifyRequest,
  forwardHeaders: readonly string[],
  index: number,
  command: z.infer<typeof syncCommandSchema>,
): Promise<SyncResult> {
  const { idempotencyKey, path } = command;
  const segments = path.split('/');
  if (!COMMAND_PATH.test(path) || segments.some((s) => s === '.' || s === '..') || NOT_SYNCABLE_ROOTS.has((segments[2] ?? '').toLowerCase())) {
    return {
      idempotencyKey,
      outcome: 'rejected',
      status: 400,
      body: { ...problem(400, { detail: 'path must be a command route under /v1 (not /v1/sync or /v1/auth)', code: 'INVALID_SYNC_PATH' }), instance: path },
    };
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
    'x-client-time': command.clientTime,
    // Only this process knows the mark: a client cannot pass a request off as a synced command.
    [SYNC_DISPATCH_HEADER]: SYNC_DISPATCH_MARK,
  };
  for (const name of forwardHeaders) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // Each command's request id names the batch it came in, for the logs and as its correlation id.
  const requestId = `${request.id}:${index}`;
  if (REQUEST_ID.test(requestId)) headers['x-request-id'] = requestId;

  const response = await app.inject({ method: command.method, url: path, headers, payload: JSON.stringify(command.body) });
  const status = response.statusCode;
  return {
    idempotencyKey,
    outcome: status >= 400 ? 'rejected' : response.headers[REPLAYED_HEADER] === 'true' ? 'replayed' : 'applied',
    status,
    body: bodyOf(response.body, response.headers['content-type']),
  };
}

function bodyOf(text: string, contentType: string | number | string[] | undefined): unknown {
  if (text === '') return null;
  const type = typeof contentType === 'string' ? contentType : '';
  if (type.startsWith('application/json') || type.startsWith(PROBLEM_CONTENT_TYPE)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
