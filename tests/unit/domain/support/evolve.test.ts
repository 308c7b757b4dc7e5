import { describe, expect, it } from 'vitest';
import { fold } from '../../../../src/domain/shared/decider.js';
import { epochMillis, type Instant } from '../../../../src/domain/shared/time.js';
import {
  activeSupportSession,
  SUPPORT_EVENT_VERSIONS,
  supportDecider,
  supportSessionStatus,
  type SupportCommand,
  type SupportEvent,
  type SupportState,
} from '../../../../src/domain/support/index.js';
import { during, endsAt, ended, metaAt, otherOwner, otherSessionId, sessionId, started, startedAt } from './fixtures.js';

const replay = (events: readonly SupportEvent[]): SupportState => fold(supportDecider, events);

describe('evolve', () => {
  it('starts with no session', () => {
    expect(supportDecider.initialState.sessions.size).toBe(0);
  });

  it('ignores a second start of the same session, which decide never emits', () => {
    const state = replay([started]);
    const again: SupportEvent = { type: 'SupportSessionStarted', data: { ...started.data, reason: 'rewritten reason' } };
    expect(supportDecider.evolve(state, again)).toBe(state);
  });

  it.each([
    ['an unknown session', [] as SupportEvent[]],
    ['a session already ended', [started, ended]],
  ])('ignores the end of %s, which decide never emits', (_case, history) => {
    const state = replay(history);
    const endAgain: SupportEvent = { type: 'SupportSessionEnded', data: { sessionId, endedAt: endsAt, endedBy: otherOwner } };
    expect(supportDecider.evolve(state, endAgain)).toBe(state);
  });

  it('ignores event types it does not know, such as ones from a newer writer', () => {
    const state = replay([started]);
    const unknown = { type: 'SupportSessionExtended', data: { sessionId } } as unknown as SupportEvent;
    expect(supportDecider.evolve(state, unknown)).toBe(state);
  });

  it('does not change the state it evolves from', () => {
    const before = replay([started]);
    const snapshot = structuredClone(before);
    supportDecider.evolve(before, ended);
    supportDecider.evolve(before, { type: 'SupportSessionStarted', data: { ...started.data, sessionId: otherSessionId } });
    expect(before).toEqual(snapshot);
  });

  it('versions every event type', () => {
    expect(SUPPORT_EVENT_VERSIONS).toEqual({ SupportSessionStarted: 1, SupportSessionEnded: 1 });
  });
});

describe('decide', () => {
  it('fails loudly on a command type it does not know, rather than deciding nothing', () => {
    const unknown = { type: 'ExtendSupportSession', data: { sessionId }, meta: metaAt(during) } as unknown as SupportCommand;
    expect(() => supportDecider.decide(unknown, replay([started]))).toThrow(/Unhandled case/);
  });
});

describe('activeSupportSession', () => {
  const after = '2026-11-22T10:00:00.001Z' as Instant;

  it('is the session while it was started, not ended, and now is before its end', () => {
    expect(activeSupportSession(replay([started]), sessionId, startedAt)).toMatchObject({ sessionId, status: 'started' });
    expect(activeSupportSession(replay([started]), sessionId, during)).toMatchObject({ sessionId });
    expect(supportSessionStatus(replay([started]).sessions.get(sessionId)!, during)).toBe('active');
  });

  it('is nothing once the session expired: at its end and after', () => {
    for (const now of [endsAt, after]) expect(activeSupportSession(replay([started]), sessionId, now)).toBeUndefined();
    expect(supportSessionStatus(replay([started]).sessions.get(sessionId)!, endsAt)).toBe('expired');
  });

  it('is nothing once the session was ended, even before its end', () => {
    expect(activeSupportSession(replay([started, ended]), sessionId, during)).toBeUndefined();
    expect(supportSessionStatus(replay([started, ended]).sessions.get(sessionId)!, during)).toBe('ended');
  });

  it('is nothing for a session never started', () => {
    expect(activeSupportSession(replay([started]), otherSessionId, during)).toBeUndefined();
  });
});

describe('epochMillis', () => {
  it.each([
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '2000-02-29T12:34:56.789Z',
    '2024-02-29T23:59:59.999Z',
    '2026-03-01T00:00:00.000Z',
    '2026-11-22T09:30:00.000Z',
    '2100-03-01T00:00:00.000Z',
    '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ])('reads %s as Date does', (instant) => {
    expect(epochMillis(instant as Instant)).toBe(Date.parse(instant));
  });
});
