import type { SupportEvent } from './events.js';
import type { SupportState } from './state.js';

/**
 * Folds one event into the state. Events decide never emits (a second start of a session, the
 * end of an unknown or ended one) change nothing: evolve never throws on history, and ignores
 * event types it does not know (newer writers).
 */
export function evolve(state: SupportState, event: SupportEvent): SupportState {
  switch (event.type) {
    case 'SupportSessionStarted': {
      const { sessionId, ownerId, reason, startedAt, endsAt } = event.data;
      if (state.sessions.has(sessionId)) return state;
      return { sessions: new Map(state.sessions).set(sessionId, { status: 'started', sessionId, ownerId, reason, startedAt, endsAt }) };
    }
    case 'SupportSessionEnded': {
      const session = state.sessions.get(event.data.sessionId);
      if (session?.status !== 'started') return state;
      const ended = { ...session, status: 'ended', endedAt: event.data.endedAt, endedBy: event.data.endedBy } as const;
      return { sessions: new Map(state.sessions).set(session.sessionId, ended) };
    }
    default:
      return state;
  }
}
