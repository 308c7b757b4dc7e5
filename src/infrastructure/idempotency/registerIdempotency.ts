import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { ApplicationError } from '../../application/errors.js';
import type { Clock } from '../../application/ports/clock.js';
import { principalOf } from '../http/plugins/access.js';
import type { Database } from '../postgres/database.js';
import { keepAlive } from './heartbeat.js';
import { holdClaim, letGo, wasAnswered } from './heldClaims.js';
import { createIdempotencyStore, type IdempotencyStore, type IdempotencyStoreOptions, type StoredResponse } from './idempotencyStore.js';
import { IdempotencyKeyError, REPLAYED_HEADER, SYNC_DISPATCH_HEADER, idempotencyKeyOf, type KeyScope } from './key.js';
import { isReplayable } from './replayable.js';
import { requestHash } from './requestHash.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route honours `Idempotency-Key`: a retry with the same key and body gets the stored
     * answer. Cashiers' tills retry every command, so for them the key is mandatory.
     */
    idempotency?: 'required-for-cashiers';
  }
}

export type IdempotencyDeps = Readonly<{ db: Kysely<Database>; clock: Clock }> & IdempotencyStoreOptions;

/** Headers that are part of the answer, so a replay carries them too (the ETag is the new revision). */
const KEPT_HEADERS = ['content-type', 'etag', 'location'] as const;

/**
 * Adds idempotency to routes that declare `config.idempotency`. Register it after the access
 * control (`buildApp` does that before calling `routes`): its preHandler needs `request.principal`,
 * and hooks of one instance run in the order they were added. Returns the store, for the purge.
 */
export function registerIdempotency(app: FastifyInstance, deps: IdempotencyDeps): IdempotencyStore {
  const store = createIdempotencyStore(deps.db, deps);

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.idempotency === undefined) {
      if (request.headers[SYNC_DISPATCH_HEADER] !== undefined && request.routeOptions.config.permission) {
        throw new IdempotencyKeyError('NOT_SYNCABLE', `${request.method} ${request.routeOptions.url ?? request.url} cannot be synced: it does not honour Idempotency-Key`);
      }
      return;
    }
    const principal = principalOf(request);
    const key = idempotencyKeyOf(request);
    if (key === null) {
      if (principal.role === 'cashier') {
        throw new IdempotencyKeyError('IDEMPOTENCY_KEY_REQUIRED', 'Commands from a till need an Idempotency-Key header');
      }
      return;
    }
    const scope: KeyScope = { tenantId: principal.tenantId ?? '', deviceId: principal.deviceId ?? '', key };
    // The URL as requested, not the route pattern: the same key on another order is another request.
    const outcome = await store.claim(scope, requestHash(request.method, request.url, request.body), deps.clock.now());
    switch (outcome.kind) {
      case 'claimed':
        if (outcome.takenOver) request.log.warn({ idempotencyKey: key }, 'idempotency key taken over after its lease lapsed');
        // Renewed while the request runs: a short lease frees the key of a dead process soon,
        // and a live one keeps it however long the command takes.
        holdClaim(request, outcome.claim, keepAlive(store, outcome.claim, deps.clock, request.log));
        return;
      case 'mismatch':
        throw new ApplicationError('invalid', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
      case 'in_flight': {
        const seconds = Math.max(1, Math.ceil((outcome.lockedUntil.getTime() - deps.clock.now().getTime()) / 1000));
        void reply.header('retry-after', String(seconds));
        throw new ApplicationError('conflict', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
      }
      case 'replay':
        return replay(reply, outcome.response);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = letGo(request);
    // Completed by the commit that wrote the command's events (ADR 0019).
    if (!claim || wasAnswered(request)) return payload;
    try {
      const response = responseToKeep(reply, payload);
      if (response && isReplayable(response.status, response.body)) {
        const kept = await store.complete(claim, response, deps.clock.now());
        if (!kept) request.log.warn({ idempotencyKey: claim.scope.key }, 'idempotency claim was taken over; response not stored');
      } else {
        await store.release(claim);
      }
    } catch (error) {
      // The answer still goes out. The key stays in flight until its lease lapses; the retry
      // then runs the handler again, which finds the committed events by their key.
      request.log.error({ err: error, idempotencyKey: claim.scope.key }, 'could not record the idempotent response');
    }
    return payload;
  });

  // No answer was sent (the request ended otherwise): the heartbeat must not outlive it. The key
  // then lapses after one lease, and a retry finds what the command committed by its key.
  app.addHook('onResponse', (request, _reply, done) => {
    letGo(request);
    done();
  });

  return store;
}

function replay(reply: FastifyReply, response: StoredResponse): FastifyReply {
  void reply.code(response.status).headers(response.headers).header(REPLAYED_HEADER, 'true');
  // A string with its content type is sent as is: the bytes of the first answer.
  return reply.send(response.body ?? undefined);
}

/** The response as it will be stored, or undefined when it cannot be (a stream, or not JSON). */
function responseToKeep(reply: FastifyReply, payload: unknown): StoredResponse | undefined {
  let body: string | null;
  if (payload === null || payload === undefined) body = null;
  else if (typeof payload === 'string') body = payload;
  else if (Buffer.isBuffer(payload)) body = payload.toString('utf8');
  else return undefined;
  if (body === '') body = null;
  if (body !== null && !isJson(body)) return undefined;
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name);
    if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
  }
  return { status: reply.statusCode, body, headers };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
