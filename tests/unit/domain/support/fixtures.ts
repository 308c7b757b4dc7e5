import type { CommandMeta } from '../../../../src/domain/shared/command.js';
import type { SupportSessionId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { supportDecider, type SupportCommand, type SupportSessionEnded, type SupportSessionStarted } from '../../../../src/domain/support/index.js';
import { spec } from '../../../support/decider.js';

export const owner = 'user-owner' as UserId;
export const otherOwner = 'user-owner-2' as UserId;
export const sessionId = 'session-1' as SupportSessionId;
export const otherSessionId = 'session-2' as SupportSessionId;
export const reason = 'Ticket #4711: Z-report totals look wrong';

export const startedAt = '2026-11-22T09:30:00.000Z' as Instant;
export const endsAt = '2026-11-22T10:00:00.000Z' as Instant;
/** Within the session. */
export const during = '2026-11-22T09:45:00.000Z' as Instant;

export const metaAt = (at: Instant, userId: UserId = owner): CommandMeta => ({ actor: { userId, role: 'platform_owner' }, at });

type CommandOf<T extends SupportCommand['type']> = Extract<SupportCommand, { type: T }>;

/** A command as the application would send it, at `at` (the start time by default). */
export function command<T extends SupportCommand['type']>(type: T, data: CommandOf<T>['data'], meta: CommandMeta = metaAt(startedAt)): CommandOf<T> {
  return { type, data, meta } as CommandOf<T>;
}

/** Bypasses the command types, to send what a careless or hostile caller might. */
export function untyped<T extends SupportCommand['type']>(type: T, data: Record<string, unknown>, meta: CommandMeta = metaAt(startedAt)): CommandOf<T> {
  return { type, data, meta } as unknown as CommandOf<T>;
}

export const support = spec(supportDecider);

export const started: SupportSessionStarted = { type: 'SupportSessionStarted', data: { sessionId, ownerId: owner, reason, startedAt, endsAt } };
export const ended: SupportSessionEnded = { type: 'SupportSessionEnded', data: { sessionId, endedAt: during, endedBy: owner } };
