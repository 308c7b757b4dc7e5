/**
 * Where an instant falls in a branch's local day. Reports file a sale under the business date of
 * the place it was made (DOMAIN.md "Business time"), so a sale at 00:30 in Berlin belongs to that
 * Berlin date whatever the UTC date, and a day across a daylight-saving change has 23 or 25 hours.
 * The time zone database is the platform's (Intl): deterministic for one Node release.
 */
export type LocalTime = Readonly<{
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** 0..23, the local wall-clock hour (on a 25-hour day one hour occurs twice and sums both). */
  hour: number;
}>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date and hour of `instant` (ISO string or Date) in the IANA `timeZone`. */
export function localTimeOf(instant: string | Date, timeZone: string): LocalTime {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) throw new RangeError(`not an instant: ${String(instant)}`);
  const parts = formatterOf(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => {
    const found = parts.find((p) => p.type === type);
    if (!found) throw new RangeError(`no ${type} for ${at.toISOString()} in ${timeZone}`);
    return found.value;
  };
  return { date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

/** The business date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function businessDateOf(instant: string | Date, timeZone: string): string {
  return localTimeOf(instant, timeZone).date;
}
