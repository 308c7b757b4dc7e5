import type { SupportSessionId, TenantId, UserId } from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import {
  activeSupportSession,
  supportSessionStatus,
  type SupportCommand,
  type SupportSession,
  type SupportSessionFacts,
  type SupportState,
} from '../../domain/support/index.js';
import { ApplicationError, notFound } from '../errors.js';
import { handleCommand, loadAggregate, type CommandEnvelope, type CommandResult, type HandlerDeps } from '../handleCommand.js';
import type { EventStore } from '../ports/eventStore.js';
import type { Principal } from '../principal.js';
import { requirePlatformOwner, requireTenant } from './access.js';
import { supportKind, tenantKind } from './kinds.js';
import { streams } from '../events/streams.js';
import { commandMeta, requireTenantAdmin } from './tenantScope.js';

/**
 * Support access (ADR 0009): a platform owner reads one tenant's data, for a stated reason, for
 * at most an hour. Starting and ending are events of the tenant's `support-<tenantId>` stream,
 * so the tenant and its auditors see who looked and why; every request made under a session
 * checks it is still active (src/infrastructure/auth/authenticator.ts).
 */

const SESSION = 'Support session';

export type StartSupportInput = Readonly<{ tenantId: string; sessionId: string; reason: string; minutes: number }>;

/** A session as the owner's console needs it to ask for tokens. */
export type SupportGrant = SupportSessionFacts & Readonly<{ tenantId: TenantId }>;

/**
 * The platform owner starts a session on any existing tenant, whatever its status: a suspended
 * or closed tenant still needs support and its auditors. The event is the tenant's (its tenant
 * id, later its hash chain). Sessions are timed by the server's clock, never X-Client-Time:
 * a caller must not be able to stretch or backdate its own access.
 */
export async function startSupportSession(
  deps: HandlerDeps,
  envelope: CommandEnvelope,
  input: StartSupportInput,
): Promise<Readonly<{ result: CommandResult; grant: SupportGrant }>> {
  const owner = requireOwnerConsole(envelope.principal);
  const tenantId = await existingTenant(deps.eventStore, input.tenantId);
  const atServerTime = { ...envelope, occurredAt: deps.clock.now() };
  const endsAt = new Date(atServerTime.occurredAt.getTime() + input.minutes * 60_000).toISOString() as Instant;
  const result = await handleCommand(deps, supportKind, streams.support(tenantId), tenantId, atServerTime, (): SupportCommand => ({
    type: 'StartSupportSession',
    data: { sessionId: input.sessionId as SupportSessionId, ownerId: owner, reason: input.reason, endsAt },
    meta: commandMeta(atServerTime),
  }));
  // The session the stream holds at the answered revision: this one, or the one an earlier
  // request with the same Idempotency-Key started (a retry answers what the first one did).
  const { state, events } = await loadAggregate(deps.eventStore, supportKind, streams.support(tenantId));
  const sessionId = events.find((event) => event.streamRevision === result.revision)?.data.sessionId;
  if (typeof sessionId !== 'string') throw new Error('the support session just started is not in its stream');
  const session = state.sessions.get(sessionId as SupportSessionId);
  if (session && session.ownerId !== owner) throw anotherOwners();
  const active = activeSupportSession(state, sessionId as SupportSessionId, deps.clock.now().toISOString() as Instant);
  if (!active) throw notActive(sessionId);
  return { result, grant: grantOf(tenantId, active) };
}

/** Any platform owner may end any active session: cutting access is always safe, and recorded with who did it. */
export async function endSupportSession(
  deps: HandlerDeps,
  envelope: CommandEnvelope,
  input: Readonly<{ tenantId: string; sessionId: string }>,
): Promise<CommandResult> {
  requireOwnerConsole(envelope.principal);
  const tenantId = input.tenantId as TenantId;
  const atServerTime = { ...envelope, occurredAt: deps.clock.now() };
  return handleCommand(deps, supportKind, streams.support(tenantId), tenantId, atServerTime, (): SupportCommand => ({
    type: 'EndSupportSession',
    data: { sessionId: input.sessionId as SupportSessionId },
    meta: commandMeta(atServerTime),
  }));
}

/**
 * The session a new access token may be issued for: the caller's own, still active. Tokens are
 * short; a session of an hour outlives several, so the console asks again while it lasts.
 */
