import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import type { TenantCommandDeps } from '../../src/application/commands/tenants.js';
import type { EventStore, GlobalPosition } from '../../src/application/ports/eventStore.js';
import { composeApi } from '../../src/compose.js';
import type { PostgresAccounts } from '../../src/infrastructure/auth/postgresAccounts.js';
import type { SigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { bootstrapPlatformOwner } from '../../src/infrastructure/auth/bootstrap.js';
import { loadConfig, type AuthConfig } from '../../src/infrastructure/config/config.js';
import { createPostgresEventStore } from '../../src/infrastructure/eventstore/postgres/postgresEventStore.js';
import { assertTransactionIdsInPast } from '../../src/infrastructure/eventstore/postgres/transactionIds.js';
import type { RoutePermission } from '../../src/infrastructure/http/plugins/access.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';
import type { Database } from '../../src/infrastructure/postgres/database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrate.js';
import { createPersonalDataKeyring, type PersonalDataKeyring } from '../../src/infrastructure/personalData/keyring.js';
import { configuredMasterKeys } from '../../src/infrastructure/personalData/masterKeys.js';
import { randomIds, systemClock } from '../../src/infrastructure/system.js';
import type { ProjectionRunner } from '../../src/projections/runner.js';

/**
 * The REAL app, wired by the composition root's composeApi as src/main.ts wires it (real authenticator and signing keys,
 * Accounts and refresh tokens on PostgreSQL, login throttle, idempotency, every route), over an
 * in-memory PGlite. Only two things are added for tests: an onRoute hook that lists the routes
 * the composition root registers, and the first platform owner (bootstrap, as the CLI does).
 */

export type CollectedRoute = Readonly<{
  method: string;
  url: string;
  permission: RoutePermission | undefined;
  isPublic: boolean;
  /** The route declares `idempotency` (it honours Idempotency-Key). */
  honoursIdempotencyKey: boolean;
}>;

export type FullApp = Readonly<{
  app: FastifyInstance;
  /** The app's event store: personal data encrypted on append, decrypted on read (ADR 0025). */
  eventStore: EventStore;
  /** The store the app was handed: personal data as stored, encrypted (a server app's, from openStorage, decrypts it). */
  storedEvents: EventStore;
  /** The app's keyring of personal data keys (the configured master key). */
  personalData: PersonalDataKeyring;
  accounts: PostgresAccounts;
  db: Kysely<Database>;
  keys: SigningKeys;
  auth: AuthConfig;
  deps: TenantCommandDeps;
  projections: ProjectionRunner;
  /** Routes the composition root's `routes` registered (health, docs and openapi.json come before it). */
  routes: readonly CollectedRoute[];
  owner: Readonly<{ email: string; password: string }>;
  countEvents(): Promise<number>;
  close(): Promise<void>;
}>;

export const PASSWORD = 'correct horse battery staple';

/** Every event in the log, page by page. */
export async function countEvents(eventStore: Pick<EventStore, 'readAll'>): Promise<number> {
  let count = 0;
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await eventStore.readAll(after === undefined ? {} : { after });
    count += page.length;
    const last = page.at(-1);
    if (!last) return count;
    after = last.position;
  }
}

/**
 * `env` adds to the test environment, as the process environment would (e.g. TRUST_PROXY);
 * `logger` replaces the silent one (a test that reads what the app logs).
 */
export async function startFullApp(env: Readonly<Record<string, string>> = {}, options: Readonly<{ logger?: FastifyBaseLogger }> = {}): Promise<FullApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  // openStorage(config), with the embedded database in memory instead of DATA_DIR.
  const postgres = await connectPostgres({ kind: 'embedded', dataDir: undefined });
  await migrateToLatest(postgres.db);
  await assertTransactionIdsInPast(postgres.db);
  const storedEvents = createPostgresEventStore(postgres);
  const personalData = createPersonalDataKeyring(postgres.db, configuredMasterKeys(config.personalData));

  const routes: CollectedRoute[] = [];
  // The composition root's own wiring; only the route list is collected on the side.
  const { app, accounts, keys, deps, projections } = await composeApi({
    config,
    logger: options.logger ?? pino({ level: 'silent' }),
    postgres,
    eventStore: storedEvents,
    personalData,
    beforeRoutes: (instance) => {
      instance.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) {
          routes.push({
            method,
            url: route.url,
            permission: route.config?.permission,
            isPublic: route.config?.public === true,
            honoursIdempotencyKey: route.config?.idempotency !== undefined,
          });
        }
      });
    },
  });
  await app.ready();
  // As main.ts does after listening: read models follow the log in the background.
  await projections.start();

  const owner = { email: `owner-${randomUUID()}@tillstream.example`, password: PASSWORD };
  await bootstrapPlatformOwner(postgres.db, systemClock, randomIds, owner);

  return {
    app,
    eventStore: deps.eventStore,
    storedEvents,
    personalData,
    accounts,
    db: postgres.db,
    keys,
    auth: config.auth,
    deps,
    routes,
    owner,
    countEvents: () => countEvents(storedEvents),
    projections,
    close: async () => {
      await app.close();
      await projections.stop();
      await storedEvents.close();
    },
  };
}

// HTTP with real tokens

export type Tokens = Readonly<{ accessToken: string; refreshToken: string; expiresIn: number; tokenType: string }>;

export type CallOptions = Readonly<{ token?: string | undefined; body?: unknown; headers?: Readonly<Record<string, string>> }>;

