import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './plugins/errors.js';
import { registerHealthRoutes, type HealthDeps } from './routes/health.js';

export type AppDeps = Readonly<{
  logger: FastifyBaseLogger;
  /** Largest request body in bytes; larger ones get 413. */
  bodyLimit?: number;
}> &
  HealthDeps;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP app without listening: `main.ts` listens, tests use `inject`. */
export function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    requestIdHeader: 'x-request-id',
    // A client's request id is kept when it is sane, so tills can correlate retries.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerHealthRoutes(app, deps);
  return Promise.resolve(app);
}
