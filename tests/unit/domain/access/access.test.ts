import { describe, expect, it } from 'vitest';
import { accessDecider, type SupportDataRead } from '../../../../src/domain/access/index.js';
import type { SupportSessionId, UserId } from '../../../../src/domain/shared/ids.js';
import type { Instant } from '../../../../src/domain/shared/time.js';
import { spec } from '../../../support/decider.js';

const at = '2026-12-16T10:00:00.000Z' as Instant;
const read = { sessionId: 's-1' as SupportSessionId, ownerId: 'owner-1' as UserId, method: 'GET', route: '/v1/orders/:orderId', params: { orderId: 'o-1' } };
const recorded: SupportDataRead = { type: 'SupportDataRead', data: { ...read, at } };

describe('RecordSupportRead', () => {
  it('records the read at the command’s time, after any number of earlier reads', () => {
    const command = { type: 'RecordSupportRead', data: read, meta: { actor: { userId: read.ownerId, role: 'platform_owner' }, at } } as const;
    expect(spec(accessDecider).given([]).when(command).then([recorded])).toEqual({ reads: 1 });
    expect(spec(accessDecider).given([recorded, recorded]).when(command).then([recorded])).toEqual({ reads: 3 });
  });
});
