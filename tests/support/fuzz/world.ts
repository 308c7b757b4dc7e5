import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { signAccessToken } from '../../../src/infrastructure/auth/accessTokens.js';
import { PASSWORD, PIN, call, command, login, openShop, type FullApp, type Shop } from '../fullApp.js';
import type { Random } from './random.js';

/**
 * What the fuzzer knows of the app's data: ids of entities that exist (so half the requests
 * reach the handlers and the database), the tokens of several roles in two tenants, and
 * credentials. Ids the app hands out during the run are added as they come.
 */
export type World = {
  /** By the name of the parameter or field that holds them (tenantId, orderId, lineId...). */
  readonly ids: Map<string, string[]>;
  /** Tenant A's, where most tokens work: drawn more often, so requests get past tenant isolation to the rules. */
  readonly home: Map<string, string[]>;
  /** Only these are targeted by commands that end an entity (close, terminate, forget...). */
  readonly spare: Map<string, string[]>;
  /** Bearer tokens by who holds them. */
  readonly tokens: readonly Readonly<{ who: string; token: string; weight: number }>[];
  /** Authorization values that must all be refused (401), never crash. */
  readonly badAuthorizations: readonly string[];
  readonly refreshTokens: string[];
  readonly emails: string[];
  /** The cashier's till: a sync batch names the device of its session. */
  readonly tillDeviceId: string;
  /** Token holders an operation answered ROLE_NOT_ALLOWED, by operation: drawn less often after. */
  readonly refusedRoles: Map<string, Set<string>>;
};

const MAX_IDS = 40;

export function remember(map: Map<string, string[]>, name: string, id: string): void {
  const known = map.get(name) ?? [];
  if (!known.includes(id) && known.length < MAX_IDS) known.push(id);
  map.set(name, known);
}

function rememberShop(world: Pick<World, 'ids'>, shop: Shop): void {
  remember(world.ids, 'tenantId', shop.tenantId);
  remember(world.ids, 'branchId', shop.branchId);
  remember(world.ids, 'deviceId', shop.deviceId);
  for (const id of [shop.adminId, shop.managerId, shop.cashierId]) remember(world.ids, 'employeeId', id);
}

