import { describe, expect, it } from 'vitest';
import { parseStreamId, streams } from '../../../src/application/events/streams.js';

describe('stream names', () => {
  it('puts the tenant into every stream and parses back what it built', () => {
    expect(streams.tenant('t1')).toBe('tenant-t1');
    expect(streams.support('t1')).toBe('support-t1');
    expect(streams.order('t1', 'o-9')).toBe('order-t1/o-9');
    expect(streams.employee('t1', 'e-2')).toBe('employee-t1/e-2');
    expect(parseStreamId(streams.tenant('t1'))).toEqual({ category: 'tenant', tenantId: 't1', entityId: 't1' });
    expect(parseStreamId(streams.support('t1'))).toEqual({ category: 'support', tenantId: 't1', entityId: 't1' });
    expect(parseStreamId(streams.order('t1', 'o-9'))).toEqual({ category: 'order', tenantId: 't1', entityId: 'o-9' });
    expect(parseStreamId(streams.employee('t-a', 'e-2'))).toEqual({ category: 'employee', tenantId: 't-a', entityId: 'e-2' });
  });

  it('refuses what it did not build', () => {
    for (const id of ['', 'order', 'order-', 'order-t1', 'order-t1/', 'order-/o', 'tenant-', 'tenant-a/b', 'basket-t1/x', '-t1']) {
      expect(parseStreamId(id), id).toBeUndefined();
    }
  });
});
