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
