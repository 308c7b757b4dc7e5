import { describe, expect, it } from 'vitest';
import { chars, command, operating, registered, tenant, untyped } from './fixtures.js';

// Settings may change while the tenant is registered (being set up) or active; see
// operatingStatus.test.ts for suspended, closed and unregistered tenants.

describe('ChangeLegalName', () => {
  it('changes the legal name, trimmed', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangeLegalName', { legalName: ' Acme Retail SAS ' }))
      .then([{ type: 'TenantLegalNameChanged', data: { legalName: 'Acme Retail SAS' } }]);
    expect(state.status !== 'none' && state.tenant.legalName).toBe('Acme Retail SAS');
  });

  it('changes it while the tenant is still being set up (registered)', () => {
    tenant
      .given([registered])
      .when(command('ChangeLegalName', { legalName: 'Acme Retail SAS' }))
      .then([{ type: 'TenantLegalNameChanged', data: { legalName: 'Acme Retail SAS' } }]);
  });

  it('records nothing when the name is unchanged once trimmed (idempotent)', () => {
    tenant.given(operating).when(command('ChangeLegalName', { legalName: 'Acme Retail SARL  ' })).then([]);
  });

  it.each([[''], [chars(201)], ['Acme\tRetail'], [7]])('is refused for the legal name %j (INVALID_LEGAL_NAME)', (legalName) => {
    tenant.given(operating).when(untyped('ChangeLegalName', { legalName })).thenFails('INVALID_LEGAL_NAME', 'invalid');
  });
});

describe('ChangeCurrency', () => {
  it('changes the currency and its minor-unit exponent while the tenant has no sales', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangeCurrency', { currency: 'KWD', hasSales: false }))
      .then([{ type: 'TenantCurrencyChanged', data: { currency: 'KWD', minorUnitExponent: 3 } }]);
    expect(state.status !== 'none' && state.tenant.settings).toMatchObject({ currency: 'KWD', minorUnitExponent: 3 });
  });

  it('records nothing when the currency is unchanged, even after sales (idempotent)', () => {
    tenant.given(operating).when(command('ChangeCurrency', { currency: 'EUR', hasSales: true })).then([]);
  });

  it('is refused once the tenant has sales (CURRENCY_FIXED_AFTER_SALES)', () => {
    tenant
      .given(operating)
      .when(command('ChangeCurrency', { currency: 'USD', hasSales: true }))
      .thenFails('CURRENCY_FIXED_AFTER_SALES', 'conflict');
  });

  it('is refused when the application does not say whether there are sales (CURRENCY_FIXED_AFTER_SALES)', () => {
    tenant
      .given(operating)
      .when(untyped('ChangeCurrency', { currency: 'USD' }))
      .thenFails('CURRENCY_FIXED_AFTER_SALES', 'conflict');
  });

  it.each([['usd'], ['XYZ'], [undefined]])('is refused for the currency %j (INVALID_CURRENCY)', (currency) => {
    tenant.given(operating).when(untyped('ChangeCurrency', { currency, hasSales: false })).thenFails('INVALID_CURRENCY', 'invalid');
  });
});

describe('ChangeTimeZone', () => {
  it('changes the time zone', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangeTimeZone', { timeZone: 'Europe/Berlin' }))
      .then([{ type: 'TenantTimeZoneChanged', data: { timeZone: 'Europe/Berlin' } }]);
    expect(state.status !== 'none' && state.tenant.settings.timeZone).toBe('Europe/Berlin');
  });

  it('records nothing when the time zone is unchanged (idempotent)', () => {
    tenant.given(operating).when(command('ChangeTimeZone', { timeZone: 'Europe/Paris' })).then([]);
  });

  it.each([['Berlin'], ['+01:00'], [null]])('is refused for the time zone %j (INVALID_TIME_ZONE)', (timeZone) => {
    tenant.given(operating).when(untyped('ChangeTimeZone', { timeZone })).thenFails('INVALID_TIME_ZONE', 'invalid');
  });
});

describe('ChangePriceMode', () => {
  it('switches prices to tax-exclusive', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangePriceMode', { priceMode: 'exclusive' }))
      .then([{ type: 'TenantPriceModeChanged', data: { priceMode: 'exclusive' } }]);
    expect(state.status !== 'none' && state.tenant.settings.priceMode).toBe('exclusive');
  });

  it('records nothing when the price mode is unchanged (idempotent)', () => {
    tenant.given(operating).when(command('ChangePriceMode', { priceMode: 'inclusive' })).then([]);
  });

  it('is refused for an unknown price mode (INVALID_PRICE_MODE)', () => {
    tenant.given(operating).when(untyped('ChangePriceMode', { priceMode: 'net' })).thenFails('INVALID_PRICE_MODE', 'invalid');
  });
});

describe('ChangeDiscountApprovalThreshold', () => {
  it('changes the share above which a discount needs a manager', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangeDiscountApprovalThreshold', { basisPoints: 1500 }))
      .then([{ type: 'DiscountApprovalThresholdChanged', data: { basisPoints: 1500 } }]);
    expect(state.status !== 'none' && state.tenant.settings.discountApprovalThreshold).toEqual({ basisPoints: 1500 });
  });

  it('records nothing when the threshold is unchanged (idempotent)', () => {
    tenant.given(operating).when(command('ChangeDiscountApprovalThreshold', { basisPoints: 1000 })).then([]);
  });

  it.each([[-1], [10_001], [0.5], [Number.POSITIVE_INFINITY]])(
    'is refused for %j basis points (INVALID_BASIS_POINTS)',
    (basisPoints) => {
      tenant
        .given(operating)
        .when(command('ChangeDiscountApprovalThreshold', { basisPoints }))
        .thenFails('INVALID_BASIS_POINTS', 'invalid');
    },
  );
});
