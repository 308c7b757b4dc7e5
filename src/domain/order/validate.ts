import { invalid } from '../shared/errors.js';
import { requireMinor, type Minor } from '../shared/money.js';
import type { OrderErrorCode } from './errors.js';

/** Bounds of DOMAIN.md "Money". */
export const LIMITS = {
  maxLines: 500,
  minQuantity: 1,
  maxQuantity: 9_999,
  maxUnitPrice: 10_000_000,
  /** Largest single tender: above any order total the line bounds allow is absurd at a till. */
  maxTender: 100_000_000_000,
} as const;

export function requireQuantity(quantity: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < LIMITS.minQuantity || quantity > LIMITS.maxQuantity) {
    throw invalid<OrderErrorCode>('QUANTITY_OUT_OF_RANGE', `quantity must be a whole number from 1 to ${LIMITS.maxQuantity}`, {
      quantity,
    });
  }
  return quantity;
}

export function requireAmount(value: number, field: string, min: number, max: number): Minor {
  return requireMinor(value, field, min, max);
}

/** Trimmed text of 1..max characters with no control characters. */
export function requireText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (trimmed.length === 0 || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw invalid<OrderErrorCode>('INVALID_TEXT', `${field} must be 1 to ${max} characters without control characters`, { field });
  }
  return trimmed;
}

export function requireBasisPoints(value: number, field: string, code: OrderErrorCode, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min || value > 10_000) {
    throw invalid<OrderErrorCode>(code, `${field} must be whole basis points from ${min} to 10000`, { field, value });
  }
  return value;
}
