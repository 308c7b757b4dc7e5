import { randomUUID } from 'node:crypto';
import { createTenant, ok, PIN, type HttpTenant } from './http.js';

/** One till ready to sell: a cashier signed in by PIN on it, clocked in, with a drawer open. */
export type ReadyTill = Readonly<{
  index: number;
  /** The API process this till talks to (tills are split between processes). */
  base: string;
  tenantId: string;
  branchId: string;
  deviceId: string;
  employeeId: string;
  drawerId: string;
  token: string;
  float: number;
}>;

export const TILL_SETTINGS = {
  legalName: 'Samedi Chargé SAS',
  currency: 'EUR',
  timeZone: 'Europe/Paris',
  priceMode: 'inclusive' as const,
  taxRates: [
    { taxRateId: 'standard', name: 'TVA 20 %', basisPoints: 2000 },
    { taxRateId: 'reduced', name: 'TVA 5,5 %', basisPoints: 550 },
  ],
};

const FLOAT = 10_000;

/**
 * A tenant with `count` tills over branches of at most 10, each till with its own cashier, set up
 * over HTTP as a shop would be: hire (with a PIN), PIN sign-in on the till, clock-in, drawer open.
 * Setup goes to the first process; till `i` then sells on `bases[i % bases.length]`.
 */
export async function readyTills(bases: readonly string[], owner: string, count: number): Promise<Readonly<{ tenant: HttpTenant; tills: ReadyTill[] }>> {
  const setup = bases[0]!;
  const branches = Math.max(1, Math.ceil(count / 10));
  const tenant = await createTenant(setup, owner, TILL_SETTINGS, branches, Math.ceil(count / branches));
  const devices = tenant.branches.flatMap((b) => b.devices.map((d) => ({ ...d, branchId: b.branchId }))).slice(0, count);
  const tills: ReadyTill[] = [];
  // One after another: PIN hashing is bounded on purpose (SIGN_IN_BUSY past its queue).
  for (const [index, device] of devices.entries()) {
    const { id: employeeId } = await ok<{ id: string }>(setup, '/v1/employees', tenant.admin, {
      personalData: { name: `Cashier ${index + 1}`, email: `cashier-${randomUUID()}@bench.example` },
      role: 'cashier', branchIds: [device.branchId], deviceIds: [device.deviceId], pin: PIN,
    });
    const token = (await ok<{ accessToken: string }>(setup, '/v1/auth/pin', null, { deviceId: device.deviceId, employeeId, pin: PIN })).accessToken;
    const key = (): Record<string, string> => ({ 'idempotency-key': randomUUID() });
    await ok(setup, `/v1/employees/${employeeId}/clock-in`, token, { branchId: device.branchId, deviceId: device.deviceId }, key());
    const { id: drawerId } = await ok<{ id: string }>(setup, `/v1/employees/${employeeId}/drawer/open`, token, { deviceId: device.deviceId, floatAmount: FLOAT }, key());
    tills.push({
      index, base: bases[index % bases.length]!, tenantId: tenant.tenantId, branchId: device.branchId, deviceId: device.deviceId,
      employeeId, drawerId, token, float: FLOAT,
    });
  }
  return { tenant, tills };
}
