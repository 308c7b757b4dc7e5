import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, applyBasisPoints, divideRoundHalfAwayFromZero, isCurrencyCode, minorUnitExponent, requireMinor } from '../../../../src/domain/shared/money.js';
import { lineTax } from '../../../../src/domain/shared/tax.js';
import { DomainError } from '../../../../src/domain/shared/errors.js';

describe('rounding half away from zero', () => {
  it.each([
    [5, 10, 1], // 0.5 -> 1
    [15, 10, 2], // 1.5 -> 2
    [25, 10, 3], // 2.5 -> 3 (not banker's 2)
    [-5, 10, -1], // -0.5 -> -1
    [-25, 10, -3],
    [14, 10, 1],
    [-14, 10, -1],
    [0, 7, 0],
    [2, 3, 1], // 0.667 -> 1
  ])('%i / %i = %i', (n, d, expected) => {
    expect(divideRoundHalfAwayFromZero(n, d)).toBe(expected);
  });
  it('refuses fractions and non-positive denominators', () => {
    expect(() => divideRoundHalfAwayFromZero(1.5, 2)).toThrow(RangeError);
    expect(() => divideRoundHalfAwayFromZero(1, 0)).toThrow(RangeError);
  });
  it('is within half a unit of the exact quotient', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (n, d) => {
        const q = divideRoundHalfAwayFromZero(n, d);
        expect(Number.isSafeInteger(q)).toBe(true);
        expect(Math.abs(q * d - n) * 2).toBeLessThanOrEqual(d);
      }),
    );
  });
  it('applies basis points: 19 % of 12.35 is 2.35 (2.3465 rounds up)', () => {
    expect(applyBasisPoints(1235, 1900)).toBe(235);
  });
});

describe('tax per line', () => {
  it('exclusive: 8.25 % on 30.00 is 2.48 (2.475 rounds away from zero)', () => {
    expect(lineTax(3000, 825, 'exclusive')).toEqual({ net: 3000, tax: 248, gross: 3248 });
  });
  it('inclusive: 20 % inside 25.00 is 4.17', () => {
    expect(lineTax(2500, 2000, 'inclusive')).toEqual({ net: 2083, tax: 417, gross: 2500 });
  });
  it('zero rate and zero amount carry no tax', () => {
    expect(lineTax(999, 0, 'inclusive')).toEqual({ net: 999, tax: 0, gross: 999 });
    expect(lineTax(0, 2000, 'exclusive')).toEqual({ net: 0, tax: 0, gross: 0 });
  });
});

describe('allocate', () => {
  it('splits in proportion and adds up exactly', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [300, 700])).toEqual([3, 7]);
    expect(allocate(5, [0, 0])).toEqual([5, 0]);
    expect(allocate(5, [])).toEqual([]);
  });
  it('always adds up to the total and never gives a weight more than it is worth', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 50 }), fc.nat(), (weights, seed) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const amount = total === 0 ? 0 : seed % (total + 1);
        const shares = allocate(amount, weights);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(amount);
        shares.forEach((share, i) => {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(weights[i]!);
        });
      }),
    );
  });
});

describe('currencies and bounds', () => {
  it('knows minor-unit exponents of ISO 4217 currencies', () => {
    expect(isCurrencyCode('EUR') && minorUnitExponent('EUR')).toBe(2);
    expect(isCurrencyCode('JPY') && minorUnitExponent('JPY')).toBe(0);
    expect(isCurrencyCode('KWD') && minorUnitExponent('KWD')).toBe(3);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('toString')).toBe(false);
  });
  it('refuses fractions, out-of-range and unsafe amounts with a stable code', () => {
    for (const value of [1.5, -1, 11, Number.NaN, 2 ** 53]) {
      expect(() => requireMinor(value, 'amount', 0, 10)).toThrow(DomainError);
    }
    expect(requireMinor(10, 'amount', 0, 10)).toBe(10);
  });
});
