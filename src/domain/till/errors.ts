import { DomainError, type ErrorKind } from '../shared/errors.js';

/** Every code the Till decider refuses with. Clients may rely on them: never rename one. */
export type TillErrorCode = 'TILL_NOT_YOURS' | 'TILL_MISMATCH' | 'TILL_BUSINESS_DATE_INVALID' | 'TILL_FIGURES_INVALID';

export const TILL_ERROR_KINDS: Readonly<Record<TillErrorCode, ErrorKind>> = {
  TILL_NOT_YOURS: 'forbidden',
  TILL_MISMATCH: 'conflict',
  TILL_BUSINESS_DATE_INVALID: 'invalid',
  TILL_FIGURES_INVALID: 'invalid',
};

export function tillError(code: TillErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError<TillErrorCode> {
  return new DomainError(TILL_ERROR_KINDS[code], code, message, details);
}
