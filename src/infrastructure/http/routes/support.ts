import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  endSupportSession,
  grantForToken,
  readSupportSessions,
  startSupportSession,
  type SupportGrant,
} from '../../../application/commands/support.js';
import type { HandlerDeps } from '../../../application/handleCommand.js';
import { SUPPORT_MINUTES_MAX } from '../../../domain/support/index.js';
import { accessTokenExpiry, signAccessToken, type TokenSettings } from '../../auth/accessTokens.js';
import type { SigningKeys } from '../../auth/signingKeys.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { commandPoster, commandResultSchema, emptyBody, envelopeFrom, etagOf, idSchema, sendCommandResult, zodApp } from './commandRoute.js';

/** What support routes need beyond the command handler's deps: the keys and settings that sign access tokens. */
export type SupportRouteDeps = HandlerDeps & Readonly<{ keys: SigningKeys; tokens: TokenSettings }>;

const TAGS = ['support'] as const;

/** The platform owner's console, never a support token (the access hook refuses those first). */
const PLATFORM: RoutePermission = { roles: ['platform_owner'], scope: 'platform' };
/** The tenant's own admin sees who looked at its data and why; the platform owner too. */
const SESSION_READERS: RoutePermission = { roles: ['tenant_admin', 'auditor', 'platform_owner'], scope: 'tenant' };

const tenantParams = z.strictObject({ tenantId: idSchema });
const sessionParams = z.strictObject({ tenantId: idSchema, sessionId: idSchema });

const startBody = z.strictObject({
  // Only bounded here: the domain answers a reason too short or too long (once trimmed) with 422 SUPPORT_REASON_REQUIRED.
  reason: z.string().max(1000).describe('Why support needs the tenant’s data (10 to 500 characters once trimmed); shown to the tenant'),
  minutes: z.number().int().min(1).max(SUPPORT_MINUTES_MAX).default(30).describe('How long the session lasts: 1 to 60 minutes, 30 when left out'),
  sessionId: idSchema.optional().describe('Chosen by the console; a UUID when left out'),
});

const supportToken = {
  accessToken: z.string().describe('Bearer token of the support session: reads only, this tenant only'),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string().describe('When the token expires: its usual lifetime, cut at the session’s end'),
  endsAt: z.string().describe('When the session ends; ask for a new token until then'),
};

const sessionViewSchema = z.object({
  sessionId: z.string(),
  ownerId: z.string().describe('The platform owner who started it'),
  reason: z.string(),
  startedAt: z.string(),
  endsAt: z.string(),
  endedAt: z.string().nullable(),
  endedBy: z.string().nullable(),
  status: z.enum(['active', 'ended', 'expired']),
});

/**
 * Support access (ADR 0009): the platform owner starts a session on a tenant with a reason and
 * gets a read-only access token for it; the tenant's admin lists who looked and why.
 */
export function registerSupportRoutes(app: FastifyInstance, deps: SupportRouteDeps): void {
  const zapp = zodApp(app);
  const post = commandPoster(app, deps);

  const tokenFor = async (grant: SupportGrant): Promise<z.infer<z.ZodObject<typeof supportToken>>> => {
    const issuedAt = deps.clock.now();
    const endsAt = new Date(grant.endsAt);
    const claims = { userId: grant.ownerId, tenantId: grant.tenantId, role: 'platform_owner', employeeId: null, deviceId: null, branchIds: [], supportSessionId: grant.sessionId } as const;
    const accessToken = await signAccessToken(deps.keys, deps.tokens, claims, issuedAt, deps.ids.uuid(), endsAt);
    const expiresAt = new Date(accessTokenExpiry(deps.tokens, issuedAt, endsAt) * 1000).toISOString();
    return { accessToken, tokenType: 'Bearer', expiresAt, endsAt: grant.endsAt };
  };
  const noStore = (reply: FastifyReply): void => {
    // Tokens must not be kept by caches or proxies (RFC 6749 section 5.1).
    void reply.header('cache-control', 'no-store');
  };

  zapp.post(
    '/v1/tenants/:tenantId/support-sessions',
    {
      schema: {
        summary: 'Start a support session on a tenant, with a reason, and get its access token',
        description:
          'Writes SupportSessionStarted to the tenant’s history (who, why, until when) and answers a bearer token that may only ' +
          'read this tenant’s data, until the session ends. Answers the session id as `id`.',
        tags: [...TAGS],
        params: tenantParams,
        body: startBody,
        response: { 201: commandResultSchema.extend(supportToken) },
      },
      config: { permission: PLATFORM, openapi: { envelope: true, etag: true } },
    },
    async (request, reply) => {
      const { tenantId } = request.params;
      const { reason, minutes, sessionId = deps.ids.uuid() } = request.body;
      const { result, grant } = await startSupportSession(deps, envelopeFrom(request, deps.clock), { tenantId, sessionId, reason, minutes });
      const token = await tokenFor(grant);
      noStore(reply);
      void reply.status(201);
      return { ...sendCommandResult(reply, grant.sessionId, result), ...token };
    },
  );

  zapp.post(
    '/v1/tenants/:tenantId/support-sessions/:sessionId/token',
    {
      schema: {
        summary: 'A fresh access token for one’s own support session while it is active',
        description: 'Tokens live at most ACCESS_TOKEN_TTL_SECONDS; a longer session asks again. 409 SUPPORT_SESSION_NOT_ACTIVE once it ended or expired.',
        tags: [...TAGS],
        params: sessionParams,
        body: emptyBody,
        response: { 200: z.object({ sessionId: z.string(), ...supportToken }) },
      },
      config: { permission: PLATFORM },
    },
    async (request, reply) => {
      const grant = await grantForToken(deps, principalOf(request), request.params);
      const token = await tokenFor(grant);
      noStore(reply);
      return { sessionId: grant.sessionId, ...token };
    },
  );

  post(
    '/v1/tenants/:tenantId/support-sessions/:sessionId/end',
    {
      summary: 'End a support session now: its tokens stop working at once',
      description: 'Writes SupportSessionEnded (when, by whom). 409 SUPPORT_SESSION_NOT_ACTIVE once it ended or expired.',
      tags: TAGS,
      params: sessionParams,
      body: emptyBody,
      permission: PLATFORM,
      // The end is final: there is no revision to pin.
      ifMatch: 'checked',
    },
    async ({ params, envelope }) => ({ id: params.sessionId, result: await endSupportSession(deps, envelope, params) }),
  );

  zapp.get(
    '/v1/tenants/:tenantId/support-sessions',
    {
      schema: {
        summary: 'Who looked at the tenant’s data as support, why and when',
        description: 'For the tenant’s admin and the platform owner; oldest first. The ETag is the revision of the tenant’s support stream.',
        tags: [...TAGS],
        params: tenantParams,
        response: { 200: z.object({ sessions: z.array(sessionViewSchema).readonly() }) },
      },
      config: { permission: SESSION_READERS, openapi: { etag: true } },
    },
    async (request, reply) => {
      const { sessions, revision } = await readSupportSessions(deps.eventStore, principalOf(request), request.params.tenantId, deps.clock.now());
      void reply.header('etag', etagOf(revision));
      return { sessions };
    },
  );
}
