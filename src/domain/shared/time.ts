import type { Branded } from './ids.js';

/**
 * An instant as an ISO-8601 UTC string (`2026-11-22T09:30:00.000Z`). The domain reads no clock:
 * the application passes business time (the till's) and checks it against its own clock. Strings
 * of this one format compare in time order.
 */
export type Instant = Branded<string, 'Instant'>;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isInstant(value: string): value is Instant {
  return ISO_UTC.test(value);
}

/**
 * Milliseconds since 1970-01-01T00:00:00.000Z of an instant, by calendar arithmetic (the domain
 * reads no `Date`): days from the civil date (proleptic Gregorian, H. Hinnant's algorithm) plus
 * the time of day. For durations between instants, such as a support session's length.
 */
export function epochMillis(instant: Instant): number {
  const part = (from: number, to: number): number => Number(instant.slice(from, to));
  const days = daysFromCivil(part(0, 4), part(5, 7), part(8, 10));
  return ((days * 24 + part(11, 13)) * 60 + part(14, 16)) * 60_000 + part(17, 19) * 1000 + part(20, 23);
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
