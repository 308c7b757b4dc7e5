import { describe, expect, it } from 'vitest';
import { businessDateOf, localTimeOf } from '../../src/projections/shared/businessDate.js';

describe('business dates', () => {
  it('follow the zone, not UTC', () => {
    expect(businessDateOf('2026-11-02T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-11-03');
    expect(businessDateOf('2026-11-03T04:30:00.000Z', 'America/New_York')).toBe('2026-11-02');
    expect(businessDateOf('2026-11-02T23:30:00.000Z', 'UTC')).toBe('2026-11-02');
    expect(localTimeOf(new Date('2026-11-02T23:30:00.000Z'), 'Europe/Berlin')).toEqual({ date: '2026-11-03', hour: 0 });
  });

  it('give the hours of a day across daylight-saving changes: 23 in spring, 25 in autumn', () => {
    const hoursOf = (date: string, zone: string): number => {
      let count = 0;
      const start = Date.parse(`${date}T00:00:00.000Z`) - 36 * 3_600_000;
      for (let t = start; t < start + 72 * 3_600_000; t += 3_600_000) if (localTimeOf(new Date(t), zone).date === date) count++;
      return count;
    };
    expect(hoursOf('2026-03-29', 'Europe/Berlin')).toBe(23);
    expect(hoursOf('2026-10-25', 'Europe/Berlin')).toBe(25);
    expect(hoursOf('2026-10-26', 'Europe/Berlin')).toBe(24);
    // 02:30 local on the spring day does not exist; 02:30 on the autumn day occurs twice, both hour 2.
    expect(localTimeOf('2026-10-25T00:30:00.000Z', 'Europe/Berlin')).toEqual({ date: '2026-10-25', hour: 2 });
    expect(localTimeOf('2026-10-25T01:30:00.000Z', 'Europe/Berlin')).toEqual({ date: '2026-10-25', hour: 2 });
  });

  it('refuses what is not an instant', () => {
    expect(() => businessDateOf('yesterday', 'UTC')).toThrow(RangeError);
  });
});
