import { randomUUID } from 'node:crypto';

/** Minimal JSON-over-HTTP client for the benches (fetch on loopback). */
export type Answer = Readonly<{ status: number; json: unknown }>;

export async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string | null,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = text.length === 0 ? null : JSON.parse(text);
  } catch {
    // A CSV or empty answer: kept as text.
  }
  return { status: response.status, json };
}

export async function ok<T>(base: string, path: string, token: string | null, body: unknown, headers?: Readonly<Record<string, string>>): Promise<T> {
  const { status, json } = await call(base, 'POST', path, token, body, headers);
  if (status >= 300) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(json)}`);
  return json as T;
}

export const PASSWORD = 'correct horse battery staple';
export const PIN = '4821';

export type HttpTenant = Readonly<{
  tenantId: string;
  admin: string;
  branches: readonly Readonly<{ branchId: string; name: string; devices: readonly Readonly<{ deviceId: string; name: string }>[] }>[];
}>;

/** A tenant created and activated by the platform owner, with a signed-in admin, its branches and tills. */
export async function createTenant(
  base: string,
  owner: string,
  settings: Readonly<{ legalName: string; currency: string; timeZone: string; priceMode: 'inclusive' | 'exclusive'; taxRates: readonly Readonly<{ taxRateId: string; name: string; basisPoints: number }>[] }>,
  branches: number,
  tillsPerBranch: number,
): Promise<HttpTenant> {
  const { id: tenantId } = await ok<{ id: string }>(base, '/v1/tenants', owner, { ...settings, discountApprovalThresholdBasisPoints: 1000 });
  await ok(base, `/v1/tenants/${tenantId}/activate`, owner, {});
  const adminEmail = `admin-${randomUUID()}@bench.example`;
  await ok(base, `/v1/tenants/${tenantId}/admins`, owner, { personalData: { name: 'Camille Martin', email: adminEmail }, password: PASSWORD });
  const admin = (await ok<{ accessToken: string }>(base, '/v1/auth/login', null, { email: adminEmail, password: PASSWORD })).accessToken;
  const created = [];
  for (let b = 0; b < branches; b++) {
    const name = `Branch ${b + 1}`;
    const { id: branchId } = await ok<{ id: string }>(base, `/v1/tenants/${tenantId}/branches`, admin, { name });
    const devices = [];
    for (let d = 0; d < tillsPerBranch; d++) {
      const deviceName = `Till ${b + 1}.${d + 1}`;
      devices.push({ deviceId: (await ok<{ id: string }>(base, `/v1/tenants/${tenantId}/devices`, admin, { branchId, name: deviceName })).id, name: deviceName });
    }
    created.push({ branchId, name, devices });
  }
  return { tenantId, admin, branches: created };
}
