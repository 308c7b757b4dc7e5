import { describe, expect, it } from 'vitest';
import {
  TENANT_EVENT_VERSIONS,
  tenantDecider,
  type TenantCommand,
} from '../../../../src/domain/tenant/index.js';
import { meta } from './fixtures.js';

describe('the Tenant module', () => {
  it('writes every event type at schema version 1', () => {
    expect(Object.keys(TENANT_EVENT_VERSIONS)).toHaveLength(19);
    expect(new Set(Object.values(TENANT_EVENT_VERSIONS))).toEqual(new Set([1]));
  });

  it('fails loudly on a command type it does not know, rather than deciding nothing', () => {
    const unknown = { type: 'MergeTenants', data: {}, meta } as unknown as TenantCommand;
    expect(() => tenantDecider.decide(unknown, tenantDecider.initialState)).toThrow(/Unhandled case/);
  });
});
