import { describe, expect, it } from 'vitest';
import { activated, activatedAt, chars, closed, command, now, registered, registeredAt, reinstated, suspended, tenant, untyped } from './fixtures.js';

// registered -> active -> suspended <-> active; any of them -> closed, which is final.

describe('ActivateTenant', () => {
  const activate = command('ActivateTenant', {});

  it('activates a registered tenant', () => {
    const state = tenant.given([registered]).when(activate).then([{ type: 'TenantActivated', data: { at: now } }]);
    expect(state).toMatchObject({ status: 'active', activatedAt: now });
  });

  it('is refused for a tenant never registered (TENANT_NOT_REGISTERED)', () => {
    tenant.given([]).when(activate).thenFails('TENANT_NOT_REGISTERED', 'not_found');
  });

  it.each([
    ['active', [registered, activated]],
    ['suspended', [registered, activated, suspended]],
  ])('is refused for a tenant already %s (TENANT_ALREADY_ACTIVATED)', (_status, history) => {
    tenant.given(history).when(activate).thenFails('TENANT_ALREADY_ACTIVATED', 'conflict');
  });

  it('is refused for a closed tenant (TENANT_CLOSED)', () => {
    tenant.given([registered, closed]).when(activate).thenFails('TENANT_CLOSED', 'conflict');
  });
});

describe('SuspendTenant', () => {
  const suspend = command('SuspendTenant', { reason: '  Unpaid invoice ' });

  it('suspends an active tenant, with the trimmed reason and the time', () => {
    const state = tenant
      .given([registered, activated])
      .when(suspend)
      .then([{ type: 'TenantSuspended', data: { reason: 'Unpaid invoice', at: now } }]);
    expect(state).toMatchObject({ status: 'suspended', activatedAt, suspendedAt: now, suspensionReason: 'Unpaid invoice' });
  });

  it('is refused for a tenant never registered (TENANT_NOT_REGISTERED)', () => {
    tenant.given([]).when(suspend).thenFails('TENANT_NOT_REGISTERED', 'not_found');
  });

  it.each([
    ['registered but not yet active', [registered]],
    ['already suspended', [registered, activated, suspended]],
  ])('is refused for a tenant %s (TENANT_NOT_ACTIVE)', (_status, history) => {
    tenant.given(history).when(suspend).thenFails('TENANT_NOT_ACTIVE', 'conflict');
  });

  it('is refused for a closed tenant (TENANT_CLOSED)', () => {
    tenant.given([registered, activated, closed]).when(suspend).thenFails('TENANT_CLOSED', 'conflict');
  });

  it.each([[''], ['  '], [chars(501)], [undefined]])('is refused with the reason %j (INVALID_REASON)', (reason) => {
    tenant.given([registered, activated]).when(untyped('SuspendTenant', { reason })).thenFails('INVALID_REASON', 'invalid');
  });

  it('accepts a reason of 500 characters over several lines', () => {
    const reason = `${chars(250)}\n${chars(249)}`;
    tenant
      .given([registered, activated])
      .when(command('SuspendTenant', { reason }))
      .then([{ type: 'TenantSuspended', data: { reason, at: now } }]);
  });
});

describe('ReinstateTenant', () => {
  const reinstate = command('ReinstateTenant', {});

  it('makes a suspended tenant active again, keeping when it was first activated', () => {
    const state = tenant.given([registered, activated, suspended]).when(reinstate).then([reinstated]);
    expect(state).toEqual({ status: 'active', tenant: expect.anything() as unknown, activatedAt });
  });

  it('is refused for a tenant never registered (TENANT_NOT_REGISTERED)', () => {
    tenant.given([]).when(reinstate).thenFails('TENANT_NOT_REGISTERED', 'not_found');
  });

  it.each([
    ['registered', [registered]],
    ['active', [registered, activated]],
    ['reinstated', [registered, activated, suspended, reinstated]],
  ])('is refused for a tenant that is %s (TENANT_NOT_SUSPENDED)', (_status, history) => {
    tenant.given(history).when(reinstate).thenFails('TENANT_NOT_SUSPENDED', 'conflict');
  });

  it('is refused for a closed tenant (TENANT_CLOSED)', () => {
    tenant.given([registered, activated, suspended, closed]).when(reinstate).thenFails('TENANT_CLOSED', 'conflict');
  });
});

describe('CloseTenant', () => {
  const close = command('CloseTenant', { reason: 'Contract ended' });

  it.each([
    ['registered', [registered]],
    ['active', [registered, activated]],
    ['suspended', [registered, activated, suspended]],
  ])('closes a %s tenant for good, keeping its data for auditors', (_status, history) => {
    const state = tenant.given(history).when(close).then([closed]);
    expect(state).toMatchObject({ status: 'closed', closedAt: now, closureReason: 'Contract ended' });
    expect(state.status === 'closed' && state.tenant.legalName).toBe('Acme Retail SARL');
    expect(state.status === 'closed' && state.tenant.registeredAt).toBe(registeredAt);
  });

  it('is refused for a tenant never registered (TENANT_NOT_REGISTERED)', () => {
    tenant.given([]).when(close).thenFails('TENANT_NOT_REGISTERED', 'not_found');
  });

  it('is refused for a tenant already closed (TENANT_CLOSED)', () => {
    tenant.given([registered, closed]).when(close).thenFails('TENANT_CLOSED', 'conflict');
  });

  it.each([[''], [chars(501)]])('is refused with the reason %j (INVALID_REASON)', (reason) => {
    tenant.given([registered]).when(command('CloseTenant', { reason })).thenFails('INVALID_REASON', 'invalid');
  });
});
