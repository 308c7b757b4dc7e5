import { describe, expect, it } from 'vitest';
import type { TaxRateId } from '../../../../src/domain/shared/ids.js';
import { chars, command, operating, reducedRate, reducedRateRetired, standardRate, tenant, untyped } from './fixtures.js';

const superReduced = 'vat-super-reduced' as TaxRateId;

describe('AddTaxRate', () => {
  it('adds a tax rate, with its name trimmed', () => {
    const state = tenant
      .given(operating)
      .when(command('AddTaxRate', { taxRateId: superReduced, name: ' Super reduced ', basisPoints: 210 }))
      .then([{ type: 'TaxRateAdded', data: { taxRateId: superReduced, name: 'Super reduced', basisPoints: 210 } }]);
    expect(state.status !== 'none' && state.tenant.taxRates.get(superReduced)).toEqual({
      id: superReduced,
      name: 'Super reduced',
      basisPoints: 210,
      status: 'active',
    });
  });

  it('is refused when a tax rate has this id (TAX_RATE_ALREADY_EXISTS)', () => {
    tenant
      .given(operating)
      .when(command('AddTaxRate', { taxRateId: standardRate, name: 'Standard', basisPoints: 2000 }))
      .thenFails('TAX_RATE_ALREADY_EXISTS', 'conflict');
  });

  it('is refused when a retired tax rate had this id: ids are never reused (TAX_RATE_ALREADY_EXISTS)', () => {
    tenant
      .given([...operating, reducedRateRetired])
      .when(command('AddTaxRate', { taxRateId: reducedRate, name: 'Reduced', basisPoints: 700 }))
      .thenFails('TAX_RATE_ALREADY_EXISTS', 'conflict');
  });

  it.each([
    ['an invalid id', { taxRateId: 'a b', name: 'X', basisPoints: 1 }, 'INVALID_ID'],
    ['an empty name', { taxRateId: 'x', name: '', basisPoints: 1 }, 'INVALID_NAME'],
    ['a name over 100 characters', { taxRateId: 'x', name: chars(101), basisPoints: 1 }, 'INVALID_NAME'],
    ['a negative rate', { taxRateId: 'x', name: 'X', basisPoints: -1 }, 'INVALID_BASIS_POINTS'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('AddTaxRate', data)).thenFails(code, 'invalid');
  });
});

describe('ChangeTaxRate', () => {
  it('changes the rate and keeps the name when only the rate is given', () => {
    const state = tenant
      .given(operating)
      .when(command('ChangeTaxRate', { taxRateId: standardRate, basisPoints: 2100 }))
      .then([{ type: 'TaxRateChanged', data: { taxRateId: standardRate, name: 'Standard', basisPoints: 2100 } }]);
    expect(state.status !== 'none' && state.tenant.taxRates.get(standardRate)).toMatchObject({ basisPoints: 2100 });
  });

  it('changes the name and keeps the rate when only the name is given', () => {
    tenant
      .given(operating)
      .when(command('ChangeTaxRate', { taxRateId: standardRate, name: 'Normal' }))
      .then([{ type: 'TaxRateChanged', data: { taxRateId: standardRate, name: 'Normal', basisPoints: 2000 } }]);
  });

  it('changes both at once', () => {
    tenant
      .given(operating)
      .when(command('ChangeTaxRate', { taxRateId: reducedRate, name: 'Intermediate', basisPoints: 1000 }))
      .then([{ type: 'TaxRateChanged', data: { taxRateId: reducedRate, name: 'Intermediate', basisPoints: 1000 } }]);
  });

  it('records nothing when the values are unchanged (idempotent)', () => {
    tenant
      .given(operating)
      .when(command('ChangeTaxRate', { taxRateId: standardRate, name: ' Standard', basisPoints: 2000 }))
      .then([]);
  });

  it('records nothing when neither name nor rate is given', () => {
    tenant.given(operating).when(command('ChangeTaxRate', { taxRateId: standardRate })).then([]);
  });

  it('is refused for an unknown tax rate (TAX_RATE_NOT_FOUND)', () => {
    tenant
      .given(operating)
      .when(command('ChangeTaxRate', { taxRateId: superReduced, basisPoints: 210 }))
      .thenFails('TAX_RATE_NOT_FOUND', 'not_found');
  });

  it('is refused for a retired tax rate (TAX_RATE_RETIRED)', () => {
    tenant
      .given([...operating, reducedRateRetired])
      .when(command('ChangeTaxRate', { taxRateId: reducedRate, basisPoints: 700 }))
      .thenFails('TAX_RATE_RETIRED', 'conflict');
  });

  it.each([
    ['an invalid id', { taxRateId: '', basisPoints: 1 }, 'INVALID_ID'],
    ['an empty name', { taxRateId: standardRate, name: '  ' }, 'INVALID_NAME'],
    ['a rate over 100 %', { taxRateId: standardRate, basisPoints: 10_001 }, 'INVALID_BASIS_POINTS'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('ChangeTaxRate', data)).thenFails(code, 'invalid');
  });
});

describe('RetireTaxRate', () => {
  it('retires a tax rate, which stays known for past orders', () => {
    const state = tenant
      .given(operating)
      .when(command('RetireTaxRate', { taxRateId: reducedRate }))
      .then([reducedRateRetired]);
    expect(state.status !== 'none' && state.tenant.taxRates.get(reducedRate)).toMatchObject({ status: 'retired', basisPoints: 550 });
  });

  it('is refused for an unknown tax rate (TAX_RATE_NOT_FOUND)', () => {
    tenant.given(operating).when(command('RetireTaxRate', { taxRateId: superReduced })).thenFails('TAX_RATE_NOT_FOUND', 'not_found');
  });

  it('is refused for a tax rate already retired (TAX_RATE_RETIRED)', () => {
    tenant
      .given([...operating, reducedRateRetired])
      .when(command('RetireTaxRate', { taxRateId: reducedRate }))
      .thenFails('TAX_RATE_RETIRED', 'conflict');
  });

  it('is refused with an invalid id (INVALID_ID)', () => {
    tenant.given(operating).when(untyped('RetireTaxRate', { taxRateId: 3 })).thenFails('INVALID_ID', 'invalid');
  });
});
