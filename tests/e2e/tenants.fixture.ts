import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { ApplicationError } from '../../src/application/errors.js';
import type { Accounts, LoginSummary, Reservation } from '../../src/application/ports/accounts.js';
import type { EventStore, RecordedEvent } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import type { Role } from '../../src/domain/shared/roles.js';
import { buildApp, type AppDeps } from '../../src/infrastructure/http/app.js';
import { registerEmployeeRoutes } from '../../src/infrastructure/http/routes/employees.js';
import { registerTenantRoutes } from '../../src/infrastructure/http/routes/tenants.js';
import { createReadModels } from '../../src/projections/readModels.js';
import { protectPersonalData } from '../../src/application/personalData/protectedEventStore.js';
import { createPersonalDataKeyring, type PersonalDataKeyring } from '../../src/infrastructure/personalData/keyring.js';
import { configuredMasterKeys } from '../../src/infrastructure/personalData/masterKeys.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { openEmbeddedStorage } from '../support/storage.js';

/** Shared by tests/e2e/tenants.test.ts and employees.test.ts: the app over PGlite, a fake Accounts. */

export type AccountsCall = Readonly<{ method: keyof Accounts; args: readonly unknown[] }>;

/** Records every call; answers like an adapter that accepts everything. */
export class FakeAccounts implements Accounts {
  readonly calls: AccountsCall[] = [];

  create(...args: Parameters<Accounts['create']>): Promise<void> {
    return this.record('create', args);
  }
  reserve(...args: Parameters<Accounts['reserve']>): Promise<Reservation> {
    return this.record('reserve', args).then(() => ({ outcome: 'reserved' as const }));
  }
  release(...args: Parameters<Accounts['release']>): Promise<boolean> {
    return this.record('release', args).then(() => true);
  }
  pendingBefore(...args: Parameters<Accounts['pendingBefore']>): Promise<readonly LoginSummary[]> {
    return this.record('pendingBefore', args).then(() => []);
  }
  update(...args: Parameters<Accounts['update']>): Promise<void> {
    return this.record('update', args);
  }
  setCredentials(...args: Parameters<Accounts['setCredentials']>): Promise<void> {
    return this.record('setCredentials', args);
  }
  deactivateDevice(...args: Parameters<Accounts['deactivateDevice']>): Promise<void> {
    return this.record('deactivateDevice', args);
  }
  forget(...args: Parameters<Accounts['forget']>): Promise<void> {
    return this.record('forget', args);
  }

  callsOf(method: keyof Accounts): readonly (readonly unknown[])[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  private record(method: keyof Accounts, args: readonly unknown[]): Promise<void> {
    this.calls.push({ method, args });
    return Promise.resolve();
  }
}

/** Tests only: the caller is whoever the `x-test-principal` header says, as JSON. */
const testAuthenticator: AppDeps['authenticate'] = (request) => {
  const header = request.headers['x-test-principal'];
  if (typeof header !== 'string') return Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'no test principal'));
  return Promise.resolve(JSON.parse(header) as Principal);
};

export type Fixture = Readonly<{
  app: FastifyInstance;
  /** Personal data sealed and opened, as the app has it. */
  eventStore: EventStore;
  /** The store as it is stored, sealed personal data and all. */
  storedEvents: EventStore;
  personalData: PersonalDataKeyring;
  accounts: FakeAccounts;
  close: () => Promise<void>;
}>;

export async function startApp(): Promise<Fixture> {
  const { postgres, eventStore: storedEvents } = await openEmbeddedStorage();
  // As openStorage does: the development master key (the test configuration sets none).
  const personalData = createPersonalDataKeyring(postgres.db, configuredMasterKeys(loadConfig({ NODE_ENV: 'test' }).personalData));
  const eventStore = protectPersonalData(storedEvents, personalData);
  const accounts = new FakeAccounts();
  const clock = { now: () => new Date() };
  const { drawerCash, tenantSales } = createReadModels({ db: postgres.db, eventStore, clock, logger: pino({ level: 'silent' }), accounts });
  const deps = { eventStore, accounts, clock, ids: { uuid: () => randomUUID() }, drawerCash, tenantSales, personalData };
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    authenticate: testAuthenticator,
    readinessChecks: {},
    routes: (instance) => {
      registerTenantRoutes(instance, deps);
      registerEmployeeRoutes(instance, deps);
    },
  });
  return {
    app,
    eventStore,
    storedEvents,
    personalData,
    accounts,
    close: async () => {
      await app.close();
      await eventStore.close();
    },
  };
}

// Principals

export const platformOwner: Principal = principal('platform_owner', null);

export function principal(
  role: Role,
  tenantId: string | null,
  more: Partial<Readonly<{ userId: string; employeeId: string; deviceId: string; branchIds: readonly string[] }>> = {},
): Principal {
  return {
    userId: (more.userId ?? more.employeeId ?? `user-${role}-${randomUUID()}`) as UserId,
    role,
    tenantId: tenantId as TenantId | null,
    employeeId: (more.employeeId ?? null) as EmployeeId | null,
    deviceId: (more.deviceId ?? null) as DeviceId | null,
    branchIds: (more.branchIds ?? []) as BranchId[],
    support: null,
  };
}

// Requests

export type Call = Readonly<{ as: Principal; body?: unknown; headers?: Readonly<Record<string, string>> }>;

export function post(app: FastifyInstance, url: string, { as, body, headers }: Call): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'x-test-principal': JSON.stringify(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

export function get(app: FastifyInstance, url: string, { as, headers }: Call): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { 'x-test-principal': JSON.stringify(as), ...headers } });
}

export type CommandAnswer = { id: string; revision: number | null; position: string | null };

/** Posts and expects 200; answers the command result. */
export async function ok(app: FastifyInstance, url: string, call: Call): Promise<CommandAnswer> {
  const response = await post(app, url, call);
  if (response.statusCode !== 200) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json<CommandAnswer>();
}

export async function allEvents(eventStore: EventStore): Promise<RecordedEvent[]> {
  return eventStore.readAll();
}

/** Everything the store holds, as one JSON text (data, metadata, envelope), to search for leaks. */
export async function storedText(eventStore: EventStore): Promise<string> {
  return JSON.stringify(await allEvents(eventStore), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

// Scenario

export type Shop = Readonly<{ tenantId: string; admin: Principal; branchId: string; deviceId: string }>;

/** A registered and activated tenant with one branch and one device, and its admin. */
export async function openShop(app: FastifyInstance, legalName = 'Boulangerie Martin SARL'): Promise<Shop> {
  const { id: tenantId } = await ok(app, '/v1/tenants', {
    as: platformOwner,
    body: {
      legalName,
      currency: 'EUR',
      timeZone: 'Europe/Paris',
      priceMode: 'inclusive',
      taxRates: [{ taxRateId: 'standard', name: 'TVA 20 %', basisPoints: 2000 }],
      discountApprovalThresholdBasisPoints: 1000,
    },
  });
  await ok(app, `/v1/tenants/${tenantId}/activate`, { as: platformOwner });
  const admin = principal('tenant_admin', tenantId, { employeeId: `admin-${tenantId}` });
  const { id: branchId } = await ok(app, `/v1/tenants/${tenantId}/branches`, { as: admin, body: { name: 'Centre' } });
  const { id: deviceId } = await ok(app, `/v1/tenants/${tenantId}/devices`, { as: admin, body: { branchId, name: 'Till 1' } });
  return { tenantId, admin, branchId, deviceId };
}
