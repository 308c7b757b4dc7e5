import { describe, expect, it } from 'vitest';
import type { TaxRateId, TenantId, UserId } from '../../../../src/domain/shared/ids.js';
import type { RegisterTenant, TenantRegistered } from '../../../../src/domain/tenant/index.js';
import {
  activated,
  chars,
  closed,
  command,
  meta,
  now,
  reducedRate,
  registered,
  standardRate,
  suspended,
  tenant,
  tenantId,
  untyped,
} from './fixtures.js';

const registration: RegisterTenant['data'] = {
  tenantId,
  legalName: 'Acme Retail SARL',
  currency: 'EUR',
  timeZone: 'Europe/Paris',
  priceMode: 'inclusive',
  taxRates: [
    { taxRateId: standardRate, name: 'Standard', basisPoints: 2000 },
    { taxRateId: reducedRate, name: 'Reduced', basisPoints: 550 },
  ],
  discountApprovalThreshold: { basisPoints: 1000 },
};

/** Any TenantRegistered event, for specs about what follows from it. */
const registeredEvent: TenantRegistered = { type: 'TenantRegistered', data: expect.anything() as TenantRegistered['data'] };

const register = (changes: Record<string, unknown> = {}) => untyped('RegisterTenant', { ...registration, ...changes });

