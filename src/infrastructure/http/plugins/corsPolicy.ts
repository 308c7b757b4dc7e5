import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER } from '../../idempotency/key.js';

/** Answer headers a browser client reads: the revision for If-Match, replays, correlation and back-off. */
export const EXPOSED_HEADERS = [
  'ETag',
  REPLAYED_HEADER,
  'X-Request-Id',
  'Retry-After',
  'Location',
  // The next page of a cursor-paged list.
  'Link',
  // What plugins/rateLimit.ts sends (the draft's three fields), and the later draft's two.
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit',
  'RateLimit-Policy',
] as const;
/** Request headers a browser client may send beside the CORS-safelisted ones. */
export const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  IDEMPOTENCY_KEY_HEADER,
  'X-Client-Time',
  'X-Request-Id',
  'X-Correlation-Id',
  'X-Causation-Id',
  'traceparent',
  'tracestate',
] as const;

class InvalidPreflight extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_PREFLIGHT';
  constructor() {
    super('A CORS preflight needs Origin and Access-Control-Request-Method');
  }
}

/**
 * CORS for the listed origins (none: CORS off, and OPTIONS finds no route). The plugin's own
 * strict-preflight refusal answers text/plain; it is checked here first so it is problem+json
 * like every other error.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[] | undefined): Promise<void> {
  const enabled = origins !== undefined && origins.length > 0;
  if (enabled) {
    app.addHook('onRequest', (request, _reply, done) => {
      const bad = request.method === 'OPTIONS' && (!request.headers.origin || !request.headers['access-control-request-method']);
      done(bad ? new InvalidPreflight() : undefined);
    });
  }
  await app.register(cors, {
    origin: enabled ? [...origins] : false,
    strictPreflight: false,
    exposedHeaders: [...EXPOSED_HEADERS],
    allowedHeaders: [...ALLOWED_HEADERS],
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
}
