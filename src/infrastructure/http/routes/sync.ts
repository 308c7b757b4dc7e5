import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicationError } from '../../../application/errors.js';
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, SYNC_DISPATCH_HEADER, isIdempotencyKey } from '../../idempotency/key.js';
import { principalOf } from '../plugins/access.js';
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
  outcome: z.enum(['applied', 'replayed', 'rejected']),
  status: z.number().int(),
  body: z.unknown().describe('The command\'s own answer; a problem+json document when rejected'),
});

export const syncResponseSchema = z.object({ results: z.array(syncResultSchema) });

type SyncResult = z.infer<typeof syncResultSchema>;

export type SyncRouteOptions = Readonly<{
  /**
   * Request headers passed on to each command, so it is authenticated as the batch was.
   * Authorization and trace context by default; tests add the header their fake authenticator reads.
   */
  forwardHeaders?: readonly string[];
}>;

/** Plain segments only: no query, no percent-encoding, no dot segments that could route elsewhere. */
const COMMAND_PATH = /^\/v1(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/;
const NOT_SYNCABLE_ROOTS = new Set(['sync', 'auth']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * `POST /v1/sync`: a till back online sends the commands it ran offline, in order. Each goes
 * through the same pipeline as a direct call (`inject`), so authentication, validation,
 * permissions and idempotency apply unchanged, and posting the batch again replays every command.
 *
 * A rejected command does not stop the batch: a till's later sales must not be held up by one bad
 * command. Commands that depended on it are then refused on their own (an order that was never
 * opened is not found), and the till sees each refusal in its result.
 */
export function registerSyncRoutes(app: FastifyInstance, options: SyncRouteOptions = {}): void {
  const forwardHeaders = (options.forwardHeaders ?? ['authorization', 'traceparent', 'tracestate']).map((name) => name.toLowerCase());

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sync',
    {
      config: { permission: { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' } },
      schema: {
        summary: 'Apply commands a till ran offline, each exactly once',
        tags: ['sync'],
        body: syncRequestSchema,
        response: { 200: syncResponseSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.deviceId !== null && principal.deviceId !== request.body.deviceId) {
        throw new ApplicationError('forbidden', 'DEVICE_MISMATCH', 'A till may only sync its own commands');
      }
      const results: SyncResult[] = [];
      for (const [index, command] of request.body.commands.entries()) {
        results.push(await dispatch(app, request, forwardHeaders, index, command));
      }
      return { results };
    },
  );
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
    [SYNC_DISPATCH_HEADER]: '1',
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
