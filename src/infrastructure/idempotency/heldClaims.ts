import type { FastifyRequest } from 'fastify';
import type { KeyAnswer } from '../../application/ports/eventStore.js';
import type { Claim } from './idempotencyStore.js';

/** The claim a request holds and its heartbeat; a WeakMap rather than a request decoration, so nothing else sees it. */
const held = new WeakMap<FastifyRequest, Readonly<{ claim: Claim; stop: () => void }>>();
/** Requests whose answer was recorded with their command's events: their key is completed already. */
const answered = new WeakSet<FastifyRequest>();

export function holdClaim(request: FastifyRequest, claim: Claim, stop: () => void): void {
  held.set(request, { claim, stop });
}

/** Stops the heartbeat and answers the claim the request held, once. */
export function letGo(request: FastifyRequest): Claim | undefined {
  const holding = held.get(request);
  if (!holding) return undefined;
  held.delete(request);
  holding.stop();
  return holding.claim;
}

/** What an answer kept with the append needs of the response, once the stream's revision is known. */
export type AnswerShape = Readonly<{ status: number; headers: Readonly<Record<string, string>>; bodyBefore: string; bodyAfter: string }>;

/**
 * The key's answer to keep in the command's append (ADR 0019), or undefined when the request
 * holds no claim (no Idempotency-Key, or a route that does not honour one).
 */
export function answerWithAppend(request: FastifyRequest, shape: (revision: number) => AnswerShape): ((revision: number) => KeyAnswer) | undefined {
  const claim = held.get(request)?.claim;
  if (!claim) return undefined;
  const { tenantId, deviceId, key } = claim.scope;
  return (revision) => ({ tenantId, deviceId, key, claimToken: claim.token, ...shape(revision) });
}

/** The append recorded the answer: the key must not be completed (nor released) again. */
export function markAnswered(request: FastifyRequest): void {
  answered.add(request);
}

export function wasAnswered(request: FastifyRequest): boolean {
  return answered.has(request);
}
