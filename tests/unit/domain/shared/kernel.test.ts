import { describe, expect, it } from 'vitest';
import { atLeast, isRole } from '../../../../src/domain/shared/roles.js';
import { isInstant } from '../../../../src/domain/shared/time.js';

describe('roles', () => {
  it('ranks roles from cashier to platform owner', () => {
    expect(atLeast('tenant_admin', 'branch_manager')).toBe(true);
    expect(atLeast('cashier', 'branch_manager')).toBe(false);
    expect(atLeast('branch_manager', 'branch_manager')).toBe(true);
  });
  it('knows the four roles only', () => {
    expect(isRole('cashier')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});

describe('instants', () => {
  it('accepts ISO-8601 UTC with milliseconds only', () => {
    expect(isInstant('2026-11-22T09:30:00.000Z')).toBe(true);
    expect(isInstant('2026-11-22T09:30:00Z')).toBe(false);
    expect(isInstant('2026-11-22 09:30')).toBe(false);
  });
});
