/**
 * Refusals of the application layer (authorization, preconditions, cross-aggregate rules),
 * beside the domain's own DomainError. The HTTP edge maps both to problem+json.
 */
export type ApplicationErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'precondition_failed'
  /** A dependency is behind or down for now; the same request may succeed shortly (503 with Retry-After). */
  | 'unavailable';

export class ApplicationError extends Error {
  constructor(
    readonly kind: ApplicationErrorKind,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

/** Another tenant's resource, or one that does not exist: the same answer, so nothing leaks. */
export const notFound = (what: string): ApplicationError => new ApplicationError('not_found', 'NOT_FOUND', `${what} not found`);
