import type { SupportSessionId, UserId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';

/** What a started session records: who, why, from when to when. */
export type SupportSessionFacts = Readonly<{
  sessionId: SupportSessionId;
  ownerId: UserId;
  reason: string;
  startedAt: Instant;
  endsAt: Instant;
}>;

/**
 * A session as recorded. Whether a started one is still active depends on the time asked at
 * (`activeSupportSession`), so expiry is never stored: nothing has to happen for it to expire.
 */
export type StartedSupportSession = SupportSessionFacts & Readonly<{ status: 'started' }>;
export type EndedSupportSession = SupportSessionFacts & Readonly<{ status: 'ended'; endedAt: Instant; endedBy: UserId }>;
export type SupportSession = StartedSupportSession | EndedSupportSession;

/**
 * Every support session of one tenant, in the order they were started. A Map rather than a
 * record: ids come from outside, and a record would answer `sessions['constructor']`.
 */
export type SupportState = Readonly<{ sessions: ReadonlyMap<SupportSessionId, SupportSession> }>;

export const initialSupportState: SupportState = { sessions: new Map() };
