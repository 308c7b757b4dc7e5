import { conflict, invalid, notFound, type DomainError } from '../shared/errors.js';

/** Every code the Tenant aggregate refuses a command with; clients may rely on them. */
export type TenantErrorCode =
  // lifecycle
  | 'TENANT_ALREADY_REGISTERED'
  | 'TENANT_NOT_REGISTERED'
  | 'TENANT_ALREADY_ACTIVATED'
  | 'TENANT_NOT_ACTIVE'
  | 'TENANT_NOT_SUSPENDED'
  | 'TENANT_SUSPENDED'
  | 'TENANT_CLOSED'
  // input
  | 'INVALID_ID'
  | 'INVALID_NAME'
  | 'INVALID_LEGAL_NAME'
  | 'INVALID_REASON'
  | 'INVALID_CURRENCY'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_PRICE_MODE'
  | 'INVALID_BASIS_POINTS'
  | 'INVALID_TAX_RATES'
  // settings
  | 'CURRENCY_FIXED_AFTER_SALES'
  | 'TAX_RATE_ALREADY_EXISTS'
  | 'TAX_RATE_NOT_FOUND'
  | 'TAX_RATE_RETIRED'
  // branches and devices
  | 'BRANCH_ALREADY_EXISTS'
  | 'BRANCH_NOT_FOUND'
  | 'BRANCH_CLOSED'
  | 'BRANCH_HAS_ACTIVE_DEVICES'
  | 'DEVICE_ALREADY_EXISTS'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_DEACTIVATED';

export type TenantError = DomainError<TenantErrorCode>;

type Details = Record<string, unknown>;

/** The shared error helpers, narrowed so only a listed code can be thrown. */
export const tenantError = {
  invalid: (code: TenantErrorCode, message: string, details?: Details): TenantError => invalid(code, message, details),
  conflict: (code: TenantErrorCode, message: string, details?: Details): TenantError => conflict(code, message, details),
  notFound: (code: TenantErrorCode, message: string, details?: Details): TenantError => notFound(code, message, details),
} as const;
