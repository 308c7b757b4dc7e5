import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.js';

export type HealthDeps = Readonly<{
  /** Each named dependency's check; it rejects when the dependency is unreachable. */
  readinessChecks: Readonly<Record<string, () => Promise<void>>>;
}>;

/** `/health`: the process is alive. `/ready`: every dependency answers, so traffic may come. */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/health', () => ({ status: 'ok' }));

  app.get('/ready', async (request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.readinessChecks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (results.every(([, state]) => state === 'ok')) return { status: 'ready', checks };
    return reply
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem(503, { detail: 'A dependency is unavailable.', code: 'NOT_READY' }), checks });
  });
}
