import { afterAll, beforeAll, describe, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import type { ReadModel } from '../../src/projections/readModel.js';
import { createTenantSettingsTable, TENANT_SETTINGS_EVENTS, TenantSettingsFold, type TenantSettingsTables } from '../../src/projections/shared/tenantSettings.js';
import { LogBuilder, projectionSpec, type ProjectionSpec } from '../support/projectionSpec.js';

const settingsOnly: ReadModel<TenantSettingsTables> = {
  kind: 'read_model',
  name: 'spec_tenant_settings',
  version: 1,
  handles: TENANT_SETTINGS_EVENTS,
  createTables: createTenantSettingsTable,
  async applyBatch(trx, events) {
    const tenants = await TenantSettingsFold.load(trx, events);
    for (const event of events) tenants.apply(event);
    await tenants.save(trx);
  },
};

describe('tenant settings kept by a read model', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(settingsOnly);
  });
  afterAll(async () => {
    await spec.close();
  });

  it('follows registration and every later change, per tenant', async () => {
    const log = new LogBuilder();
    const registered = (tenant: string, zone: string) =>
      log.event(streams.tenant(tenant), tenant, 'TenantRegistered', {
        tenantId: tenant, legalName: `${tenant} GmbH`, currency: 'EUR', minorUnitExponent: 2, timeZone: zone, priceMode: 'inclusive',
        taxRates: [], discountApprovalThreshold: { basisPoints: 1000 }, at: '2026-11-01T08:00:00.000Z',
      });
    await spec
      .given(
        registered('t1', 'Europe/Berlin'),
        registered('t2', 'UTC'),
        log.event(streams.tenant('t1'), 't1', 'TenantTimeZoneChanged', { timeZone: 'Europe/Lisbon' }),
        log.event(streams.tenant('t2'), 't2', 'TenantCurrencyChanged', { currency: 'JPY', minorUnitExponent: 0 }),
        log.event(streams.tenant('t2'), 't2', 'TenantLegalNameChanged', { legalName: 'Two KK' }),
        log.event(streams.tenant('t1'), 't1', 'TenantPriceModeChanged', { priceMode: 'exclusive' }),
        // A change for a tenant never seen registered changes nothing.
        log.event(streams.tenant('t3'), 't3', 'TenantTimeZoneChanged', { timeZone: 'Asia/Tokyo' }),
      )
      .then(
        'tenant_settings',
        [
          { tenant_id: 't1', legal_name: 't1 GmbH', currency: 'EUR', minor_unit_exponent: 2, time_zone: 'Europe/Lisbon', price_mode: 'exclusive' },
          { tenant_id: 't2', legal_name: 'Two KK', currency: 'JPY', minor_unit_exponent: 0, time_zone: 'UTC', price_mode: 'inclusive' },
        ],
        ['tenant_id'],
      );
  });
});
