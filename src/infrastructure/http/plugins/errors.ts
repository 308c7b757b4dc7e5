import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApplicationError, type ApplicationErrorKind } from '../../../application/errors.js';
import { DomainError, type ErrorKind } from '../../../domain/shared/errors.js';
import { InputRefusal } from '../inputRules.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../problem.js';
import { isDatabaseUnavailable } from '../../postgres/unavailable.js';

const STATUS: Readonly<Record<ErrorKind | ApplicationErrorKind, number>> = {
  invalid: 422,
  conflict: 409,
  forbidden: 403,
  not_found: 404,
  unauthorized: 401,
  precondition_failed: 412,
  unavailable: 503,
};

/** Seconds a client waits before retrying a 503 refusal. */
const RETRY_AFTER_SECONDS = 1;

function toProblem(error: FastifyError): Problem | undefined {
  if (error instanceof DomainError || error instanceof ApplicationError) {
    const refusal: DomainError | ApplicationError = error;
    return problem(STATUS[refusal.kind], { detail: refusal.message, code: refusal.code, ...detailsOf(refusal.details) });
  }
  if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
    const issues = (error.validation ?? []) as readonly FastifySchemaValidationError[];
    return problem(400, {
      detail: 'The request does not match the schema.',
      code: 'VALIDATION_FAILED',
      errors: issues.map((v) => ({ path: validationPath(v), message: v.message ?? 'invalid' })),
    });
  }
  if (error instanceof InputRefusal) {
    return problem(400, { detail: error.message, code: error.code, errors: [{ path: error.path, message: error.message }] });
  }
  if (isDatabaseUnavailable(error)) {
    return problem(503, { detail: 'The database is unreachable or overloaded for now; retry shortly.', code: 'SERVICE_UNAVAILABLE' });
  }
  const status = error.statusCode ?? 500;
  // Clients branch on `code`: a 4xx raised without one (a plugin's) still gets one, from its status.
  if (status >= 400 && status < 500) return problem(status, { detail: error.message, code: error.code || `HTTP_${status}` });
  return undefined;
}

/** Details that are safe to show: plain values chosen by the code that raised the error. */
function detailsOf(details: Readonly<Record<string, unknown>>): { details?: Readonly<Record<string, unknown>> } {
  return Object.keys(details).length > 0 ? { details } : {};
}

/**
 * One error handler for the whole API: refusals of the domain and the application, and 4xx
 * raised by Fastify, pass through as problem+json; anything else is logged and answered with a
 * bare 500 that names nothing internal.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body = toProblem(error);
    if (!body) {
      request.log.error({ err: error }, 'request failed');
      body = problem(500, { detail: 'An unexpected error occurred. It has been logged.', code: 'INTERNAL_ERROR' });
    }
    if (body.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (body.code === 'SERVICE_UNAVAILABLE') request.log.warn({ err: error }, 'database unavailable; answered 503');
    if (body.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send({ ...body, instance: request.url });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        ...problem(404, { detail: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`, code: 'ROUTE_NOT_FOUND' }),
        instance: request.url,
      }),
  );
}

/** JSON pointer of the offending value; a missing property points at where it belongs. */
function validationPath(issue: FastifySchemaValidationError): string {
  const missing = (issue.params as { missingProperty?: unknown }).missingProperty;
  return typeof missing === 'string' ? `${issue.instancePath}/${missing}` : issue.instancePath;
}
