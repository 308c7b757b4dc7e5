import type { CommandMeta } from '../../domain/shared/command.js';
import type { TenantId } from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import { ApplicationError, notFound } from '../errors.js';
import type { CommandEnvelope } from '../handleCommand.js';
import type { Principal } from '../principal.js';
import { requireTenant } from './access.js';

/** Commands take who asks and the business time from the request's envelope. */
export function commandMeta(envelope: CommandEnvelope): CommandMeta {
  const { principal } = envelope;
  return {
    actor: { userId: principal.userId, role: principal.role, deviceId: principal.deviceId ?? undefined },
    at: envelope.occurredAt.toISOString() as Instant,
  };
}

/** The tenant of a tenant user; a caller without one (a platform owner) finds nothing in a tenant. */
export function tenantOfPrincipal(principal: Principal, what: string): TenantId {
  if (principal.tenantId === null) throw notFound(what);
  return principal.tenantId;
}

/**
 * The tenant admin of `tenantId`: any other tenant's user answers 404 (nothing leaks), a
 * narrower role of the same tenant 403. Checked before anything is read.
 */
export function requireTenantAdminOf(principal: Principal, tenantId: string, what: string): TenantId {
  const id = requireTenant(principal, tenantId, what);
  requireTenantAdmin(principal);
  return id;
}

export function requireTenantAdmin(principal: Principal): void {
  if (principal.role !== 'tenant_admin') {
    throw new ApplicationError('forbidden', 'TENANT_ADMIN_ONLY', 'Only a tenant admin may do this');
  }
}

/**
 * The domain checks a zone's shape only; whether the runtime's IANA database knows it is the
 * application's check (`Intl` throws a RangeError for a zone it does not know).
 */
export function requireKnownTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ApplicationError('invalid', 'INVALID_TIME_ZONE', 'timeZone is not a time zone this server knows', { timeZone });
  }
}
