import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../problem.js';

/**
 * One error handler for the whole API: deliberate client errors (4xx raised by
 * Fastify or our routes) pass through as problem+json; anything else is logged
 * and answered with a bare 500 that names nothing internal.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    let body: Problem;
    if (error.validation) {
      body = problem(400, {
        detail: 'The request does not match the schema.',
        code: 'VALIDATION_FAILED',
        errors: error.validation.map((v) => ({ path: validationPath(v), message: v.message ?? 'invalid' })),
      });
    } else if (status >= 400 && status < 500) {
      body = problem(status, { detail: error.message, ...(error.code ? { code: error.code } : {}) });
    } else {
      request.log.error({ err: error }, 'request failed');
      body = problem(500, { detail: 'An unexpected error occurred. It has been logged.' });
    }
    return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send({ ...body, instance: request.url });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem(404, { detail: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}` }), instance: request.url }),
  );
}

/** JSON pointer of the offending value; a missing property points at where it belongs. */
function validationPath(issue: FastifySchemaValidationError): string {
  const missing = (issue.params as { missingProperty?: unknown }).missingProperty;
  return typeof missing === 'string' ? `${issue.instancePath}/${missing}` : issue.instancePath;
}
