import type { SupportSessionId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';
import type { StartedSupportSession, SupportSession, SupportState } from './state.js';

/** Whether a session is `active`, `ended` early, or `expired` (ran to its end) at `now`. */
export function supportSessionStatus(session: SupportSession, now: Instant): 'active' | 'ended' | 'expired' {
  if (session.status === 'ended') return 'ended';
  // Instants of one format compare in time order (shared/time.ts).
  return now < session.endsAt ? 'active' : 'expired';
}

/**
 * The session if it was started, not ended, and `now` is before its end: what every request
 * made with its tokens is checked against.
 */
export function activeSupportSession(state: SupportState, sessionId: SupportSessionId, now: Instant): StartedSupportSession | undefined {
  const session = state.sessions.get(sessionId);
  return session?.status === 'started' && supportSessionStatus(session, now) === 'active' ? session : undefined;
}
