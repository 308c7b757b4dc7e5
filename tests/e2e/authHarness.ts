import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import type { Clock } from '../../src/application/ports/clock.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import type { Role } from '../../src/domain/shared/roles.js';
import { createAuthenticator } from '../../src/infrastructure/auth/authenticator.js';
import { createAuthService } from '../../src/infrastructure/auth/authService.js';
import { createLoginThrottle } from '../../src/infrastructure/auth/loginThrottle.js';
import { createPostgresAccounts, type PostgresAccounts } from '../../src/infrastructure/auth/postgresAccounts.js';
import { createPostgresRefreshTokens } from '../../src/infrastructure/auth/refreshTokens.js';
import { loadSigningKeys, type SigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { buildApp } from '../../src/infrastructure/http/app.js';
import { principalOf } from '../../src/infrastructure/http/plugins/access.js';
import { registerAuthRoutes } from '../../src/infrastructure/http/routes/auth.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';

export const SETTINGS = { issuer: 'tillstream', audience: 'tillstream-api', accessTokenTtlSeconds: 900 } as const;
export const PASSWORD = 'correct horse battery staple';

export type ManualClock = Clock & { advance(seconds: number): void };

export function manualClock(): ManualClock {
  let now = Date.now();
  return { now: () => new Date(now), advance: (seconds) => (now += seconds * 1000) };
}

export type AuthHarness = Readonly<{
  app: FastifyInstance;
  accounts: PostgresAccounts;
  keys: SigningKeys;
  clock: ManualClock;
  close(): Promise<void>;
}>;

/** An in-memory PGlite with the schema; shared by a file's tests (starting one takes seconds). */
export async function openDatabase(): Promise<Kysely<Database>> {
  const { db } = await connectPostgres({ kind: 'embedded', dataDir: undefined });
  await migrateToLatest(db);
  return db;
}

/**
 * The auth routes and the authenticator, with fresh keys, clock and throttle, and a protected
 * dummy route (`GET /v1/whoami`) answering the principal, wired as the composition root would.
 */
export async function authHarness(db: Kysely<Database>, options: Readonly<{ signingKeys?: readonly JWK[] }> = {}): Promise<AuthHarness> {
  const clock = manualClock();
  const ids = { uuid: randomUUID };
  const accounts = createPostgresAccounts(db, clock);
  const keys = await loadSigningKeys(options.signingKeys ?? null);
  const auth = createAuthService({
    accounts,
    refreshTokens: createPostgresRefreshTokens(db, clock, ids, 30),
    keys,
    config: SETTINGS,
    clock,
    ids,
    throttle: createLoginThrottle(db, clock),
  });
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    // No event store: no support session exists here, so every support token is refused.
    authenticate: createAuthenticator({ accounts, keys, config: SETTINGS, clock, eventStore: { readStream: () => Promise.resolve([]) } }),
    readinessChecks: {},
    routes: (routes) => {
      registerAuthRoutes(routes, { auth, keys });
      routes.get(
        '/v1/whoami',
        { config: { permission: { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'tenant' } } },
        (request) => principalOf(request),
      );
    },
  });
  return {
    app,
    accounts,
    keys,
    clock,
    close: () => app.close(),
  };
}

export type SeededUser = Readonly<{ userId: UserId; email: string; employeeId: EmployeeId; tenantId: TenantId }>;

/** A tenant user with a password, and a PIN bound to `deviceIds`. */
export async function seedUser(
  accounts: PostgresAccounts,
  overrides: Readonly<{ role?: Role; deviceIds?: readonly string[]; pin?: string | null }> = {},
): Promise<SeededUser> {
  const user = {
    userId: randomUUID() as UserId,
    email: `user-${randomUUID()}@Shop.example`,
    employeeId: randomUUID() as EmployeeId,
    tenantId: `tenant-${randomUUID()}` as TenantId,
  };
  await accounts.create({
    ...user,
    role: overrides.role ?? 'cashier',
    branchIds: ['branch-1' as BranchId],
    deviceIds: (overrides.deviceIds ?? ['till-1']) as DeviceId[],
    password: PASSWORD,
    pin: overrides.pin === undefined ? '4821' : overrides.pin,
  });
  return user;
}

/** A private JWK as AUTH_SIGNING_KEYS holds it. */
export async function privateJwk(kid: string, alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg };
}

export type Tokens = { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
