import { DomainError, type ErrorKind } from '../shared/errors.js';

/** Every code the Support decider refuses with. Clients may rely on them: never rename one. */
export type SupportErrorCode =
  | 'SUPPORT_SESSION_ID_INVALID'
  | 'SUPPORT_REASON_REQUIRED'
  | 'SUPPORT_DURATION_OUT_OF_RANGE'
  | 'SUPPORT_SESSION_EXISTS'
  | 'SUPPORT_SESSION_NOT_FOUND'
  | 'SUPPORT_SESSION_NOT_ACTIVE';

/** One kind per code, so the edge answers a code the same way every time. */
export const SUPPORT_ERROR_KINDS: Readonly<Record<SupportErrorCode, ErrorKind>> = {
  SUPPORT_SESSION_ID_INVALID: 'invalid',
  SUPPORT_REASON_REQUIRED: 'invalid',
  SUPPORT_DURATION_OUT_OF_RANGE: 'invalid',
  SUPPORT_SESSION_EXISTS: 'conflict',
  SUPPORT_SESSION_NOT_FOUND: 'not_found',
  SUPPORT_SESSION_NOT_ACTIVE: 'conflict',
};

/** A refusal of the Support decider; its kind comes from the code. */
export function supportError(
  code: SupportErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): DomainError<SupportErrorCode> {
  return new DomainError(SUPPORT_ERROR_KINDS[code], code, message, details);
}
