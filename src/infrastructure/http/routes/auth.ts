import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TooManyAttempts, type AuthService, type TokenPair } from '../../auth/authService.js';
import { PASSWORD_MAX_LENGTH } from '../../auth/credentialRules.js';
import type { SigningKeys } from '../../auth/signingKeys.js';
import { emailSchema, idSchema as id } from './commandRoute.js';

export type AuthRouteDeps = Readonly<{ auth: AuthService; keys: SigningKeys }>;

const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512).regex(/^[\w.~+/=-]+$/, 'a refresh token this API gave out') });
const tokenPair = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds the access token is valid for'),
  refreshToken: z.string().describe('opaque and single use: each refresh answers the next one'),
});
const signIn = { 200: tokenPair };
/** What the OpenAPI document adds to the public profile (openapi/operationDoc.ts): the sign-in refusals. */
const signInDoc = { problems: { 401: ['INVALID_CREDENTIALS'], 429: ['TOO_MANY_ATTEMPTS'], 503: ['SIGN_IN_BUSY'] } } as const;
const publicKeySet = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.literal('sig') })) });

/**
 * Sign-in, refresh, sign-out and the public keys. All are public (no bearer token): logout takes
 * the refresh token, so a client whose access token has expired can still end its session.
 */
export function registerAuthRoutes(fastify: FastifyInstance, deps: AuthRouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['auth'], security: [] };

  app.post(
    '/v1/auth/login',
    {
      schema: {
        ...common,
        summary: 'Sign in with email and password',
        description:
          'An email is one login per tenant. When it is held in several tenants, `tenantId` names the one meant ' +
          '(`null`: the platform owner’s login); without it such an email answers the same 401 INVALID_CREDENTIALS as a wrong password.',
        body: z.strictObject({
          email: emailSchema(320),
          password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
          tenantId: id.nullable().optional().describe('The tenant whose login is meant; null for a platform owner'),
        }),
        response: signIn,
      },
      config: { public: true, openapi: signInDoc },
    },
    (request, reply) => answerTokens(reply, () => deps.auth.login({ ...request.body, address: request.ip })),
  );

  app.post(
    '/v1/auth/pin',
    {
      schema: {
        ...common,
        summary: 'Sign in with a PIN on a till the employee is bound to',
        body: z.strictObject({ deviceId: id, employeeId: id, pin: z.string().min(1).max(16) }),
        response: signIn,
      },
      config: { public: true, openapi: signInDoc },
    },
    (request, reply) => answerTokens(reply, () => deps.auth.pinLogin({ ...request.body, address: request.ip })),
  );

  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        ...common,
        summary: 'Exchange a refresh token for new tokens; a reused refresh token ends its whole sign-in',
        body: refreshBody,
        response: { 200: tokenPair },
      },
      config: { public: true, openapi: { problems: { 401: ['INVALID_REFRESH_TOKEN'] } } },
    },
    (request, reply) => answerTokens(reply, () => deps.auth.refresh(request.body.refreshToken)),
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: { ...common, summary: 'End the sign-in a refresh token belongs to', body: refreshBody, response: { 204: z.null() } },
      config: { public: true },
    },
    async (request, reply) => {
      await deps.auth.logout(request.body.refreshToken);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: { ...common, summary: 'Public keys that verify access tokens', response: { 200: publicKeySet } },
      config: { public: true },
    },
    (_request, reply) => {
      // Short enough that a newly added key reaches verifiers well before it starts signing.
      void reply.header('cache-control', 'public, max-age=300');
      return { keys: deps.keys.jwks.keys.map((key) => ({ ...key, kty: key.kty ?? '', kid: key.kid ?? '', alg: key.alg ?? '', use: 'sig' as const })) };
    },
  );
}

/** Raised as a 4xx the shared error handler turns into problem+json (headers set before it stay). */
class TooManyAttemptsProblem extends Error {
  readonly statusCode = 429;
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor() {
    super('Too many failed attempts; try again later.');
  }
}

async function answerTokens(reply: FastifyReply, run: () => Promise<TokenPair>): Promise<TokenPair> {
  // Tokens must not be kept by caches or proxies (RFC 6749 section 5.1).
  void reply.header('cache-control', 'no-store');
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof TooManyAttempts)) throw error;
    void reply.header('retry-after', String(error.retryAfterSeconds));
    throw new TooManyAttemptsProblem();
  }
}
