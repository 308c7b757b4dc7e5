/**
 * The local hour an instant falls in, as a bucket of the per-hour report. A day across a
 * daylight-saving change has 23 or 25 local hours: on the 25-hour day 02:00 occurs twice, and the
 * two occurrences are told apart by their UTC offset (and their start instant), so that day has
 * 25 buckets, not 24 with one holding two hours.
 *
 * The date agrees with `businessDateOf` (shared/businessDate.ts): both read the platform's time
 * zone database. The offset is looked up once per zone and quarter of an hour (every offset in
 * use is a whole number of quarter hours, so a change of offset falls on a quarter-hour boundary
 * in UTC), which keeps Intl off the hot path of a rebuild.
 */
export type HourBucket = Readonly<{
  /** `YYYY-MM-DD`, the business date. */
  date: string;
  /** 0..23, the local wall-clock hour. */
  hour: number;
  /** Local time minus UTC, in minutes (Berlin: 60 in winter, 120 in summer). */
  offsetMinutes: number;
  /** The instant the local hour began, ISO UTC. */
  hourStart: string;
}>;

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 60 * 60_000;
const MAX_CACHED = 50_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Local minus UTC, in whole minutes, at `millis`. */
function offsetAt(millis: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(millis));
  const value = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  if (Number.isNaN(wall)) throw new RangeError(`no local time for ${new Date(millis).toISOString()} in ${timeZone}`);
  return Math.round((wall - Math.floor(millis / 1000) * 1000) / 60_000);
}

function cachedOffset(millis: number, timeZone: string): number {
  const slot = Math.floor(millis / QUARTER_HOUR);
  const key = `${timeZone}\u0000${slot}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = offsetAt(slot * QUARTER_HOUR, timeZone);
    // An offset that is not whole quarter hours (historic local mean time) may change mid-slot.
    if (offset % 15 !== 0) return offsetAt(millis, timeZone);
    if (offsets.size >= MAX_CACHED) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The hour bucket of `instant` (ISO string) in the IANA `timeZone`. */
export function hourBucketOf(instant: string, timeZone: string): HourBucket {
  const millis = Date.parse(instant);
  if (Number.isNaN(millis)) throw new RangeError(`not an instant: ${instant}`);
  const offsetMinutes = cachedOffset(millis, timeZone);
  const wall = millis + offsetMinutes * 60_000;
  const wallHour = Math.floor(wall / HOUR) * HOUR;
  const local = new Date(wallHour);
  return {
    date: local.toISOString().slice(0, 10),
    hour: local.getUTCHours(),
    offsetMinutes,
    hourStart: new Date(wallHour - offsetMinutes * 60_000).toISOString(),
  };
}
