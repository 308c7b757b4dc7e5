import { ApplicationError } from '../../application/errors.js';
import type { Clock } from '../../application/ports/clock.js';
import type { IdGenerator } from '../../application/ports/idGenerator.js';
import { signAccessToken, type TokenSettings } from './accessTokens.js';
import { normalizeEmail, type AccountDirectory, type AccountRecord } from './accountDirectory.js';
import { PIN_PATTERN } from './credentialRules.js';
import { emailAccountKey, type LoginThrottle, type ThrottleKeys } from './loginThrottle.js';
import type { RefreshTokens } from './refreshTokens.js';
import { decoyHash, verifySecret } from './secretHash.js';
import { sessionRefusal } from './sessionRules.js';
import type { SigningKeys } from './signingKeys.js';

export type TokenPair = Readonly<{
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is valid for. */
  expiresIn: number;
  /** Opaque; single use: each refresh returns the next one. */
  refreshToken: string;
}>;

/** Too many failed attempts for this account or address; retry after the given seconds. */
export class TooManyAttempts extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed attempts');
    this.name = 'TooManyAttempts';
  }
}

export interface AuthService {
  /**
   * `tenantId` picks the login when the email is held in several tenants (null: a platform
   * owner's); without it, an email held by several active logins fails like a wrong password.
   */
  login(attempt: Readonly<{ email: string; password: string; address: string; tenantId?: string | null | undefined }>): Promise<TokenPair>;
  /** A PIN session is bound to one device the account is bound to. */
  pinLogin(attempt: Readonly<{ deviceId: string; employeeId: string; pin: string; address: string }>): Promise<TokenPair>;
  refresh(refreshToken: string): Promise<TokenPair>;
  /** Ends the sign-in the token belongs to; unknown tokens are ignored (nothing to reveal). */
  logout(refreshToken: string): Promise<void>;
}

export type AuthServiceDeps = Readonly<{
  accounts: AccountDirectory;
  refreshTokens: RefreshTokens;
  keys: SigningKeys;
  config: TokenSettings;
  clock: Clock;
  ids: IdGenerator;
  throttle: LoginThrottle;
}>;

const badCredentials = (): ApplicationError => new ApplicationError('unauthorized', 'INVALID_CREDENTIALS', 'The credentials are not valid');
const badRefresh = (): ApplicationError => new ApplicationError('unauthorized', 'INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again');

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const issue = async (account: AccountRecord, deviceId: string | null, refreshToken?: string): Promise<TokenPair> => {
    const accessToken = await signAccessToken(
      deps.keys,
      deps.config,
      { userId: account.userId, tenantId: account.tenantId, role: account.role, employeeId: account.employeeId, deviceId, branchIds: account.branchIds },
      deps.clock.now(),
      deps.ids.uuid(),
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: deps.config.accessTokenTtlSeconds,
      refreshToken: refreshToken ?? (await deps.refreshTokens.issue({ userId: account.userId, deviceId })),
    };
  };

  /**
   * Every attempt hashes once whatever is wrong (unknown account, no credential set, bad format),
   * so failures take the same time and answer the same problem: no account enumeration.
   */
  const attempt = async (
    keys: ThrottleKeys,
    find: () => Promise<AccountRecord | undefined>,
    secretOf: (account: AccountRecord) => string | null,
    secret: string,
    wellFormed: boolean,
    deviceId: string | null,
  ): Promise<TokenPair> => {
    // Counted before the secret is checked, so parallel guesses cannot all pass under the limit.
    const wait = await deps.throttle.begin(keys);
    if (wait > 0) throw new TooManyAttempts(wait);
    const account = await find();
    const hash = account ? secretOf(account) : null;
    let matches: boolean;
    try {
      matches = await verifySecret(secret, hash ?? (await decoyHash()));
    } catch (error) {
      // Refused before the secret was checked (hashing is full): the attempt tried nothing.
      if (error instanceof ApplicationError && error.code === 'SIGN_IN_BUSY') await deps.throttle.abandoned(keys);
      throw error;
    }
    const allowed = account !== undefined && hash !== null && matches && wellFormed && (await sessionRefusal(deps.accounts, account, deviceId)) === undefined;
    if (!allowed) throw badCredentials();
    await deps.throttle.succeeded(keys);
    return issue(account, deviceId);
  };

  return {
    login({ email, password, address, tenantId }) {
      const normalized = normalizeEmail(email);
      // Ambiguous (several tenants, no tenantId) finds nothing: the same decoy hash and 401 as an unknown email.
      const find = () => deps.accounts.findByEmail(normalized, tenantId);
      return attempt({ account: emailAccountKey(normalized), address }, find, (a) => a.passwordHash, password, true, null);
    },

    pinLogin({ deviceId, employeeId, pin, address }) {
      return attempt(
        { account: `employee:${employeeId}`, address },
        () => deps.accounts.findByEmployeeId(employeeId),
        (a) => a.pinHash,
        pin,
        PIN_PATTERN.test(pin),
        deviceId,
      );
    },

    async refresh(refreshToken) {
      const rotation = await deps.refreshTokens.rotate(refreshToken);
      if (rotation.outcome === 'refused') throw badRefresh();
      const account = await deps.accounts.findById(rotation.userId);
      if (!account || (await sessionRefusal(deps.accounts, account, rotation.deviceId)) !== undefined) {
        await deps.refreshTokens.revokeFamily(rotation.familyId);
        throw badRefresh();
      }
      return issue(account, rotation.deviceId, rotation.token);
    },

    logout: (refreshToken) => deps.refreshTokens.revokeFamilyOf(refreshToken),
  };
}
