import { describe, expect, it } from 'vitest';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { command, endsAt, ended, otherSessionId, owner, reason, sessionId, started, startedAt, support, untyped } from './fixtures.js';

describe('StartSupportSession', () => {
  const start = (data: Partial<Parameters<typeof command<'StartSupportSession'>>[1]> = {}) =>
    command('StartSupportSession', { sessionId, ownerId: owner, reason, endsAt, ...data });

  it('starts a session: who, why, from when and until when', () => {
    const state = support.given([]).when(start()).then([started]);
    expect(state.sessions.get(sessionId)).toEqual({ status: 'started', sessionId, ownerId: owner, reason, startedAt, endsAt });
  });

  it('keeps the reason trimmed', () => {
    support
      .given([])
      .when(start({ reason: `  ${reason}\n` }))
      .then([{ type: 'SupportSessionStarted', data: { sessionId, ownerId: owner, reason, startedAt, endsAt } }]);
  });

  it('starts further sessions beside earlier ones, ended or not', () => {
    const state = support.given([started, ended]).when(start({ sessionId: otherSessionId })).then([
      { type: 'SupportSessionStarted', data: { sessionId: otherSessionId, ownerId: owner, reason, startedAt, endsAt } },
    ]);
    expect([...state.sessions.keys()]).toEqual([sessionId, otherSessionId]);
  });

  it.each([
    ['exactly 10 characters', 'x'.repeat(10)],
    ['exactly 500 characters over several lines', `${'x'.repeat(250)}\n${'y'.repeat(249)}`],
    ['10 characters that are not all ASCII', 'Kassé 🧾 42'],
  ])('accepts a reason of %s', (_case, given) => {
    support.given([]).when(start({ reason: given })).then([{ type: 'SupportSessionStarted', data: { sessionId, ownerId: owner, reason: given.trim(), startedAt, endsAt } }]);
  });

  it.each([
    ['empty', ''],
    ['blank', '          \n  '],
    ['9 characters', 'x'.repeat(9)],
    ['9 characters once trimmed', `   ${'x'.repeat(9)}   `],
    ['501 characters', 'x'.repeat(501)],
  ])('is refused with a reason that is %s (SUPPORT_REASON_REQUIRED)', (_case, given) => {
    support.given([]).when(start({ reason: given })).thenFails('SUPPORT_REASON_REQUIRED', 'invalid');
  });

  it('is refused without a reason at all (SUPPORT_REASON_REQUIRED)', () => {
    support.given([]).when(untyped('StartSupportSession', { sessionId, ownerId: owner, endsAt })).thenFails('SUPPORT_REASON_REQUIRED', 'invalid');
  });

  it.each([
    ['one minute', '2026-11-22T09:31:00.000Z'],
    ['one millisecond', '2026-11-22T09:30:00.001Z'],
    ['exactly 60 minutes', '2026-11-22T10:30:00.000Z'],
  ])('accepts a session of %s', (_case, until) => {
    support.given([]).when(start({ endsAt: until as Instant })).then([
      { type: 'SupportSessionStarted', data: { sessionId, ownerId: owner, reason, startedAt, endsAt: until as Instant } },
    ]);
  });

  it.each([
    ['ending when it starts', '2026-11-22T09:30:00.000Z'],
    ['ending before it starts', '2026-11-22T09:00:00.000Z'],
    ['of 60 minutes and a millisecond', '2026-11-22T10:30:00.001Z'],
    ['of a day', '2026-11-23T09:30:00.000Z'],
    ['ending at a time that is not an instant', '2026-11-22 10:00'],
    ['ending at no time at all', undefined],
  ])('is refused for a session %s (SUPPORT_DURATION_OUT_OF_RANGE)', (_case, until) => {
    support
      .given([])
      .when(untyped('StartSupportSession', { sessionId, ownerId: owner, reason, endsAt: until }))
      .thenFails('SUPPORT_DURATION_OUT_OF_RANGE', 'invalid');
  });

  it.each([
    ['still active', [started]],
    ['ended', [started, ended]],
  ] as const)('is refused for a session id used before, %s (SUPPORT_SESSION_EXISTS)', (_case, history) => {
    support.given(history).when(start()).thenFails('SUPPORT_SESSION_EXISTS', 'conflict');
  });

  it.each([[''], ['has space'], ['-leading-dash'], ['x'.repeat(129)], [42]])('is refused with the session id %j (SUPPORT_SESSION_ID_INVALID)', (id) => {
    support.given([]).when(untyped('StartSupportSession', { sessionId: id, ownerId: owner, reason, endsAt })).thenFails('SUPPORT_SESSION_ID_INVALID', 'invalid');
  });
});
