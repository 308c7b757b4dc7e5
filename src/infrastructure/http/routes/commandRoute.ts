import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicationError } from '../../../application/errors.js';
import type { CommandEnvelope, CommandResult } from '../../../application/handleCommand.js';
import type { Clock } from '../../../application/ports/clock.js';
import { formatPosition } from '../../../application/ports/eventStore.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';

/** What every command answers: the stream's new revision (also the ETag) and global position. */
export const commandResultSchema = z.object({
  id: z.string(),
  revision: z.number().int().nullable(),
  position: z.string().nullable().describe('Global position "<commit>.<prepare>" of the last event written; null when nothing changed'),
});

/** Tills may sync up to a week late (offline); a clock running ahead is allowed a little slack. */
const MAX_PAST_MS = 8 * 24 * 60 * 60 * 1000;
const MAX_FUTURE_MS = 5 * 60 * 1000;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Business time: the till's `X-Client-Time` when given (bounded to a sane window), else the server's. */
export function businessTime(request: FastifyRequest, clock: Clock): Date {
  const now = clock.now();
  const given = header(request, 'x-client-time');
  if (given === undefined) return now;
  const at = new Date(given);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(given)) {
    throw new ApplicationError('invalid', 'INVALID_CLIENT_TIME', 'X-Client-Time must be an ISO-8601 timestamp');
  }
  if (at.getTime() > now.getTime() + MAX_FUTURE_MS || at.getTime() < now.getTime() - MAX_PAST_MS) {
    throw new ApplicationError('invalid', 'CLIENT_TIME_OUT_OF_RANGE', 'X-Client-Time is too far from the server time');
  }
  return at;
}

const ID = /^[\w.:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** The envelope of every event a request writes: who, when, and how it relates to other messages. */
export function envelopeFrom(request: FastifyRequest, clock: Clock): CommandEnvelope {
  const correlationId = header(request, 'x-correlation-id');
  const causationId = header(request, 'x-causation-id');
  const idempotencyKey = header(request, 'idempotency-key');
  const traceparent = header(request, 'traceparent');
  const tracestate = header(request, 'tracestate');
  return {
    principal: principalOf(request),
    occurredAt: businessTime(request, clock),
    correlationId: correlationId && ID.test(correlationId) ? correlationId : request.id,
    causationId: causationId && ID.test(causationId) ? causationId : null,
    idempotencyKey: idempotencyKey && ID.test(idempotencyKey) ? idempotencyKey : null,
    traceContext: traceparent && TRACEPARENT.test(traceparent) ? { traceparent, ...(tracestate ? { tracestate } : {}) } : null,
  };
}

/** `If-Match: "7"` (or W/"7") pins the revision the client read; `*` or absent pins nothing. */
export function ifMatchOf(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(value);
  if (!match?.[1]) throw new ApplicationError('invalid', 'INVALID_IF_MATCH', 'If-Match must be an ETag this API gave out, like "3"');
  return Number(match[1]);
}

export function etagOf(revision: number | null): string {
  return `"${revision ?? -1}"`;
}

export function sendCommandResult(reply: FastifyReply, id: string, result: CommandResult): z.infer<typeof commandResultSchema> {
  void reply.header('etag', etagOf(result.revision));
  return { id, revision: result.revision, position: result.position ? formatPosition(result.position) : null };
}


/** Ids end up in stream names and URLs: the domain's id shape (UUIDs for those the server picks). */
export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an id of 1 to 128 letters, digits, ".", "_", ":" or "-"');
export const reasonSchema = z.string().min(1).max(500).describe('Free text for auditors; nothing personal');
/** Commands without data take no body (Fastify reads it as null), or an empty object; anything in it is refused. */
export const emptyBody = z.strictObject({}).nullish();

export type ZodApp = ReturnType<typeof zodApp>;
export const zodApp = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

export type CommandRouteSpec<P extends z.ZodType, B extends z.ZodType> = Readonly<{
  summary: string;
  description?: string;
  tags: readonly string[];
  params: P;
  body: B;
  permission: RoutePermission;
  /** Further route config (e.g. idempotency). */
  config?: Omit<FastifyContextConfig, 'permission'>;
}>;

export type CommandContext<P, B> = Readonly<{ params: P; body: B; envelope: CommandEnvelope; ifMatch: number | undefined }>;

/**
 * A POST command route: schemas for params, body and answer, the permission, and a handler that
 * returns the id to answer with and the handler's result. Answers `{ id, revision, position }`
 * with the revision as ETag; `If-Match` pins the revision the client read (412 otherwise).
 */
export function commandPost<P extends z.ZodType, B extends z.ZodType>(
  app: ZodApp,
  deps: Readonly<{ clock: Clock }>,
  url: string,
  spec: CommandRouteSpec<P, B>,
  run: (context: CommandContext<z.output<P>, z.output<B>>) => Promise<Readonly<{ id: string; result: CommandResult }>>,
): void {
  app.post(
    url,
    {
      schema: {
        summary: spec.summary,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        tags: [...spec.tags],
        params: spec.params,
        body: spec.body,
        response: { 200: commandResultSchema },
      },
      config: { ...spec.config, permission: spec.permission },
    },
    async (request, reply) => {
      const ifMatch = ifMatchOf(request);
      const envelope = envelopeFrom(request, deps.clock);
      // The type provider cannot resolve a generic schema's type; the validator has parsed both with these schemas.
      const { id, result } = await run({ params: request.params as z.output<P>, body: request.body as z.output<B>, envelope, ifMatch });
      return sendCommandResult(reply, id, result);
    },
  );
}


/** `commandPost` bound to one app and its clock: what a file of command routes calls `post`. */
export function commandPoster(app: FastifyInstance, deps: Readonly<{ clock: Clock }>) {
  const zapp = zodApp(app);
  return <P extends z.ZodType, B extends z.ZodType>(
    url: string,
    spec: CommandRouteSpec<P, B>,
    run: (context: CommandContext<z.output<P>, z.output<B>>) => Promise<Readonly<{ id: string; result: CommandResult }>>,
  ): void => {
    commandPost(zapp, deps, url, spec, run);
  };
}
