import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApplicationError } from '../../../application/errors.js';
import type { CommandEnvelope, CommandResult } from '../../../application/handleCommand.js';
import type { Clock } from '../../../application/ports/clock.js';
import { formatPosition } from '../../../application/ports/eventStore.js';
import { principalOf } from '../plugins/access.js';

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
