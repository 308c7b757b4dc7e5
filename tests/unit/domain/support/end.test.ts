import { describe, expect, it } from 'vitest';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { command, during, endsAt, ended, metaAt, otherOwner, otherSessionId, owner, reason, sessionId, started, startedAt, support } from './fixtures.js';

describe('EndSupportSession', () => {
  const end = (at: Instant = during, by = owner) => command('EndSupportSession', { sessionId }, metaAt(at, by));

  it('ends an active session, recording when and by whom', () => {
    const state = support.given([started]).when(end()).then([ended]);
    expect(state.sessions.get(sessionId)).toEqual({
      status: 'ended', sessionId, ownerId: owner, reason, startedAt, endsAt, endedAt: during, endedBy: owner,
    });
  });

  it('may be ended by another platform owner, who is recorded as ending it', () => {
    support.given([started]).when(end(during, otherOwner)).then([{ type: 'SupportSessionEnded', data: { sessionId, endedAt: during, endedBy: otherOwner } }]);
  });

  it('ends a session the very millisecond before it would expire', () => {
    const last = '2026-11-22T09:59:59.999Z' as Instant;
    support.given([started]).when(end(last)).then([{ type: 'SupportSessionEnded', data: { sessionId, endedAt: last, endedBy: owner } }]);
  });

  it('is refused for a session never started (SUPPORT_SESSION_NOT_FOUND)', () => {
    support.given([]).when(end()).thenFails('SUPPORT_SESSION_NOT_FOUND', 'not_found');
    support.given([started]).when(command('EndSupportSession', { sessionId: otherSessionId }, metaAt(during))).thenFails('SUPPORT_SESSION_NOT_FOUND', 'not_found');
  });

  it('is refused for a session already ended (SUPPORT_SESSION_NOT_ACTIVE)', () => {
    const error = support.given([started, ended]).when(end()).thenFails('SUPPORT_SESSION_NOT_ACTIVE', 'conflict');
    expect(error.details).toMatchObject({ status: 'ended' });
  });

  it.each([
    ['at its end', endsAt],
    ['after its end', '2026-11-22T11:00:00.000Z' as Instant],
  ])('is refused for a session that expired, asked %s (SUPPORT_SESSION_NOT_ACTIVE)', (_case, at) => {
    const error = support.given([started]).when(end(at)).thenFails('SUPPORT_SESSION_NOT_ACTIVE', 'conflict');
    expect(error.details).toMatchObject({ status: 'expired' });
  });
});
