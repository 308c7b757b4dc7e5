import { minorUnitExponent } from '../shared/money.js';
import type { TaxRateId } from '../shared/ids.js';
import type { ActivateTenant, CloseTenant, RegisterTenant, ReinstateTenant, SuspendTenant, TaxRateInput } from './commands.js';
import { tenantError } from './errors.js';
import type { TaxRateDefinition, TenantEvent } from './events.js';
import { requireNotClosed } from './guards.js';
import type { TenantState } from './state.js';
import {
  property,
  requireBasisPoints,
  requireCurrency,
  requireId,
  requireLegalName,
  requireName,
  requirePriceMode,
  requireReason,
  requireTimeZone,
} from './validation.js';

// registered -> active -> suspended <-> active; any of them -> closed, which is final.
// Each transition is a conflict from any other status, never a silent no-op: the platform
// owner's console should learn that the tenant was not where it thought.

export function register(command: RegisterTenant, state: TenantState): readonly TenantEvent[] {
  if (state.status !== 'none') {
    throw tenantError.conflict('TENANT_ALREADY_REGISTERED', 'the tenant is already registered', { tenantId: state.tenant.id });
  }
  const data = command.data;
  const tenantId = requireId(data.tenantId, 'tenantId');
  const legalName = requireLegalName(data.legalName);
  const currency = requireCurrency(data.currency);
  const timeZone = requireTimeZone(data.timeZone);
  const priceMode = requirePriceMode(data.priceMode);
  const taxRates = initialTaxRates(data.taxRates);
  const threshold = requireBasisPoints(
    property(data.discountApprovalThreshold, 'basisPoints'),
    'discountApprovalThreshold.basisPoints',
  );
  return [
    {
      type: 'TenantRegistered',
      data: {
        tenantId,
        legalName,
        currency,
        minorUnitExponent: minorUnitExponent(currency),
        timeZone,
        priceMode,
        taxRates,
        discountApprovalThreshold: { basisPoints: threshold },
        at: command.meta.at,
      },
    },
  ];
}

function initialTaxRates(input: readonly TaxRateInput[] | undefined): readonly TaxRateDefinition[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw tenantError.invalid('INVALID_TAX_RATES', 'taxRates must be a list');
  const seen = new Set<TaxRateId>();
  return input.map((rate, index) => {
    const taxRateId = requireId(property(rate, 'taxRateId') as TaxRateId, `taxRates[${index}].taxRateId`);
    if (seen.has(taxRateId)) {
      throw tenantError.invalid('INVALID_TAX_RATES', 'taxRates lists the same taxRateId twice', { taxRateId });
    }
    seen.add(taxRateId);
    return {
      taxRateId,
      name: requireName(property(rate, 'name'), `taxRates[${index}].name`),
      basisPoints: requireBasisPoints(property(rate, 'basisPoints'), `taxRates[${index}].basisPoints`),
    };
  });
}

export function activate(command: ActivateTenant, state: TenantState): readonly TenantEvent[] {
  const tenant = requireNotClosed(state);
  if (tenant.status !== 'registered') {
    throw tenantError.conflict('TENANT_ALREADY_ACTIVATED', 'the tenant has already been activated', { status: tenant.status });
  }
  return [{ type: 'TenantActivated', data: { at: command.meta.at } }];
}

export function suspend(command: SuspendTenant, state: TenantState): readonly TenantEvent[] {
  const tenant = requireNotClosed(state);
  if (tenant.status !== 'active') {
    throw tenantError.conflict('TENANT_NOT_ACTIVE', 'only an active tenant can be suspended', { status: tenant.status });
  }
  return [{ type: 'TenantSuspended', data: { reason: requireReason(command.data.reason), at: command.meta.at } }];
}

export function reinstate(command: ReinstateTenant, state: TenantState): readonly TenantEvent[] {
  const tenant = requireNotClosed(state);
  if (tenant.status !== 'suspended') {
    throw tenantError.conflict('TENANT_NOT_SUSPENDED', 'only a suspended tenant can be reinstated', { status: tenant.status });
  }
  return [{ type: 'TenantReinstated', data: { at: command.meta.at } }];
}

export function close(command: CloseTenant, state: TenantState): readonly TenantEvent[] {
  requireNotClosed(state);
  return [{ type: 'TenantClosed', data: { reason: requireReason(command.data.reason), at: command.meta.at } }];
}
