import type { FastifyRequest } from 'fastify';

/** Characters a till may use in a key: enough for UUIDs and `device:counter` schemes, nothing to escape. */
const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on the answer to a request that was not run again but replayed from the stored response. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/**
 * Marks a command dispatched by `POST /v1/sync`. A synced command must go to a route that honours
 * Idempotency-Key, or posting the batch twice would apply it twice.
 */
export const SYNC_DISPATCH_HEADER = 'x-tillstream-sync';

/** Where one key lives: keys of different tenants, and of different tills of one tenant, never meet. */
export type KeyScope = Readonly<{
  tenantId: string;
  /** '' for a caller without a device (a back-office session). */
  deviceId: string;
  key: string;
}>;

export class IdempotencyKeyError extends Error {
  /** Read by the error handler, which answers 4xx errors with their status and code as problem+json. */
  readonly statusCode = 400;
  constructor(
    readonly code: 'IDEMPOTENCY_KEY_REQUIRED' | 'IDEMPOTENCY_KEY_INVALID' | 'NOT_SYNCABLE',
    message: string,
  ) {
    super(message);
    this.name = 'IdempotencyKeyError';
  }
}

export function isIdempotencyKey(value: string): boolean {
  return KEY.test(value);
}

/** The request's Idempotency-Key, null when absent; a malformed one is refused rather than ignored. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !isIdempotencyKey(value)) {
    throw new IdempotencyKeyError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 128 letters, digits, ".", "_", ":" or "-"');
  }
  return value;
}
