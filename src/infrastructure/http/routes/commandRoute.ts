import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicationError } from '../../../application/errors.js';
import type { CommandEnvelope, CommandResult } from '../../../application/handleCommand.js';
import type { Clock } from '../../../application/ports/clock.js';
import { formatPosition } from '../../../application/ports/eventStore.js';
import { answerWithAppend, markAnswered, type AnswerShape } from '../../idempotency/heldClaims.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { commandDoc } from '../openapi/operationDoc.js';

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

/** A malformed request header: the request is bad (400), not a value the rules refuse (422). */
export class HeaderError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: 'INVALID_CLIENT_TIME' | 'INVALID_IF_MATCH',
    message: string,
  ) {
    super(message);
    this.name = 'HeaderError';
  }
}

/**
 * A till's business time, as strict as a synced command's `clientTime`: a real calendar date and
 * time with its offset (a time without one would be read in the server's zone).
 */
export const clientTimeSchema = z.iso.datetime({ offset: true });

/** Business time: the till's `X-Client-Time` when given (bounded to a sane window), else the server's. */
export function businessTime(request: FastifyRequest, clock: Clock): Date {
  const now = clock.now();
  const given = header(request, 'x-client-time');
  if (given === undefined) return now;
  const at = new Date(given);
  if (!clientTimeSchema.safeParse(given).success || Number.isNaN(at.getTime())) {
    throw new HeaderError('INVALID_CLIENT_TIME', 'X-Client-Time must be an RFC 3339 timestamp with its offset, like 2026-11-21T09:30:00+01:00');
  }
  if (at.getTime() > now.getTime() + MAX_FUTURE_MS || at.getTime() < now.getTime() - MAX_PAST_MS) {
    throw new ApplicationError('invalid', 'CLIENT_TIME_OUT_OF_RANGE', 'X-Client-Time is too far from the server time');
  }
  return at;
}

const ID = /^[\w.:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
/** W3C trace context: at most 512 printable ASCII characters (list members separated by commas). */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

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
    traceContext:
      traceparent && TRACEPARENT.test(traceparent) ? { traceparent, ...(tracestate && TRACESTATE.test(tracestate) ? { tracestate } : {}) } : null,
  };
}

/** `If-Match: "7"` (or W/"7") pins the revision the client read; `*` or absent pins nothing. */
export function ifMatchOf(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(value);
  if (!match?.[1]) throw new HeaderError('INVALID_IF_MATCH', 'If-Match must be an ETag this API gave out, like "3"');
  return Number(match[1]);
}

export function etagOf(revision: number | null): string {
  return `"${revision ?? -1}"`;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A command's answer around its position, for a revision: the bytes kept with the append as the
 * key's answer, and then sent as they are (`answerCommand`), so a replay equals the first.
 */
export function commandAnswer(id: string, revision: number, status = 200, headers: Readonly<Record<string, string>> = {}): AnswerShape {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, etag: etagOf(revision), ...headers },
    bodyBefore: `{"id":${JSON.stringify(id)},"revision":${revision},"position":"`,
    bodyAfter: '"}',
  };
}

/**
 * The request's envelope, with its key's answer to keep in the command's append when the id it
 * answers with is known before it runs (ADR 0019); `answer` gives the status and headers.
 */
export function envelopeWithAnswer(
  request: FastifyRequest,
  clock: Clock,
  id: string,
  answer: (revision: number) => AnswerShape = (revision) => commandAnswer(id, revision),
): CommandEnvelope {
  return { ...envelopeFrom(request, clock), answer: answerWithAppend(request, answer) };
}

export function sendCommandResult(reply: FastifyReply, id: string, result: CommandResult): z.infer<typeof commandResultSchema> {
  void reply.header('etag', etagOf(result.revision));
  return { id, revision: result.revision, position: result.position ? formatPosition(result.position) : null };
}

/**
 * The answer of a command whose envelope carried its key's answer (`envelopeWithAnswer`): when the
 * append kept it with the events, exactly those bytes are sent here, and the key is not completed
 * again; otherwise as `sendCommandResult`.
 */
export function answerCommand(reply: FastifyReply, id: string, result: CommandResult): z.infer<typeof commandResultSchema> | FastifyReply {
  if (result.answered !== true || result.revision === null || result.position === null) return sendCommandResult(reply, id, result);
  markAnswered(reply.request);
  const { bodyBefore, bodyAfter } = commandAnswer(id, result.revision);
  // Sent as they are: a string payload of a JSON type is not serialized again. The reply is
  // returned, so Fastify waits for it instead of sending what the handler returns.
  return reply.header('etag', etagOf(result.revision)).type(JSON_TYPE).send(`${bodyBefore}${formatPosition(result.position)}${bodyAfter}`);
}


/** Ids end up in stream names and URLs: the domain's id shape (UUIDs for those the server picks). */
export const idSchema = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an id of 1 to 128 letters, digits, ".", "_", ":" or "-"');
/**
 * Free text (reasons, notes): line breaks and tabs allowed. The edge has already refused NUL and
 * the other control characters in every string (inputRules.ts).
 */
export const freeText = (max: number) => z.string().min(1).max(max);
export const reasonSchema = freeText(500).describe('Free text for auditors; nothing personal');
/**
 * Names, SKUs, references: one line of text. No control character (C0, DEL, C1, so no tab or line
 * break) nor line or paragraph separator. Spelled as ranges so the OpenAPI pattern reads anywhere.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
export const lineText = (max: number) => z.string().min(1).max(max).regex(ONE_LINE, 'one line of text, without tabs, line breaks or control characters');
/** An email as typed: no whitespace or control characters (the domain checks its shape). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const EMAIL_CHARACTERS = /^[^\s\u0000-\u001f\u007f-\u009f]+$/;
export const emailSchema = (max: number) =>
  z.string().trim().min(3).max(max).regex(EMAIL_CHARACTERS, 'an email address without spaces or control characters');
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
  /**
   * Whether the handler passes `ifMatch` on (documented with 412): a command that creates its
   * resource with a fresh id pins nothing. A malformed If-Match is refused either way.
   */
  ifMatch?: 'honoured' | 'checked';
  /**
   * The id the command answers with, when its params name it (an order's commands): its key's
   * answer is then kept with the command's one append (ADR 0019).
   */
  idOf?: (params: z.output<P>) => string;
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
      config: { openapi: commandDoc({ ifMatch: spec.ifMatch ?? 'honoured' }), ...spec.config, permission: spec.permission },
    },
    async (request, reply) => {
      const ifMatch = ifMatchOf(request);
      const params = request.params as z.output<P>;
      const known = spec.idOf?.(params);
      const envelope = known === undefined ? envelopeFrom(request, deps.clock) : envelopeWithAnswer(request, deps.clock, known);
      // The type provider cannot resolve a generic schema's type; the validator has parsed both with these schemas.
      const { id, result } = await run({ params, body: request.body as z.output<B>, envelope, ifMatch });
      return answerCommand(reply, id, result);
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
