import { describe, expect, it } from 'vitest';
import { sealDecider, type HistorySealed, type SealHistory } from '../../../../src/domain/seal/index.js';
import type { TenantId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { spec } from '../../../support/decider.js';

const tenantId = 'tenant-1' as TenantId;
const at = '2026-12-16T18:30:00.000Z' as Instant;
const seal = spec(sealDecider);

function figures(sealNumber: number, eventCount: number, tenant: TenantId = tenantId): HistorySealed['data'] {
  return {
    tenantId: tenant, sealNumber, through: `${100 + sealNumber}.${eventCount}`, eventCount, streamCount: 3, root: 'ab'.repeat(32), sealedAt: at,
    reason: { kind: 'on_demand', userId: 'u-1' }, algorithm: 'Ed25519', keyId: 'ed25519-0123456789abcdef', signature: 'sig',
  };
}
const sealed = (sealNumber: number, eventCount: number): HistorySealed => ({ type: 'HistorySealed', data: figures(sealNumber, eventCount) });
const command = (data: HistorySealed['data']): SealHistory => ({ type: 'SealHistory', data, meta: { actor: { userId: 'u-1' as UserId, role: 'tenant_admin' }, at } });

describe('SealHistory', () => {
  it('records the first seal as number 1', () => {
    const state = seal.given([]).when(command(figures(1, 10))).then([sealed(1, 10)]);
    expect(state).toEqual({ status: 'sealed', tenantId, lastSeal: 1, through: '101.10', eventCount: 10 });
  });

  it('numbers each next seal one higher, over at least as many events (the same count too: nothing happened)', () => {
    seal.given([sealed(1, 10)]).when(command(figures(2, 25))).then([sealed(2, 25)]);
    seal.given([sealed(1, 10), sealed(2, 25)]).when(command(figures(3, 25))).then([sealed(3, 25)]);
  });

  it('refuses a gap or a repeat in the numbers (a concurrent sealer got there first)', () => {
    seal.given([]).when(command(figures(2, 10))).thenFails('SEAL_OUT_OF_ORDER', 'conflict');
    seal.given([sealed(1, 10)]).when(command(figures(1, 10))).thenFails('SEAL_OUT_OF_ORDER', 'conflict');
  });

  it('refuses to sign a history that lost events since the last seal', () => {
    seal.given([sealed(1, 10)]).when(command(figures(2, 9))).thenFails('SEAL_HISTORY_SHRANK', 'conflict');
  });

  it('refuses another tenant’s seal on this stream', () => {
    seal.given([sealed(1, 10)]).when(command(figures(2, 12, 'tenant-2' as TenantId))).thenFails('SEAL_TENANT_MISMATCH', 'conflict');
  });
});
