import { unreachable } from '../shared/decider.js';
import type { SupportSessionId } from '../shared/ids.js';
import { epochMillis, isInstant, type Instant } from '../shared/time.js';
import type { EndSupportSession, StartSupportSession, SupportCommand } from './commands.js';
import { supportError } from './errors.js';
import type { SupportEvent } from './events.js';
import { supportSessionStatus } from './queries.js';
import type { SupportState } from './state.js';

export const SUPPORT_REASON_MIN = 10;
export const SUPPORT_REASON_MAX = 500;
export const SUPPORT_MINUTES_MAX = 60;

/** Ids end up in stream data, URLs and token claims: the shape every id of the API has. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The Support rules. Who may start or end a session (a platform owner, never through a support
 * token) is the application's check; the decider knows what the tenant's sessions allow.
 */
export function decide(command: SupportCommand, state: SupportState): readonly SupportEvent[] {
  switch (command.type) {
    case 'StartSupportSession':
      return start(command, state);
    case 'EndSupportSession':
      return end(command, state);
    default:
      return unreachable(command);
  }
}

function start(command: StartSupportSession, state: SupportState): readonly SupportEvent[] {
  const { sessionId, ownerId, endsAt } = command.data;
  requireId(sessionId);
  if (state.sessions.has(sessionId)) {
    throw supportError('SUPPORT_SESSION_EXISTS', 'A support session with this id was already started', { sessionId });
  }
  const reason = requireReason(command.data.reason);
  const startedAt = command.meta.at;
  requireDuration(startedAt, endsAt);
  return [{ type: 'SupportSessionStarted', data: { sessionId, ownerId, reason, startedAt, endsAt } }];
}

function end(command: EndSupportSession, state: SupportState): readonly SupportEvent[] {
  const { sessionId } = command.data;
  const session = state.sessions.get(sessionId);
  if (!session) throw supportError('SUPPORT_SESSION_NOT_FOUND', 'No such support session', { sessionId });
  const status = supportSessionStatus(session, command.meta.at);
  if (status !== 'active') {
    throw supportError('SUPPORT_SESSION_NOT_ACTIVE', `The support session has already ${status === 'ended' ? 'been ended' : 'expired'}`, {
      sessionId,
      status,
    });
  }
  return [{ type: 'SupportSessionEnded', data: { sessionId, endedAt: command.meta.at, endedBy: command.meta.actor.userId } }];
}

function requireId(value: unknown): asserts value is SupportSessionId {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw supportError('SUPPORT_SESSION_ID_INVALID', "sessionId must be 1 to 128 letters, digits, '.', '_', ':' or '-'");
  }
}

/** The tenant reads this to learn why its data was looked at: a word or two is not a reason. */
function requireReason(value: unknown): string {
  const reason = typeof value === 'string' ? value.trim() : '';
  const length = Array.from(reason).length;
  if (length < SUPPORT_REASON_MIN || length > SUPPORT_REASON_MAX) {
    throw supportError('SUPPORT_REASON_REQUIRED', `A reason of ${SUPPORT_REASON_MIN} to ${SUPPORT_REASON_MAX} characters is required`, {
      min: SUPPORT_REASON_MIN,
      max: SUPPORT_REASON_MAX,
    });
  }
  return reason;
}

/** Access is short by design: a session ends within the hour, and a longer task starts another. */
function requireDuration(startedAt: Instant, endsAt: unknown): asserts endsAt is Instant {
  const minutes = typeof endsAt === 'string' && isInstant(endsAt) ? (epochMillis(endsAt) - epochMillis(startedAt)) / 60_000 : Number.NaN;
  if (!(minutes > 0 && minutes <= SUPPORT_MINUTES_MAX)) {
    throw supportError('SUPPORT_DURATION_OUT_OF_RANGE', `endsAt must be after the start and at most ${SUPPORT_MINUTES_MAX} minutes after it`, {
      maxMinutes: SUPPORT_MINUTES_MAX,
    });
  }
}
