import { DomainError, type ErrorKind } from '../shared/errors.js';

/** Every code the Seal decider refuses with. Clients may rely on them: never rename one. */
export type SealErrorCode = 'SEAL_OUT_OF_ORDER' | 'SEAL_HISTORY_SHRANK' | 'SEAL_TENANT_MISMATCH';

export const SEAL_ERROR_KINDS: Readonly<Record<SealErrorCode, ErrorKind>> = {
  SEAL_OUT_OF_ORDER: 'conflict',
  SEAL_HISTORY_SHRANK: 'conflict',
  SEAL_TENANT_MISMATCH: 'conflict',
};

export function sealError(code: SealErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError<SealErrorCode> {
  return new DomainError(SEAL_ERROR_KINDS[code], code, message, details);
}
