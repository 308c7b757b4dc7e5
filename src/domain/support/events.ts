import type { Event } from '../shared/command.js';
import type { SupportSessionId, UserId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';

/** A platform owner began reading the tenant's data; the fact itself is the audit record. */
export type SupportSessionStarted = Event<
  'SupportSessionStarted',
  { sessionId: SupportSessionId; ownerId: UserId; reason: string; startedAt: Instant; endsAt: Instant }
>;

/** The session was ended before its time by `endedBy`. A session that ran out has no event. */
export type SupportSessionEnded = Event<'SupportSessionEnded', { sessionId: SupportSessionId; endedAt: Instant; endedBy: UserId }>;

export type SupportEvent = SupportSessionStarted | SupportSessionEnded;

/** Schema version of each event type as written today; raise one with an upcaster for the old shape. */
export const SUPPORT_EVENT_VERSIONS: Readonly<Record<SupportEvent['type'], number>> = {
  SupportSessionStarted: 1,
  SupportSessionEnded: 1,
};
