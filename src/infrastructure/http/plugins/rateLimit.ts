import { randomBytes, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SYNC_DISPATCH_HEADER } from '../../idempotency/key.js';

/** Requests per window; 0 turns that limit off. */
export type RateLimits = Readonly<{
  windowSeconds: number;
  perAddress: number;
  perTenant: number;
  /** `POST /v1/sync` has its own budget: one batch holds up to 500 commands, not counted again. */
  syncPerAddress: number;
  syncPerTenant: number;
}>;

/**
 * A busy shop puts 40 tills and a back office behind one NAT address; a till at its busiest sends
 * about one request a second (a scan, a payment, a read), so 2,400 a minute from one address is
 * normal: 3,000 leaves headroom. A tenant is many shops: twice that. A till syncs once when it
 * comes back online (and retries): 120 batches a minute from one address, 600 per tenant.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { windowSeconds: 60, perAddress: 3000, perTenant: 6000, syncPerAddress: 120, syncPerTenant: 600 };

/**
 * The value `POST /v1/sync` puts in SYNC_DISPATCH_HEADER on the commands it injects: random per
 * process and never sent out, so a client cannot pass its own request off as a synced command
 * (a header of any other value is removed at the edge).
 */
export const SYNC_DISPATCH_MARK = randomBytes(24).toString('base64url');

const UNLIMITED = new Set(['/health', '/ready']);
/** Routes no rate limit counts (the probes), by route pattern. */
export const isUnlimited = (url: string): boolean => UNLIMITED.has(url);

function isSyncDispatch(request: FastifyRequest): boolean {
  const value = request.headers[SYNC_DISPATCH_HEADER];
  if (value === undefined) return false;
  const given = Buffer.from(typeof value === 'string' ? value : value.join(','));
  const mark = Buffer.from(SYNC_DISPATCH_MARK);
  return given.length === mark.length && timingSafeEqual(given, mark);
}

class RateLimited extends Error {
  readonly statusCode = 429;
  readonly code = 'RATE_LIMITED';
  constructor(scope: string) {
    super(`Too many requests from this ${scope}; retry after the seconds in Retry-After.`);
  }
}

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; max?: number; remaining?: number; ttlInSeconds?: number }>;

/**
 * Per-client-address limits before authentication (cheap, and they cover /v1/auth and anonymous
 * floods), per-tenant limits once the caller is known (preParsing: after the access hook's
 * onRequest, before the body is read). Counted in process memory (@fastify/rate-limit's store):
 * N processes allow N times the limit. Answers 429 problem+json RATE_LIMITED with Retry-After
 * and the IETF draft RateLimit-Limit/-Remaining/-Reset headers (the tightest limit's).
 */
export async function registerRateLimits(app: FastifyInstance, limits: RateLimits = DEFAULT_RATE_LIMITS): Promise<void> {
  await app.register(rateLimit, { global: false, enableDraftSpec: true });
  const window = limits.windowSeconds * 1000;
  const make = (max: number, key: (request: FastifyRequest) => string): Limiter | undefined =>
    max > 0 ? app.createRateLimit({ max, timeWindow: window, keyGenerator: key }) : undefined;
  const isSync = (request: FastifyRequest): boolean => request.method === 'POST' && request.routeOptions.url === '/v1/sync';
  const tenantOf = (request: FastifyRequest): string => request.principal?.tenantId ?? `user:${request.principal?.userId ?? ''}`;
  const byAddress = make(limits.perAddress, (request) => `address:${request.ip}`);
  const syncByAddress = make(limits.syncPerAddress, (request) => `sync-address:${request.ip}`);
  const byTenant = make(limits.perTenant, (request) => `tenant:${tenantOf(request)}`);
  const syncByTenant = make(limits.syncPerTenant, (request) => `sync-tenant:${tenantOf(request)}`);
  const remaining = new WeakMap<FastifyRequest, number>();

  const apply = async (limiter: Limiter | undefined, request: FastifyRequest, reply: FastifyReply, scope: string): Promise<void> => {
    if (!limiter) return;
    const result = await limiter(request);
    if (result.isAllowed || result.max === undefined) return;
    const left = result.remaining ?? 0;
    const tightest = remaining.get(request);
    if (tightest === undefined || left <= tightest) {
      remaining.set(request, left);
      void reply.header('ratelimit-limit', result.max).header('ratelimit-remaining', left).header('ratelimit-reset', result.ttlInSeconds ?? 0);
    }
    if (result.isExceeded) {
      void reply.header('retry-after', String(Math.max(1, result.ttlInSeconds ?? 1)));
      throw new RateLimited(scope);
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.headers[SYNC_DISPATCH_HEADER] !== undefined) {
      // A synced command was counted with its batch.
      if (isSyncDispatch(request)) return;
      // From the raw headers, which request.headers reads: what follows never sees it.
      Reflect.deleteProperty(request.raw.headers, SYNC_DISPATCH_HEADER);
    }
    if (UNLIMITED.has(request.routeOptions.url ?? '')) return;
    await apply(isSync(request) ? syncByAddress : byAddress, request, reply, 'address');
  });

  app.addHook('preParsing', async (request, reply) => {
    if (!request.principal || isSyncDispatch(request)) return;
    await apply(isSync(request) ? syncByTenant : byTenant, request, reply, 'tenant');
  });
}
