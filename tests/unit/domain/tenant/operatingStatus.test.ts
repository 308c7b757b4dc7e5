import { describe, expect, it } from 'vitest';
import type { BranchId, TaxRateId } from '../../../../src/domain/shared/ids.js';
import { tenantDecider, type TenantCommand, type TenantEvent } from '../../../../src/domain/tenant/index.js';
import {
  activated,
  closed,
  command,
  harbour,
  harbourOpened,
  mainStreet,
  mainStreetOpened,
  registered,
  standardRate,
  suspended,
  tenant,
  till1,
  till1Registered,
  till2,
} from './fixtures.js';

// A suspended or closed tenant accepts no commands but the lifecycle ones (DOMAIN.md "Tenant");
// one never registered accepts none. Each command below succeeds on an operating tenant (first
// specs), so the refusals that follow are about the tenant's status alone.
const setupCommands: readonly TenantCommand[] = [
  command('ChangeLegalName', { legalName: 'Acme Retail SAS' }),
  command('ChangeCurrency', { currency: 'USD', hasSales: false }),
  command('ChangeTimeZone', { timeZone: 'Europe/Berlin' }),
  command('ChangePriceMode', { priceMode: 'exclusive' }),
  command('ChangeDiscountApprovalThreshold', { basisPoints: 500 }),
  command('AddTaxRate', { taxRateId: 'vat-zero' as TaxRateId, name: 'Zero', basisPoints: 0 }),
  command('ChangeTaxRate', { taxRateId: standardRate, basisPoints: 2100 }),
  command('RetireTaxRate', { taxRateId: standardRate }),
  command('OpenBranch', { branchId: 'branch-airport' as BranchId, name: 'Airport' }),
  command('RenameBranch', { branchId: mainStreet, name: 'High Street' }),
  command('CloseBranch', { branchId: harbour }),
  command('RegisterDevice', { deviceId: till2, branchId: mainStreet, name: 'Till 2' }),
  command('RenameDevice', { deviceId: till1, name: 'Front till' }),
  command('DeactivateDevice', { deviceId: till1, reason: 'Broken' }),
];
const decided = (history: readonly TenantEvent[], c: TenantCommand) => tenantDecider.decide(c, tenant.given(history).state);
const cases = setupCommands.map((c) => [c.type, c] as const);

describe('settings, tax rates, branches and devices', () => {
  const setUp = [mainStreetOpened, harbourOpened, till1Registered];

  it.each(cases)('%s is accepted while the tenant is being set up (registered)', (_type, setup) => {
    expect(decided([registered, ...setUp], setup)).toHaveLength(1);
  });

  it.each(cases)('%s is accepted while the tenant is active', (_type, setup) => {
    expect(decided([registered, activated, ...setUp], setup)).toHaveLength(1);
  });

  it.each(cases)('%s is refused for a tenant never registered (TENANT_NOT_REGISTERED)', (_type, setup) => {
    tenant.given([]).when(setup).thenFails('TENANT_NOT_REGISTERED', 'not_found');
  });

  it.each(cases)('%s is refused while the tenant is suspended (TENANT_SUSPENDED)', (_type, setup) => {
    tenant.given([registered, activated, suspended]).when(setup).thenFails('TENANT_SUSPENDED', 'conflict');
  });

  it.each(cases)('%s is refused once the tenant is closed (TENANT_CLOSED)', (_type, setup) => {
    tenant.given([registered, activated, closed]).when(setup).thenFails('TENANT_CLOSED', 'conflict');
  });
});