describe('RegisterTenant', () => {
  it('registers a new tenant with its settings and tax rates, at the time of the command', () => {
    const state = tenant.given([]).when(command('RegisterTenant', registration)).then([
      {
        type: 'TenantRegistered',
        data: {
          tenantId,
          legalName: 'Acme Retail SARL',
          currency: 'EUR',
          minorUnitExponent: 2,
          timeZone: 'Europe/Paris',
          priceMode: 'inclusive',
          taxRates: [
            { taxRateId: standardRate, name: 'Standard', basisPoints: 2000 },
            { taxRateId: reducedRate, name: 'Reduced', basisPoints: 550 },
          ],
          discountApprovalThreshold: { basisPoints: 1000 },
          at: now,
        },
      },
    ]);
    expect(state.status).toBe('registered');
  });

  it.each([
    ['JPY', 0],
    ['BHD', 3],
    ['USD', 2],
  ])('records the minor-unit exponent of the currency (%s: %i)', (currency, minorUnitExponent) => {
    tenant
      .given([])
      .when(register({ currency }))
      .then([{ type: 'TenantRegistered', data: expect.objectContaining({ currency, minorUnitExponent }) as TenantRegistered['data'] }]);
  });

  it('registers without tax rates when none are given', () => {
    const state = tenant.given([]).when(register({ taxRates: undefined })).then([registeredEvent]);
    expect(state.status === 'registered' && state.tenant.taxRates.size).toBe(0);
  });

  it('stores the legal name and tax rate names trimmed', () => {
    const state = tenant
      .given([])
      .when(register({ legalName: '  Acme  ', taxRates: [{ taxRateId: 'vat', name: ' Standard ', basisPoints: 2000 }] }))
      .then([registeredEvent]);
    expect(state.status === 'registered' && state.tenant.legalName).toBe('Acme');
    expect(state.status === 'registered' && state.tenant.taxRates.get('vat' as TaxRateId)?.name).toBe('Standard');
  });

  it('accepts the bounds: a 200-character legal name, 0 and 10 000 basis points', () => {
    tenant
      .given([])
      .when(
        register({
          legalName: chars(200),
          taxRates: [
            { taxRateId: 'zero', name: 'Zero', basisPoints: 0 },
            { taxRateId: 'full', name: 'Full', basisPoints: 10_000 },
          ],
          discountApprovalThreshold: { basisPoints: 10_000 },
        }),
      )
      .then([registeredEvent]);
  });

  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', 'Etc/GMT+5', 'Etc/GMT-14'])(
    'accepts the IANA-shaped time zone %s',
    (timeZone) => {
      tenant.given([]).when(register({ timeZone })).then([registeredEvent]);
    },
  );

  it('leaves role checks to the application: the decider registers whoever asks', () => {
    const byCashier = { ...command('RegisterTenant', registration), meta: { ...meta, actor: { userId: 'u' as UserId, role: 'cashier' as const } } };
    tenant.given([]).when(byCashier).then([registeredEvent]);
  });

  describe('is refused', () => {
    it.each([
      ['registered', [registered]],
      ['active', [registered, activated]],
      ['suspended', [registered, activated, suspended]],
      ['closed', [registered, closed]],
    ])('when the tenant is already %s (TENANT_ALREADY_REGISTERED)', (_status, history) => {
      tenant.given(history).when(command('RegisterTenant', registration)).thenFails('TENANT_ALREADY_REGISTERED', 'conflict');
    });

    it.each([['' as TenantId], ['has space' as TenantId], ['-leading-dash' as TenantId], [chars(129) as TenantId], [42]])(
      'with the tenant id %j (INVALID_ID)',
      (id) => {
        tenant.given([]).when(register({ tenantId: id })).thenFails('INVALID_ID', 'invalid');
      },
    );

    it.each([[''], ['   '], [chars(201)], ['Acme\nRetail'], [null]])('with the legal name %j (INVALID_LEGAL_NAME)', (legalName) => {
      tenant.given([]).when(register({ legalName })).thenFails('INVALID_LEGAL_NAME', 'invalid');
    });

    it.each([['eur'], ['XXX'], [''], ['constructor'], [978]])('with the currency %j (INVALID_CURRENCY)', (currency) => {
      tenant.given([]).when(register({ currency })).thenFails('INVALID_CURRENCY', 'invalid');
    });

    it.each([['Paris'], ['europe/paris'], ['Europe/'], ['GMT'], [''], [`Europe/${chars(60)}`], ['Europe/Paris/Left/Bank'], [1]])(
      'with the time zone %j (INVALID_TIME_ZONE)',
      (timeZone) => {
        tenant.given([]).when(register({ timeZone })).thenFails('INVALID_TIME_ZONE', 'invalid');
      },
    );

    it.each([['gross'], [''], [undefined]])('with the price mode %j (INVALID_PRICE_MODE)', (priceMode) => {
      tenant.given([]).when(register({ priceMode })).thenFails('INVALID_PRICE_MODE', 'invalid');
    });

    it.each([[-1], [10_001], [12.5], [Number.NaN], ['1000']])(
      'with a discount approval threshold of %j basis points (INVALID_BASIS_POINTS)',
      (basisPoints) => {
        tenant.given([]).when(register({ discountApprovalThreshold: { basisPoints } })).thenFails('INVALID_BASIS_POINTS', 'invalid');
      },
    );

    it('without a discount approval threshold (INVALID_BASIS_POINTS)', () => {
      tenant.given([]).when(register({ discountApprovalThreshold: undefined })).thenFails('INVALID_BASIS_POINTS', 'invalid');
    });

    it('when the tax rates are not a list (INVALID_TAX_RATES)', () => {
      tenant.given([]).when(register({ taxRates: { vat: 2000 } })).thenFails('INVALID_TAX_RATES', 'invalid');
    });

    it('when a tax rate id is listed twice (INVALID_TAX_RATES)', () => {
      const taxRates = [
        { taxRateId: 'vat', name: 'Standard', basisPoints: 2000 },
        { taxRateId: 'vat', name: 'Reduced', basisPoints: 550 },
      ];
      tenant.given([]).when(register({ taxRates })).thenFails('INVALID_TAX_RATES', 'invalid');
    });

    it.each([
      ['an invalid id', { taxRateId: '', name: 'Standard', basisPoints: 2000 }, 'INVALID_ID'],
      ['an empty name', { taxRateId: 'vat', name: ' ', basisPoints: 2000 }, 'INVALID_NAME'],
      ['a name over 100 characters', { taxRateId: 'vat', name: chars(101), basisPoints: 2000 }, 'INVALID_NAME'],
      ['a rate over 100 %', { taxRateId: 'vat', name: 'Standard', basisPoints: 10_001 }, 'INVALID_BASIS_POINTS'],
      ['a fractional rate', { taxRateId: 'vat', name: 'Standard', basisPoints: 5.5 }, 'INVALID_BASIS_POINTS'],
      ['no fields at all', null, 'INVALID_ID'],
    ])('when a tax rate has %s (%s)', (_case, taxRate, code) => {
      tenant.given([]).when(register({ taxRates: [taxRate] })).thenFails(code, 'invalid');
    });
  });
});
