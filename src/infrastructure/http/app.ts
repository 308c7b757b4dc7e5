import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerAccessControl, type Authenticator, type SupportReadRecorder } from './plugins/access.js';
import { registerCors } from './plugins/corsPolicy.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerRateLimits, type RateLimits } from './plugins/rateLimit.js';
import { registerSecurityHeaders } from './plugins/securityHeaders.js';
import { answerClientError, answerFrameworkError } from './plugins/frameworkErrors.js';
import { registerJsonBody } from './plugins/jsonBody.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerHealthRoutes, type HealthDeps } from './routes/health.js';

export type AppDeps = Readonly<{
  logger: FastifyBaseLogger;
  /** Turns a request's bearer token into a principal; every non-public /v1 route calls it. */
  authenticate: Authenticator;
  /** Records what support sessions read (ADR 0026). */
  recordSupportRead?: SupportReadRecorder;
  /** Origins allowed by CORS; none by default. */
  corsOrigins?: readonly string[];
  /** Where clients reach the API, the OpenAPI document's server; "/" when unset. */
  publicUrl?: string | undefined;
  /** Proxies trusted to name the client in X-Forwarded-For (the login throttle counts per client address). */
  trustProxy?: false | number | readonly string[];
  /** Largest request body in bytes; larger ones get 413. */
  bodyLimit?: number;
  /** Requests per client address and per tenant (plugins/rateLimit.ts); its defaults when unset. */
  rateLimits?: RateLimits;
  /** Registers the /v1 routes (composition root); runs after the shared plugins. */
  routes?: (app: FastifyInstance) => Promise<void> | void;
}> &
  HealthDeps;

/** A hop count trusts that many proxies nearest to us (Fastify's own reading of a number). */
function trustedProxies(setting: false | number | readonly string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting === false ? false : [...setting];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP app without listening: `main.ts` listens, tests use `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const trustProxy = trustedProxies(deps.trustProxy ?? false);
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    trustProxy,
    // Not `requestIdHeader`: Fastify would take the header as it is, before genReqId's check.
    requestIdHeader: false,
    // A client's request id is kept when it is sane, so tills can correlate retries.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Above the longest id a schema takes (128), so a long id is the schema's 400 and only longer is 414.
    routerOptions: { maxParamLength: 256 },
    // Errors Fastify answers before any route (bad URL, 414) or on the bare socket: problem+json too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // One line per request, when it is answered (below), instead of Fastify's two.
    disableRequestLogging: true,
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  // First of the onRequest hooks: headers, params and query with a control character go no further.
  registerJsonBody(app);
  registerSecurityHeaders(app);
  await registerCors(app, deps.corsOrigins);
  // Per address before authentication, per tenant after it.
  await registerRateLimits(app, deps.rateLimits);
  registerAccessControl(app, deps.authenticate, deps.recordSupportRead);
  await registerOpenApi(app, { publicUrl: deps.publicUrl });
  registerHealthRoutes(app, deps);
  if (deps.routes) await deps.routes(app);
  return app;
}
