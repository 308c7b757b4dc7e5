import { invalid } from './errors.js';

/**
 * Amounts are whole numbers of the currency's minor unit (cents for EUR, yen for JPY).
 * The bounds of DOMAIN.md keep every order total far below 2^53, so `number` holds them
 * exactly; every operation here checks it is given and returns whole numbers.
 */
export type Minor = number;

export type Money = Readonly<{ amount: Minor; currency: CurrencyCode }>;

/** ISO 4217 codes we accept, with the exponent of their minor unit. */
export const CURRENCIES = {
  AUD: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2,
  IDR: 2, ILS: 2, INR: 2, ISK: 0, JOD: 3, JPY: 0, KRW: 0, KWD: 3, MXN: 2, NOK: 2, NZD: 2, OMR: 3, PLN: 2,
  RON: 2, SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2, TWD: 2, UAH: 2, USD: 2, VND: 0, ZAR: 2,
} as const satisfies Record<string, 0 | 2 | 3>;

export type CurrencyCode = keyof typeof CURRENCIES;

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(CURRENCIES, code);
}

export function minorUnitExponent(currency: CurrencyCode): 0 | 2 | 3 {
  return CURRENCIES[currency];
}

export function isMinor(value: unknown): value is Minor {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Refuses anything that is not a whole number of minor units within [min, max]. */
export function requireMinor(value: number, field: string, min: number, max: number): Minor {
  if (!isMinor(value) || value < min || value > max) {
    throw invalid('AMOUNT_OUT_OF_RANGE', `${field} must be a whole number of minor units from ${min} to ${max}`, {
      field,
      value,
      min,
      max,
    });
  }
  return value;
}

export function sum(values: readonly Minor[]): Minor {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * numerator / denominator rounded half away from zero, in exact integer arithmetic
 * (ADR 0005). BigInt keeps intermediate products exact whatever their size.
 */
export function divideRoundHalfAwayFromZero(numerator: Minor, denominator: number): Minor {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('divideRoundHalfAwayFromZero takes whole numbers and a positive denominator');
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const magnitude = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return Number(n < 0n ? -magnitude : magnitude);
}

/** `amount * basisPoints / 10_000`, rounded half away from zero. */
export function applyBasisPoints(amount: Minor, basisPoints: number): Minor {
  return divideRoundHalfAwayFromZero(amount * basisPoints, 10_000);
}

/**
 * Splits `total` over `weights` in proportion, in whole minor units that add up to
 * exactly `total` (largest remainder; ties go to the earlier weight).
 */
export function allocate(total: Minor, weights: readonly Minor[]): Minor[] {
  const weightSum = sum(weights);
  if (weightSum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const w = BigInt(weightSum);
  const parts = weights.map((weight, i) => ({ i, share: (t * BigInt(weight)) / w, remainder: (t * BigInt(weight)) % w }));
  let left = t - parts.reduce((a, p) => a + p.share, 0n);
  const byRemainder = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const part of byRemainder) {
    if (left <= 0n) break;
    part.share += 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p.share));
}
