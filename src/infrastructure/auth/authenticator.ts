import type { FastifyRequest } from 'fastify';
import { activeSupportGrant, type SupportGrant } from '../../application/commands/support.js';
import { ApplicationError } from '../../application/errors.js';
import type { Clock } from '../../application/ports/clock.js';
import type { EventStore } from '../../application/ports/eventStore.js';
import type { Principal } from '../../application/principal.js';
import type { Authenticator } from '../http/plugins/access.js';
import type { AccessClaims, TokenSettings } from './accessTokens.js';
import type { AccountDirectory, AccountRecord, SessionFacts } from './accountDirectory.js';
import { sessionRefusal } from './sessionRules.js';
import type { SigningKeys } from './signingKeys.js';
import { createTokenVerifier } from './verifiedTokens.js';

export type AuthenticatorDeps = Readonly<{
  accounts: Pick<AccountDirectory, 'sessionOf'>;
  keys: SigningKeys;
  config: TokenSettings;
  clock: Clock;
  /** Support tokens are checked against their session's stream on every request. */
  eventStore: Pick<EventStore, 'readStream'>;
}>;

/** A compact JWS, bounded so a huge header costs nothing to refuse. */
const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i;
const MAX_HEADER_LENGTH = 8192;

/**
 * Verifies the bearer token, then checks the account on EVERY request, so a suspension,
 * termination, erasure, role or tenant change, unbound or deactivated device takes effect on the
 * caller's next request, not when the token expires. The account comes from `sessionOf`, which
 * the composition root gives a cache that every account write of this process drops at once
 * (accountCache.ts, ADR 0019). Refusals carry one of three stable codes; the precise reason is
 * only logged (debug).
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const verify = createTokenVerifier(deps.keys, deps.config);
  return async (request: FastifyRequest): Promise<Principal> => {
    const header = request.headers.authorization;
    if (header === undefined) throw new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'Authentication required');
    const match = header.length <= MAX_HEADER_LENGTH ? BEARER.exec(header) : null;
    if (!match?.[1]) throw new ApplicationError('unauthorized', 'INVALID_TOKEN', 'The access token is invalid or expired');
    const claims = await verify(match[1], deps.clock.now());
    const facts = await deps.accounts.sessionOf(claims.userId, claims.deviceId);
    const account = facts?.account;
    const refusal = facts ? await tokenRefusal(facts, claims) : 'no such account';
    if (refusal !== undefined || !account) {
      request.log.debug({ userId: claims.userId, reason: refusal }, 'access token refused');
      throw new ApplicationError('unauthorized', 'SESSION_ENDED', 'The session has ended; sign in again');
    }
    if (claims.supportSessionId != null) {
      const grant = await supportRefusal(deps, account, claims, claims.supportSessionId);
      if (typeof grant === 'string') {
        request.log.debug({ userId: claims.userId, supportSessionId: claims.supportSessionId, reason: grant }, 'support token refused');
        throw new ApplicationError('unauthorized', 'SESSION_ENDED', 'The session has ended; sign in again');
      }
      return supportPrincipal(account, grant);
    }
    return {
      userId: account.userId,
      role: account.role,
      tenantId: account.tenantId,
      employeeId: account.employeeId,
      deviceId: claims.deviceId === null ? null : (claims.deviceId as Principal['deviceId']),
      // Read fresh: a reassignment narrows what the holder reaches at once.
      branchIds: account.branchIds,
      support: null,
    };
  };
}

/** Why the account no longer backs this token, or undefined when it still does. */
async function tokenRefusal({ account, deviceDeactivated }: SessionFacts, claims: AccessClaims): Promise<string | undefined> {
  // A support token names the tenant it reads; its holder's account has none.
  const tenantId = claims.supportSessionId == null ? claims.tenantId : null;
  if (account.role !== claims.role || account.tenantId !== tenantId || account.employeeId !== claims.employeeId) return 'role or tenant changed';
  return sessionRefusal({ isDeviceDeactivated: () => Promise.resolve(deviceDeactivated) }, account, claims.deviceId);
}

/**
 * The support session a token names, or why it no longer backs the token: the holder must still
 * be an active platform owner (checked above), and the session theirs, of the token's tenant and
 * active now, read from its stream on every request (no cache): ending it cuts access at once.
 */
async function supportRefusal(deps: AuthenticatorDeps, account: AccountRecord, claims: AccessClaims, sessionId: string): Promise<SupportGrant | string> {
  if (account.role !== 'platform_owner' || claims.tenantId === null) return 'not a platform owner’s support token';
  const grant = await activeSupportGrant(deps.eventStore, claims.tenantId, sessionId, deps.clock.now());
  if (!grant) return 'support session not active';
  if (grant.ownerId !== account.userId) return 'support session of another owner';
  return grant;
}

/** A platform owner acting as support: inside one tenant, as no employee, on no till, reading only. */
function supportPrincipal(account: AccountRecord, grant: SupportGrant): Principal {
  return {
    userId: account.userId,
    role: 'platform_owner',
    tenantId: grant.tenantId,
    employeeId: null,
    deviceId: null,
    branchIds: [],
    support: { sessionId: grant.sessionId, reason: grant.reason, endsAt: grant.endsAt },
  };
}
