import { describe, expect, it } from 'vitest';
import { localTimeOf } from '../../src/projections/shared/businessDate.js';
import { hourBucketOf } from '../../src/projections/sales/localHour.js';

// Whole, half and three-quarter hour offsets; a 30-minute daylight-saving shift (Lord Howe).
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham'];

describe('hour buckets of the sales reports', () => {
  it('agree with the shared business date and local hour, every 23 minutes (and odd seconds) through 2026, in zones with odd offsets', () => {
    const start = Date.UTC(2026, 0, 1);
    const end = Date.UTC(2027, 0, 1);
    for (const zone of ZONES) {
      for (let t = start; t < end; t += 23 * 60_000 + 17_000) {
        const instant = new Date(t).toISOString();
        const bucket = hourBucketOf(instant, zone);
        const local = localTimeOf(instant, zone);
        if (bucket.date !== local.date || bucket.hour !== local.hour) throw new Error(`${zone} ${instant}: ${JSON.stringify(bucket)} vs ${JSON.stringify(local)}`);
        const sinceStart = t - Date.parse(bucket.hourStart);
        if (sinceStart < 0 || sinceStart >= 3_600_000) throw new Error(`${zone} ${instant}: hour starts at ${bucket.hourStart}`);
      }
    }
  });

  it('start a local hour where the wall clock shows a whole hour, whatever the offset', () => {
    // Kathmandu is +05:45: 10:20 local began its hour at 10:00 local = 04:15Z.
    expect(hourBucketOf('2026-11-02T04:35:00.000Z', 'Asia/Kathmandu')).toEqual({ date: '2026-11-02', hour: 10, offsetMinutes: 345, hourStart: '2026-11-02T04:15:00.000Z' });
    // St John's is −03:30 in winter.
    expect(hourBucketOf('2026-12-01T03:00:00.000Z', 'America/St_Johns')).toEqual({ date: '2026-11-30', hour: 23, offsetMinutes: -210, hourStart: '2026-12-01T02:30:00.000Z' });
  });

  it('refuses what is not an instant', () => {
    expect(() => hourBucketOf('yesterday', 'UTC')).toThrow(RangeError);
  });
});
