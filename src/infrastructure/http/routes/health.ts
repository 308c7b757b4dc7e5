import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.js';

export type HealthDeps = Readonly<{
  /** Each named dependency's check; it rejects when the dependency is unreachable. */
  readinessChecks: Readonly<Record<string, () => Promise<void>>>;
  /**
   * What works but not fully (e.g. a projection halted on a poison event): /ready stays 200, says
   * `degraded` and lists them, since the API can still serve. Rejections are logged and ignored.
   */
  readinessDegradations?: () => Promise<readonly Readonly<Record<string, unknown>>[]>;
  /** A check that has not answered by then counts as unavailable (a black hole must not hang /ready). */
  readinessTimeoutMs?: number;
}>;

/** Load balancers probe often and give up after a few seconds; answer well within that. */
export const DEFAULT_READINESS_TIMEOUT_MS = 1_000;

class CheckTimedOut extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CheckTimedOut';
  }
}

/** The check, or a rejection once `ms` have passed; the check itself runs on to its own timeout. */
async function bounded(check: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new CheckTimedOut(ms));
    }, ms);
  });
  try {
    await Promise.race([check(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/health`: the process is alive. `/ready`: every dependency answers, so traffic may come. */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const timeoutMs = deps.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  app.get('/health', () => ({ status: 'ok' }));
  const degradationsOf = async (log: Readonly<{ warn(object: object, message: string): void }>): Promise<readonly Readonly<Record<string, unknown>>[]> => {
    if (!deps.readinessDegradations) return [];
    try {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<readonly Readonly<Record<string, unknown>>[]>((resolve) => {
        timer = setTimeout(() => {
          resolve([]);
        }, timeoutMs);
      });
      try {
        return await Promise.race([deps.readinessDegradations(), late]);
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      log.warn({ err: error }, 'readiness details failed');
      return [];
    }
  };

  app.get('/ready', { config: { openapi: { problems: { 503: ['NOT_READY'] } } } }, async (request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.readinessChecks).map(async ([name, check]) => {
        try {
          await bounded(check, timeoutMs);
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (results.every(([, state]) => state === 'ok')) {
      const degraded = await degradationsOf(request.log);
      return degraded.length > 0 ? { status: 'degraded', checks, degraded } : { status: 'ready', checks };
    }
    return reply
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem(503, { detail: 'A dependency is unavailable.', code: 'NOT_READY' }), checks });
  });
}
