import { jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ApplicationError } from '../../application/errors.js';
import { ROLES, type Role } from '../../domain/shared/roles.js';
import type { SigningKeys } from './signingKeys.js';

/** RFC 9068 media type of JWT access tokens; anything else (an ID token, a refresh token) is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export type TokenSettings = Readonly<{ issuer: string; audience: string; accessTokenTtlSeconds: number }>;

/** What an access token asserts about its holder, as of when it was issued. */
export type AccessClaims = Readonly<{
  userId: string;
  tenantId: string | null;
  role: Role;
  employeeId: string | null;
  deviceId: string | null;
  branchIds: readonly string[];
  /**
   * A support session (ADR 0009): a platform owner reading `tenantId`'s data. Left out (or
   * null) for every other token, whose payload then carries no `support_session` claim.
   */
  supportSessionId?: string | null | undefined;
}>;

const payloadSchema = z
  .object({
    sub: z.string().min(1),
    token_use: z.literal('access'),
    tenant_id: z.string().nullable(),
    role: z.enum(ROLES),
    employee_id: z.string().nullable(),
    device_id: z.string().nullable(),
    branch_ids: z.array(z.string()),
    support_session: z.string().min(1).max(128).nullish(),
  })
  // A support token is a platform owner's, for one tenant, as no employee and on no till.
  .refine(
    (p) =>
      p.support_session == null ||
      (p.role === 'platform_owner' && p.tenant_id !== null && p.employee_id === null && p.device_id === null && p.branch_ids.length === 0),
  );

/**
 * Signs an access token valid for the configured lifetime, or until `notAfter` when that comes
 * first (a support token never outlives its session).
 */
export async function signAccessToken(
  keys: SigningKeys,
  settings: TokenSettings,
  claims: AccessClaims,
  issuedAt: Date,
  jti: string,
  notAfter?: Date,
): Promise<string> {
  const iat = Math.floor(issuedAt.getTime() / 1000);
  const exp = accessTokenExpiry(settings, issuedAt, notAfter);
  const support = claims.supportSessionId == null ? {} : { support_session: claims.supportSessionId };
  return new SignJWT({
    token_use: 'access',
    tenant_id: claims.tenantId,
    role: claims.role,
    employee_id: claims.employeeId,
    device_id: claims.deviceId,
    branch_ids: [...claims.branchIds],
    ...support,
  })
    .setProtectedHeader({ alg: keys.signer.alg, kid: keys.signer.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keys.signer.key);
}

/** `exp` (seconds since the epoch) of a token issued at `issuedAt`: its lifetime, cut at `notAfter`. */
export function accessTokenExpiry(settings: TokenSettings, issuedAt: Date, notAfter?: Date): number {
  const full = Math.floor(issuedAt.getTime() / 1000) + settings.accessTokenTtlSeconds;
  return notAfter === undefined ? full : Math.min(full, Math.floor(notAfter.getTime() / 1000));
}

/** The claims of a valid access token; anything else is one `unauthorized` refusal. */
export async function verifyAccessToken(keys: SigningKeys, settings: TokenSettings, token: string, now: Date): Promise<AccessClaims> {
  return (await verifiedAccessToken(keys, settings, token, now)).claims;
}

/**
 * What a verified token says, and the seconds since the epoch from and through which it stays
 * valid: what verifyAccessToken checks of time, so a token verified once can be checked again
 * without its signature (verifiedTokens.ts).
 */
export type VerifiedToken = Readonly<{ claims: AccessClaims; validFrom: number; validThrough: number }>;

export async function verifiedAccessToken(keys: SigningKeys, settings: TokenSettings, token: string, now: Date): Promise<VerifiedToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters) => keyFor(keys, header), {
      algorithms: [...keys.algorithms],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: ACCESS_TOKEN_TYPE,
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      maxTokenAge: settings.accessTokenTtlSeconds,
    }));
  } catch {
    throw invalidToken();
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success || payload.iat === undefined || payload.exp === undefined) throw invalidToken();
  const claims = parsed.data;
  return {
    claims: {
      userId: claims.sub,
      tenantId: claims.tenant_id,
      role: claims.role,
      employeeId: claims.employee_id,
      deviceId: claims.device_id,
      branchIds: claims.branch_ids,
      supportSessionId: claims.support_session ?? null,
    },
    // jose's rules, with no tolerance: iat and nbf not after now, exp after it, iat at most the lifetime ago.
    validFrom: Math.max(payload.iat, payload.nbf ?? payload.iat),
    validThrough: Math.min(payload.exp - 1, payload.iat + settings.accessTokenTtlSeconds),
  };
}

/** Only a configured kid, and only with the algorithm that key is configured for. */
function keyFor(keys: SigningKeys, header: JWTHeaderParameters): CryptoKeyLike {
  const key = header.kid === undefined ? undefined : keys.verifiers.get(header.kid);
  if (key?.alg !== header.alg) throw invalidToken();
  return key.key;
}

type CryptoKeyLike = SigningKeys['signer']['key'];

export function invalidToken(): ApplicationError {
  return new ApplicationError('unauthorized', 'INVALID_TOKEN', 'The access token is invalid or expired');
}
