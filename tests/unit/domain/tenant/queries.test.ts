import { describe, expect, it } from 'vitest';
import type { BranchId, DeviceId, TaxRateId } from '../../../../src/domain/shared/ids.js';
import {
  activeDevice,
  activeTaxRate,
  isAcceptingCommands,
  openBranch,
  tenantDecider,
  type TenantEvent,
  type TenantState,
} from '../../../../src/domain/tenant/index.js';
import { fold } from '../../../../src/domain/shared/decider.js';
import {
  activated,
  closed,
  harbour,
  harbourClosed,
  harbourOpened,
  mainStreet,
  operating,
  reducedRate,
  reducedRateRetired,
  registered,
  reinstated,
  standardRate,
  suspended,
  till1,
  till1Deactivated,
  till2,
  till2Registered,
} from './fixtures.js';

const replay = (events: readonly TenantEvent[]): TenantState => fold(tenantDecider, events);
const none = tenantDecider.initialState;

describe('isAcceptingCommands', () => {
  it.each([
    ['never registered', [], false],
    ['registered (being set up)', [registered], true],
    ['active', [registered, activated], true],
    ['suspended', [registered, activated, suspended], false],
    ['reinstated', [registered, activated, suspended, reinstated], true],
    ['closed', [registered, closed], false],
  ] as const)('is %3$s for a tenant %1$s', (_status, history, expected) => {
    expect(isAcceptingCommands(replay(history))).toBe(expected);
  });
});

describe('openBranch', () => {
  const state = replay([...operating, harbourOpened, harbourClosed]);

  it('returns an open branch', () => {
    expect(openBranch(state, mainStreet)).toEqual({ id: mainStreet, name: 'Main Street', status: 'open' });
  });

  it('returns nothing for a closed branch, an unknown one, or no tenant', () => {
    expect(openBranch(state, harbour)).toBeUndefined();
    expect(openBranch(state, 'constructor' as BranchId)).toBeUndefined();
    expect(openBranch(none, mainStreet)).toBeUndefined();
  });
});

describe('activeDevice', () => {
  const state = replay([...operating, till2Registered, till1Deactivated]);

  it('returns an active device with its branch', () => {
    expect(activeDevice(state, till2)).toEqual({ id: till2, branchId: mainStreet, name: 'Till 2', status: 'active' });
  });

  it('returns nothing for a deactivated device, an unknown one, or no tenant', () => {
    expect(activeDevice(state, till1)).toBeUndefined();
    expect(activeDevice(state, 'till-9' as DeviceId)).toBeUndefined();
    expect(activeDevice(none, till2)).toBeUndefined();
  });
});

describe('activeTaxRate', () => {
  const state = replay([...operating, reducedRateRetired]);

  it('returns a tax rate in use', () => {
    expect(activeTaxRate(state, standardRate)).toEqual({ id: standardRate, name: 'Standard', basisPoints: 2000, status: 'active' });
  });

  it('returns nothing for a retired tax rate, an unknown one, or no tenant', () => {
    expect(activeTaxRate(state, reducedRate)).toBeUndefined();
    expect(activeTaxRate(state, 'toString' as TaxRateId)).toBeUndefined();
    expect(activeTaxRate(none, standardRate)).toBeUndefined();
  });
});
