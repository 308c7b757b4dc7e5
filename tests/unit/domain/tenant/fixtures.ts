import type { CommandMeta } from '../../../../src/domain/shared/command.js';
import type { BranchId, DeviceId, TaxRateId, TenantId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { tenantDecider, type TenantCommand, type TenantEvent } from '../../../../src/domain/tenant/index.js';
import { spec } from '../../../support/decider.js';

export const tenantId = 'tenant-acme' as TenantId;
export const standardRate = 'vat-standard' as TaxRateId;
export const reducedRate = 'vat-reduced' as TaxRateId;
export const mainStreet = 'branch-main' as BranchId;
export const harbour = 'branch-harbour' as BranchId;
export const till1 = 'till-1' as DeviceId;
export const till2 = 'till-2' as DeviceId;

export const registeredAt = '2026-11-01T08:00:00.000Z' as Instant;
export const activatedAt = '2026-11-02T08:00:00.000Z' as Instant;
export const now = '2026-11-22T09:30:00.000Z' as Instant;

export const meta: CommandMeta = { actor: { userId: 'user-admin' as UserId, role: 'tenant_admin' }, at: now };

type CommandOf<T extends TenantCommand['type']> = Extract<TenantCommand, { type: T }>;

/** A command as the application would send it, at `now`. */
export function command<T extends TenantCommand['type']>(type: T, data: CommandOf<T>['data']): CommandOf<T> {
  return { type, data, meta } as CommandOf<T>;
}

/** Bypasses the command types, to send what a careless or hostile caller might. */
export function untyped<T extends TenantCommand['type']>(type: T, data: Record<string, unknown>): CommandOf<T> {
  return { type, data, meta } as unknown as CommandOf<T>;
}

export const tenant = spec(tenantDecider);

// History, as the events a tenant's stream would hold.

export const registered: TenantEvent = {
  type: 'TenantRegistered',
  data: {
    tenantId,
    legalName: 'Acme Retail SARL',
    currency: 'EUR',
    minorUnitExponent: 2,
    timeZone: 'Europe/Paris',
    priceMode: 'inclusive',
    taxRates: [
      { taxRateId: standardRate, name: 'Standard', basisPoints: 2000 },
      { taxRateId: reducedRate, name: 'Reduced', basisPoints: 550 },
    ],
    discountApprovalThreshold: { basisPoints: 1000 },
    at: registeredAt,
  },
};
export const activated: TenantEvent = { type: 'TenantActivated', data: { at: activatedAt } };
export const suspended: TenantEvent = { type: 'TenantSuspended', data: { reason: 'Unpaid invoice', at: now } };
export const reinstated: TenantEvent = { type: 'TenantReinstated', data: { at: now } };
export const closed: TenantEvent = { type: 'TenantClosed', data: { reason: 'Contract ended', at: now } };

export const mainStreetOpened: TenantEvent = { type: 'BranchOpened', data: { branchId: mainStreet, name: 'Main Street' } };
export const harbourOpened: TenantEvent = { type: 'BranchOpened', data: { branchId: harbour, name: 'Harbour' } };
export const harbourClosed: TenantEvent = { type: 'BranchClosed', data: { branchId: harbour } };
export const till1Registered: TenantEvent = {
  type: 'DeviceRegistered',
  data: { deviceId: till1, branchId: mainStreet, name: 'Till 1' },
};
export const till2Registered: TenantEvent = {
  type: 'DeviceRegistered',
  data: { deviceId: till2, branchId: mainStreet, name: 'Till 2' },
};
export const till1Deactivated: TenantEvent = {
  type: 'DeviceDeactivated',
  data: { deviceId: till1, reason: 'Stolen', at: now },
};
export const reducedRateRetired: TenantEvent = { type: 'TaxRateRetired', data: { taxRateId: reducedRate } };

/** An active tenant with one branch and one till: where most commands are sent. */
export const operating: readonly TenantEvent[] = [registered, activated, mainStreetOpened, till1Registered];

/** A string of `length` characters. */
export const chars = (length: number, char = 'x'): string => char.repeat(length);
