import { isCurrencyCode, type CurrencyCode } from '../shared/money.js';
import type { PriceMode } from '../shared/tax.js';
import { tenantError } from './errors.js';

// Commands arrive typed, but from a till, a console or a script: every check here also holds
// for values the types promise but the caller did not keep (hence the `unknown` parameters).

/** Ids are chosen by the application (UUIDs) and end up in stream names and URLs. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** `UTC`, or an IANA-shaped `Area/Location[/Sublocation]` such as `America/Argentina/Buenos_Aires`, `Etc/GMT+5`. */
const TIME_ZONE = /^(?:UTC|[A-Z][A-Za-z]+(?:\/[A-Za-z0-9][A-Za-z0-9_+-]*){1,2})$/;
const TIME_ZONE_MAX = 64;

export const NAME_MAX = 100;
export const LEGAL_NAME_MAX = 200;
export const REASON_MAX = 500;
export const BASIS_POINTS_MAX = 10_000;

const CONTROL = /\p{Cc}/u;

/** Trimmed text of 1..max characters (code points, as the database counts them), or undefined. */
function text(value: unknown, max: number, allowControl: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const length = Array.from(trimmed).length;
  if (length === 0 || length > max) return undefined;
  if (!allowControl && CONTROL.test(trimmed)) return undefined;
  return trimmed;
}

/** Reads `key` of a value that should be an object, without trusting that it is one. */
export function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function requireId<Id extends string>(value: Id, field: string): Id {
  if (!isWellFormedId(value)) {
    throw tenantError.invalid('INVALID_ID', `${field} must be 1 to 128 letters, digits, '.', '_', ':' or '-'`, { field });
  }
  return value;
}

function isWellFormedId(value: unknown): boolean {
  return typeof value === 'string' && ID.test(value);
}

/** Names of branches, devices and tax rates: shown on tills and receipts, so one line. */
export function requireName(value: unknown, field = 'name'): string {
  const name = text(value, NAME_MAX, false);
  if (name === undefined) {
    throw tenantError.invalid('INVALID_NAME', `${field} must be 1 to ${NAME_MAX} characters on one line`, { field });
  }
  return name;
}

export function requireLegalName(value: unknown): string {
  const legalName = text(value, LEGAL_NAME_MAX, false);
  if (legalName === undefined) {
    throw tenantError.invalid('INVALID_LEGAL_NAME', `legalName must be 1 to ${LEGAL_NAME_MAX} characters on one line`);
  }
  return legalName;
}

/** Reasons are free text for auditors and may span lines. */
export function requireReason(value: unknown): string {
  const reason = text(value, REASON_MAX, true);
  if (reason === undefined) throw tenantError.invalid('INVALID_REASON', `reason must be 1 to ${REASON_MAX} characters`);
  return reason;
}

export function requireCurrency(value: unknown): CurrencyCode {
  if (typeof value !== 'string' || !isCurrencyCode(value)) {
    throw tenantError.invalid('INVALID_CURRENCY', 'currency must be a supported ISO 4217 code', { currency: value });
  }
  return value;
}

/** The shape only: the application checks the zone against the runtime's IANA database. */
export function requireTimeZone(value: unknown): string {
  if (typeof value !== 'string' || value.length > TIME_ZONE_MAX || !TIME_ZONE.test(value)) {
    throw tenantError.invalid('INVALID_TIME_ZONE', 'timeZone must be an IANA zone name such as Europe/Paris, or UTC', {
      timeZone: value,
    });
  }
  return value;
}

export function requirePriceMode(value: unknown): PriceMode {
  if (value !== 'inclusive' && value !== 'exclusive') {
    throw tenantError.invalid('INVALID_PRICE_MODE', "priceMode must be 'inclusive' or 'exclusive'", { priceMode: value });
  }
  return value;
}

/** A share in hundredths of a percent: 0 (0 %) to 10 000 (100 %), whole. */
export function requireBasisPoints(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > BASIS_POINTS_MAX) {
    throw tenantError.invalid('INVALID_BASIS_POINTS', `${field} must be a whole number from 0 to ${BASIS_POINTS_MAX}`, {
      field,
      value,
    });
  }
  return value;
}