export async function grantForToken(
  deps: Pick<HandlerDeps, 'eventStore' | 'clock'>,
  principal: Principal,
  input: Readonly<{ tenantId: string; sessionId: string }>,
): Promise<SupportGrant> {
  const owner = requireOwnerConsole(principal);
  const tenantId = input.tenantId as TenantId;
  const { state } = await loadAggregate(deps.eventStore, supportKind, streams.support(tenantId));
  const sessionId = input.sessionId as SupportSessionId;
  const session = state.sessions.get(sessionId);
  if (!session) throw notFound(SESSION);
  if (session.ownerId !== owner) throw anotherOwners();
  const active = activeSupportSession(state, sessionId, deps.clock.now().toISOString() as Instant);
  if (!active) throw notActive(sessionId);
  return grantOf(tenantId, active);
}

/**
 * The session a support token names, if it is active at `now` and belongs to `tenantId`: read
 * from the stream on every request (no cache), so ending a session cuts its tokens off at once.
 */
export async function activeSupportGrant(
  eventStore: Pick<EventStore, 'readStream'>,
  tenantId: string,
  sessionId: string,
  now: Date,
): Promise<SupportGrant | undefined> {
  const { state, tenantId: streamTenant } = await loadAggregate(eventStore, supportKind, streams.support(tenantId));
  if (streamTenant !== tenantId) return undefined;
  const session = activeSupportSession(state, sessionId as SupportSessionId, now.toISOString() as Instant);
  return session && grantOf(tenantId as TenantId, session);
}

// Reads

export type SupportSessionView = Readonly<{
  sessionId: string;
  ownerId: string;
  reason: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
  endedBy: string | null;
  status: 'active' | 'ended' | 'expired';
}>;

/**
 * Who looked at the tenant's data and why: for the tenant's own admin (another tenant's answers
 * 404) and for the platform owner's console. Oldest first, as they were started.
 */
export async function readSupportSessions(
  eventStore: EventStore,
  principal: Principal,
  tenantId: string,
  now: Date,
): Promise<Readonly<{ sessions: readonly SupportSessionView[]; revision: number | null }>> {
  let id: TenantId;
  if (principal.role === 'platform_owner') {
    requireOwnerConsole(principal);
    id = await existingTenant(eventStore, tenantId);
  } else {
    id = requireTenant(principal, tenantId, 'Tenant');
    // Who watched the tenant's data: its admin, and its auditor (issue 11).
    if (principal.role !== 'auditor') requireTenantAdmin(principal);
  }
  const { state, revision } = await loadAggregate(eventStore, supportKind, streams.support(id));
  return { sessions: viewsOf(state, now.toISOString() as Instant), revision };
}

function viewsOf(state: SupportState, now: Instant): readonly SupportSessionView[] {
  return [...state.sessions.values()].map((session) => ({
    sessionId: session.sessionId,
    ownerId: session.ownerId,
    reason: session.reason,
    startedAt: session.startedAt,
    endsAt: session.endsAt,
    endedAt: session.status === 'ended' ? session.endedAt : null,
    endedBy: session.status === 'ended' ? session.endedBy : null,
    status: supportSessionStatus(session, now),
  }));
}

// Helpers

/**
 * A platform owner at the console: never through a support token, whose principal may only
 * read (the edge refuses it first; this holds for any other caller of these functions).
 */
function requireOwnerConsole(principal: Principal): UserId {
  requirePlatformOwner(principal);
  if (principal.support) {
    throw new ApplicationError('forbidden', 'SUPPORT_IS_READ_ONLY', 'A support session may only read the tenant’s data');
  }
  return principal.userId;
}

function notActive(sessionId: string): ApplicationError {
  return new ApplicationError('conflict', 'SUPPORT_SESSION_NOT_ACTIVE', 'The support session has ended or expired; start another', { sessionId });
}

function anotherOwners(): ApplicationError {
  return new ApplicationError('forbidden', 'SUPPORT_SESSION_OF_ANOTHER_OWNER', 'Only the platform owner who started a support session holds its tokens');
}

async function existingTenant(eventStore: EventStore, tenantId: string): Promise<TenantId> {
  const id = tenantId as TenantId;
  const { state } = await loadAggregate(eventStore, tenantKind, streams.tenant(id));
  if (state.status === 'none') throw notFound('Tenant');
  return id;
}

function grantOf(tenantId: TenantId, session: SupportSession): SupportGrant {
  return {
    tenantId,
    sessionId: session.sessionId,
    ownerId: session.ownerId,
    reason: session.reason,
    startedAt: session.startedAt,
    endsAt: session.endsAt,
  };
}