export function call(app: FastifyInstance, method: 'GET' | 'POST', url: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
  const { token, body, headers } = options;
  return app.inject({
    method,
    url,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

function tokensFrom(response: LightMyRequestResponse): Tokens {
  if (response.statusCode !== 200) throw new Error(`sign-in answered ${response.statusCode}: ${response.body}`);
  return response.json<Tokens>();
}

export async function login(app: FastifyInstance, email: string, password: string = PASSWORD): Promise<Tokens> {
  return tokensFrom(await call(app, 'POST', '/v1/auth/login', { body: { email, password } }));
}

export async function pinLogin(app: FastifyInstance, body: Readonly<{ deviceId: string; employeeId: string; pin: string }>): Promise<Tokens> {
  return tokensFrom(await call(app, 'POST', '/v1/auth/pin', { body }));
}

/** POSTs a command and expects `status` (200 by default); answers `{ id, revision, position }`. */
export async function command(
  app: FastifyInstance,
  url: string,
  options: CallOptions & Readonly<{ status?: number }>,
): Promise<Readonly<{ id: string; revision: number | null; position: string | null }>> {
  const response = await call(app, 'POST', url, options);
  if (response.statusCode !== (options.status ?? 200)) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

/**
 * The tenant's FIRST admin. No HTTP route lets a platform owner create one (POST /v1/employees
 * needs a tenant admin of the tenant), so this runs the application's hire, as such a route
 * would, on behalf of a provisioning principal; the login is created in the real Accounts.
 */
/** The platform owner appoints a tenant admin over HTTP (how a new tenant gets its first staff). */
export async function appointTenantAdmin(full: FullApp, ownerToken: string, tenantId: string, email: string): Promise<string> {
  const { id } = await command(full.app, `/v1/tenants/${tenantId}/admins`, {
    token: ownerToken,
    body: { personalData: { name: 'Camille Martin', email }, password: PASSWORD },
  });
  return id;
}

// A shop, set up over HTTP

export const PIN = '4821';

export const TENANT_BODY = {
  legalName: 'Boulangerie Martin SARL',
  currency: 'EUR',
  timeZone: 'Europe/Paris',
  priceMode: 'inclusive',
  taxRates: [{ taxRateId: 'standard', name: 'TVA 20 %', basisPoints: 2000 }],
  discountApprovalThresholdBasisPoints: 1000,
} as const;

export type Shop = Readonly<{
  tenantId: string;
  branchId: string;
  deviceId: string;
  adminId: string;
  managerId: string;
  cashierId: string;
  /** Access tokens; the cashier's is a PIN session on `deviceId`. */
  tokens: Readonly<{ owner: string; admin: string; manager: string; cashier: string }>;
}>;

/** An active tenant with a branch, a till, an admin, a branch manager and a cashier, all signed in. */
export async function openShop(full: FullApp, legalName = 'Boulangerie Martin SARL'): Promise<Shop> {
  const { app } = full;
  const owner = (await login(app, full.owner.email, full.owner.password)).accessToken;
  const { id: tenantId } = await command(app, '/v1/tenants', { token: owner, body: { ...TENANT_BODY, legalName } });
  await command(app, `/v1/tenants/${tenantId}/activate`, { token: owner });
  const adminEmail = `admin-${randomUUID()}@shop.example`;
  const adminId = await appointTenantAdmin(full, owner, tenantId, adminEmail);
  const admin = (await login(app, adminEmail)).accessToken;
  const { id: branchId } = await command(app, `/v1/tenants/${tenantId}/branches`, { token: admin, body: { name: 'Centre' } });
  const { id: deviceId } = await command(app, `/v1/tenants/${tenantId}/devices`, { token: admin, body: { branchId, name: 'Till 1' } });
  const managerEmail = `manager-${randomUUID()}@shop.example`;
  const { id: managerId } = await command(app, '/v1/employees', {
    token: admin,
    body: { personalData: { name: 'Hugo Bernard', email: managerEmail }, role: 'branch_manager', branchIds: [branchId], password: PASSWORD },
  });
  const { id: cashierId } = await command(app, '/v1/employees', {
    token: admin,
    body: { personalData: { name: 'Léa Dubois', email: `cashier-${randomUUID()}@shop.example` }, role: 'cashier', branchIds: [branchId], deviceIds: [deviceId], pin: PIN },
  });
  const manager = (await login(app, managerEmail)).accessToken;
  const cashier = (await pinLogin(app, { deviceId, employeeId: cashierId, pin: PIN })).accessToken;
  return { tenantId, branchId, deviceId, adminId, managerId, cashierId, tokens: { owner, admin, manager, cashier } };
}

/**
 * The real app with one open shop, started before the enclosing describe's tests and closed after
 * them. Read `full` and `shop` inside tests (they are set by then).
 */
export function withShop(): Readonly<{ readonly full: FullApp; readonly shop: Shop }> {
  let full: FullApp | undefined;
  let shop: Shop | undefined;
  beforeAll(async () => {
    full = await startFullApp();
    shop = await openShop(full);
  });
  afterAll(async () => {
    await full?.close();
  });
  return {
    get full(): FullApp {
      if (!full) throw new Error('withShop: the app starts in beforeAll');
      return full;
    },
    get shop(): Shop {
      if (!shop) throw new Error('withShop: the shop opens in beforeAll');
      return shop;
    },
  };
}

/** The shop's auditor (issue 11), hired by its admin with a password sign-in and no branches, signed in: the access token. */
export async function hireAuditor(full: FullApp, shop: Shop): Promise<string> {
  const email = `auditor-${randomUUID()}@shop.example`;
  await command(full.app, '/v1/employees', { token: shop.tokens.admin, body: { personalData: { name: 'Audra Auditor', email }, role: 'auditor', branchIds: [], password: PASSWORD } });
  return (await login(full.app, email)).accessToken;
}
