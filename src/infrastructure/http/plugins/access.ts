import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../../application/principal.js';
import type { Role } from '../../../domain/shared/roles.js';
import { ApplicationError } from '../../../application/errors.js';

/** Who may call a route at all; the target's scope is checked by the application against state. */
export type RoutePermission = Readonly<{
  roles: readonly Role[];
  scope: 'platform' | 'tenant' | 'branch' | 'device';
  /**
   * A platform owner acting as support (ADR 0009) may call the route: only reads of a tenant's
   * data declare it. Every other route answers such a caller 403 SUPPORT_IS_READ_ONLY.
   */
  support?: 'read';
}>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route that needs no token (health, login, documents). */
    public?: boolean;
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Turns a bearer token into a principal, or throws an `unauthorized` ApplicationError. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal>;

/**
 * Every route under /v1 must declare a permission or say it is public: one without either stops
 * start-up, so no route is reachable by accident.
 */
/** Called for every support read the check lets through, before the route runs (ADR 0026); a failure fails the request. */
export type SupportReadRecorder = (principal: Principal, read: Readonly<{ method: string; route: string; params: Readonly<Record<string, string>>; correlationId: string }>) => Promise<void>;

export function registerAccessControl(app: FastifyInstance, authenticate: Authenticator, recordSupportRead?: SupportReadRecorder): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1') || route.method === 'HEAD') return;
    const config = route.config;
    if (!config?.public && !config?.permission) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no permission`);
    }
  });
  // onRequest: an anonymous or forbidden caller learns nothing, not even whether its body was valid.
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || !config.permission) return;
    const principal = await authenticate(request);
    request.principal = principal;
    if (principal.support) {
      // What support looked at (or tried to), beside the session's own events; refused calls too.
      request.log.info(
        { supportSessionId: principal.support.sessionId, tenantId: principal.tenantId, method: request.method, url: request.url },
        'support access',
      );
      // Before the role check: a support principal is refused the same way on every other route.
      if (config.permission.support !== 'read') {
        throw new ApplicationError('forbidden', 'SUPPORT_IS_READ_ONLY', 'A support session may only read the tenant’s data');
      }
    }
    if (!config.permission.roles.includes(principal.role)) {
      throw new ApplicationError('forbidden', 'ROLE_NOT_ALLOWED', `A ${principal.role} may not do this`);
    }
    if (principal.support && recordSupportRead) {
      // Path parameters are ids (a route's params are strings); the query string is not kept, it may hold search text.
      const params = Object.fromEntries(Object.entries((request.params ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
      await recordSupportRead(principal, { method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0] ?? '', params, correlationId: request.id });
    }
  });
}

/** The caller of a route that declares a permission (set by the access hook before anything else runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'Authentication required');
  return request.principal;
}
