import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../src/application/events/decodeEvent.js';
import { parseStreamId, streams } from '../../../src/application/events/streams.js';
import { LogBuilder } from '../../support/projectionSpec.js';

describe('the till stream', () => {
  it('is one stream per device of a tenant, parsed back to its device', () => {
    expect(streams.till('t1', 'till-7')).toBe('till-t1/till-7');
    expect(parseStreamId(streams.till('t1', 'till-7'))).toEqual({ category: 'till', tenantId: 't1', entityId: 'till-7' });
    expect(parseStreamId('till-t1')).toBeUndefined();
  });

  it('decodes its events typed, with the device as entity', () => {
    const recorded = new LogBuilder().event(streams.till('t1', 'till-7'), 't1', 'TillDayClosed', { zNumber: 1 });
    expect(decodeEvent(recorded)).toMatchObject({ category: 'till', type: 'TillDayClosed', tenantId: 't1', entityId: 'till-7', data: { zNumber: 1 } });
  });
});
