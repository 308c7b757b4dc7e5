/**
 * What kind of refusal a rule is, so the edge can answer it without knowing every code:
 * - `invalid`: the request breaks a rule of the data (quantity out of range, unknown tax rate);
 * - `conflict`: the aggregate is in a state that does not allow it (order already completed);
 * - `forbidden`: the actor's role may not do this here (discount above threshold by a cashier);
 * - `not_found`: the thing addressed does not exist (no such line, branch or device).
 */
export type ErrorKind = 'invalid' | 'conflict' | 'forbidden' | 'not_found';

/** A refusal by the domain, with a stable code clients can rely on (e.g. `ORDER_ALREADY_COMPLETED`). */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: Code,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = <C extends string>(code: C, message: string, details?: Record<string, unknown>): DomainError<C> =>
  new DomainError('invalid', code, message, details);
export const conflict = <C extends string>(code: C, message: string, details?: Record<string, unknown>): DomainError<C> =>
  new DomainError('conflict', code, message, details);
export const forbidden = <C extends string>(code: C, message: string, details?: Record<string, unknown>): DomainError<C> =>
  new DomainError('forbidden', code, message, details);
export const notFound = <C extends string>(code: C, message: string, details?: Record<string, unknown>): DomainError<C> =>
  new DomainError('not_found', code, message, details);