/** JWTs every authenticator must refuse: expired, forged, tampered, with claims no account has. */
async function badAuthorizations(full: FullApp, shop: Shop): Promise<string[]> {
  const settings = { issuer: full.auth.issuer, audience: full.auth.audience, accessTokenTtlSeconds: full.auth.accessTokenTtlSeconds };
  const claims = { userId: randomUUID(), tenantId: shop.tenantId, role: 'tenant_admin' as const, employeeId: shop.adminId, deviceId: null, branchIds: [] };
  const now = new Date();
  const expired = await signAccessToken(full.keys, settings, claims, new Date(now.getTime() - 3_600_000), randomUUID());
  const stranger = await signAccessToken(full.keys, settings, claims, now, randomUUID());
  const supportless = await signAccessToken(full.keys, settings, { ...claims, role: 'platform_owner', employeeId: null, supportSessionId: randomUUID() }, now, randomUUID());
  const future = await signAccessToken(full.keys, settings, claims, new Date(now.getTime() + 3_600_000), randomUUID());
  const { privateKey } = await generateKeyPair('EdDSA');
  const forged = await new SignJWT({ token_use: 'access', tenant_id: shop.tenantId, role: 'platform_owner', employee_id: null, device_id: null, branch_ids: [] })
    .setProtectedHeader({ alg: 'EdDSA', kid: full.keys.signer.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(randomUUID())
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
  const [header = '', payload = '', signature = ''] = shop.tokens.admin.split('.');
  const raised = Buffer.from(JSON.stringify({ ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), role: 'platform_owner' })).toString('base64url');
  const none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`;
  return [
    `Bearer ${expired}`,
    `Bearer ${stranger}`,
    `Bearer ${supportless}`,
    `Bearer ${future}`,
    `Bearer ${forged}`,
    `Bearer ${header}.${raised}.${signature}`,
    `Bearer ${none}`,
    `Bearer ${shop.tokens.admin.slice(0, -2)}xx`,
    `Bearer ${shop.tokens.admin}.${signature}`,
    'Bearer',
    'Bearer ',
    'Bearer x',
    'Bearer a.b.c',
    'Bearer ....',
    `Bearer ${'a'.repeat(8_000)}`,
    `Bearer ${'eyJ'.repeat(300)}.${'eyJ'.repeat(300)}.x`,
    'Basic dXNlcjpwYXNzd29yZA==',
    'Token abc',
    'bearer',
    shop.tokens.admin,
    `Bearer  ${shop.tokens.admin}`,
    `Bearer ${shop.tokens.admin} trailing`,
    'Bearer ünïcødé',
    'Bearer \u00ff\u00fe',
  ];
}

/** Opens the shops the fuzzer works in: tenant A (every role signed in, an open order, a shift), tenant B, and spares to end. */
export async function seedWorld(full: FullApp): Promise<World> {
  const { app } = full;
  const a = await openShop(full, 'Boulangerie Fuzz A');
  const b = await openShop(full, 'Épicerie Fuzz B');
  const c = await openShop(full, 'Spare Fuzz C');
  const world: World = {
    ids: new Map(),
    home: new Map(),
    spare: new Map(),
    tokens: [
      { who: 'platform owner', token: a.tokens.owner, weight: 3 },
      { who: 'admin A', token: a.tokens.admin, weight: 4 },
      { who: 'manager A', token: a.tokens.manager, weight: 3 },
      { who: 'cashier A', token: a.tokens.cashier, weight: 4 },
      { who: 'admin B', token: b.tokens.admin, weight: 1 },
      { who: 'cashier B', token: b.tokens.cashier, weight: 1 },
      { who: 'admin C', token: c.tokens.admin, weight: 1 },
    ],
    badAuthorizations: await badAuthorizations(full, a),
    refreshTokens: [],
    emails: [],
    tillDeviceId: a.deviceId,
    refusedRoles: new Map(),
  };
  for (const shop of [a, b, c]) rememberShop(world, shop);
  rememberShop({ ids: world.home }, a);
  remember(world.ids, 'taxRateId', 'standard');

  // Spares in A and C: what the ending commands (close, terminate, forget...) may hit.
  remember(world.spare, 'tenantId', c.tenantId);
  remember(world.spare, 'branchId', c.branchId);
  remember(world.spare, 'deviceId', c.deviceId);
  for (const id of [c.managerId, c.cashierId]) remember(world.spare, 'employeeId', id);
  const admin = a.tokens.admin;
  const { id: spareBranch } = await command(app, `/v1/tenants/${a.tenantId}/branches`, { token: admin, body: { name: 'Spare' } });
  const { id: spareDevice } = await command(app, `/v1/tenants/${a.tenantId}/devices`, { token: admin, body: { branchId: a.branchId, name: 'Spare till' } });
  remember(world.spare, 'branchId', spareBranch);
  remember(world.spare, 'deviceId', spareDevice);
  for (const role of ['cashier', 'branch_manager'] as const) {
    const email = `spare-${role}-${randomUUID()}@shop.example`;
    const { id } = await command(app, '/v1/employees', {
      token: admin,
      body: {
        personalData: { name: 'Noé Spare', email },
        role,
        branchIds: [a.branchId],
        ...(role === 'cashier' ? { deviceIds: [a.deviceId], pin: PIN } : {}),
        password: PASSWORD,
      },
    });
    remember(world.spare, 'employeeId', id);
    remember(world.ids, 'employeeId', id);
    world.emails.push(email);
  }

  // Sessions to refresh and log out of.
  const signedIn = await login(app, full.owner.email, full.owner.password);
  world.refreshTokens.push(signedIn.refreshToken);
  world.emails.push(full.owner.email);

  // A shift, a drawer and an open order with a line at A's till, so the order and drawer commands go deep.
  const cashier = a.tokens.cashier;
  const key = (): Readonly<Record<string, string>> => ({ 'idempotency-key': `seed-${randomUUID()}` });
  const shiftId = `shift-${randomUUID()}`;
  await command(app, `/v1/employees/${a.cashierId}/clock-in`, {
    token: cashier,
    headers: key(),
    body: { shiftId, branchId: a.branchId, deviceId: a.deviceId },
  });
  const drawerId = `drawer-${randomUUID()}`;
  await command(app, `/v1/employees/${a.cashierId}/drawer/open`, {
    token: cashier,
    headers: key(),
    body: { drawerId, deviceId: a.deviceId, floatAmount: 10_000 },
  });
  // Several, as voiding or completing one ends what can be done with it.
  for (let i = 0; i < 6; i += 1) {
    const orderId = randomUUID();
    await command(app, '/v1/orders', { token: cashier, headers: key(), body: { orderId, branchId: a.branchId, deviceId: a.deviceId }, status: 201 });
    await command(app, `/v1/orders/${orderId}/lines`, {
      token: cashier,
      headers: key(),
      body: { lineId: 'l1', sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 2, taxRateId: 'standard' },
    });
    remember(world.ids, 'orderId', orderId);
  }
  remember(world.ids, 'shiftId', shiftId);
  remember(world.ids, 'drawerId', drawerId);
  remember(world.ids, 'lineId', 'l1');

  const session = await call(app, 'POST', `/v1/tenants/${a.tenantId}/support-sessions`, {
    token: a.tokens.owner,
    body: { reason: 'The till shows a wrong total on receipt 42' },
  });
  if (session.statusCode === 201) remember(world.ids, 'sessionId', session.json<{ id: string }>().id);
  return world;
}

/** A known id for `name`: from the spares when the command ends what it names, mostly tenant A's otherwise. */
export function idFor(world: World, name: string, random: Random, ending: boolean): string | undefined {
  const pool = ending && world.spare.has(name) ? world.spare.get(name) : world.home.has(name) && random.chance(0.6) ? world.home.get(name) : world.ids.get(name);
  if (pool === undefined || pool.length === 0) return undefined;
  return random.pick(pool);
}
