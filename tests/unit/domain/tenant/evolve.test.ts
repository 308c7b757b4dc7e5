import { describe, expect, it } from 'vitest';
import { fold } from '../../../../src/domain/shared/decider.js';
import type { BranchId, DeviceId, TaxRateId } from '../../../../src/domain/shared/ids.js';
import { tenantDecider, type TenantEvent, type TenantState } from '../../../../src/domain/tenant/index.js';
import {
  activated,
  activatedAt,
  closed,
  harbour,
  harbourClosed,
  harbourOpened,
  mainStreet,
  mainStreetOpened,
  now,
  reducedRate,
  reducedRateRetired,
  registered,
  registeredAt,
  reinstated,
  standardRate,
  suspended,
  tenantId,
  till1,
  till1Registered,
} from './fixtures.js';

const replay = (events: readonly TenantEvent[]): TenantState => fold(tenantDecider, events);

describe('evolve', () => {
  it('starts with no tenant', () => {
    expect(tenantDecider.initialState).toEqual({ status: 'none' });
  });

  it('rebuilds the whole tenant from its history', () => {
    const state = replay([
      registered,
      activated,
      mainStreetOpened,
      harbourOpened,
      till1Registered,
      { type: 'TenantLegalNameChanged', data: { legalName: 'Acme SAS' } },
      { type: 'TenantCurrencyChanged', data: { currency: 'CHF', minorUnitExponent: 2 } },
      { type: 'TenantTimeZoneChanged', data: { timeZone: 'Europe/Zurich' } },
      { type: 'TenantPriceModeChanged', data: { priceMode: 'exclusive' } },
      { type: 'DiscountApprovalThresholdChanged', data: { basisPoints: 2500 } },
      { type: 'TaxRateChanged', data: { taxRateId: standardRate, name: 'Normal', basisPoints: 810 } },
      reducedRateRetired,
      { type: 'BranchRenamed', data: { branchId: mainStreet, name: 'Bahnhofstrasse' } },
      harbourClosed,
      { type: 'DeviceRenamed', data: { deviceId: till1, name: 'Kasse 1' } },
    ]);
    expect(state).toEqual({
      status: 'active',
      activatedAt,
      tenant: {
        id: tenantId,
        legalName: 'Acme SAS',
        registeredAt,
        settings: {
          currency: 'CHF',
          minorUnitExponent: 2,
          timeZone: 'Europe/Zurich',
          priceMode: 'exclusive',
          discountApprovalThreshold: { basisPoints: 2500 },
        },
        taxRates: new Map([
          [standardRate, { id: standardRate, name: 'Normal', basisPoints: 810, status: 'active' }],
          [reducedRate, { id: reducedRate, name: 'Reduced', basisPoints: 550, status: 'retired' }],
        ]),
        branches: new Map([
          [mainStreet, { id: mainStreet, name: 'Bahnhofstrasse', status: 'open' }],
          [harbour, { id: harbour, name: 'Harbour', status: 'closed' }],
        ]),
        devices: new Map([[till1, { id: till1, branchId: mainStreet, name: 'Kasse 1', status: 'active' }]]),
      },
    });
  });

  it('does not change the state it evolves from', () => {
    const before = replay([registered, mainStreetOpened]);
    const snapshot = structuredClone(before);
    tenantDecider.evolve(before, harbourOpened);
    tenantDecider.evolve(before, { type: 'BranchRenamed', data: { branchId: mainStreet, name: 'High Street' } });
    expect(before).toEqual(snapshot);
  });

  it('ignores event types it does not know, such as ones from a newer writer', () => {
    const state = replay([registered, activated]);
    const unknown = { type: 'TenantRebranded', data: { logo: 'x' } } as unknown as TenantEvent;
    expect(tenantDecider.evolve(state, unknown)).toBe(state);
  });

  it('ignores events about a tenant before it is registered', () => {
    const none = tenantDecider.initialState;
    const events: readonly TenantEvent[] = [activated, suspended, reinstated, closed, mainStreetOpened, till1Registered];
    for (const event of events) expect(tenantDecider.evolve(none, event)).toBe(none);
  });

  it.each([
    ['a second registration', [registered, activated], registered],
    ['activation of an active tenant', [registered, activated], activated],
    ['suspension of a registered tenant', [registered], suspended],
    ['reinstatement of an active tenant', [registered, activated], reinstated],
    ['closing a closed tenant', [registered, closed], { type: 'TenantClosed', data: { reason: 'again', at: now } }],
  ] as const)('ignores %s, which decide never emits', (_case, history, event) => {
    const state = replay(history);
    expect(tenantDecider.evolve(state, event)).toBe(state);
  });

  it.each([
    ['a tax rate', { type: 'TaxRateChanged', data: { taxRateId: 'x' as TaxRateId, name: 'X', basisPoints: 1 } }],
    ['a tax rate', { type: 'TaxRateRetired', data: { taxRateId: 'x' as TaxRateId } }],
    ['a branch', { type: 'BranchRenamed', data: { branchId: 'x' as BranchId, name: 'X' } }],
    ['a branch', { type: 'BranchClosed', data: { branchId: 'x' as BranchId } }],
    ['a device', { type: 'DeviceRenamed', data: { deviceId: 'x' as DeviceId, name: 'X' } }],
    ['a device', { type: 'DeviceDeactivated', data: { deviceId: 'x' as DeviceId, reason: 'X', at: now } }],
  ] as const)('changes nothing for an event about %s it does not know', (_what, event) => {
    const state = replay([registered, mainStreetOpened, till1Registered]);
    expect(tenantDecider.evolve(state, event)).toEqual(state);
  });

  it('keeps settings changes made while suspended in the state after reinstatement', () => {
    // decide refuses such changes, but evolve applies whatever history holds.
    const state = replay([registered, activated, suspended, { type: 'TenantTimeZoneChanged', data: { timeZone: 'UTC' } }, reinstated]);
    expect(state.status === 'active' && state.tenant.settings.timeZone).toBe('UTC');
  });
});
