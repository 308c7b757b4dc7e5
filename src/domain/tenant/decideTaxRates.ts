import type { AddTaxRate, ChangeTaxRate, RetireTaxRate } from './commands.js';
import { tenantError } from './errors.js';
import type { TenantEvent } from './events.js';
import { requireOperating, requireTaxRate } from './guards.js';
import type { TenantState } from './state.js';
import { requireBasisPoints, requireId, requireName } from './validation.js';

// A tax rate is retired, never deleted, and its id is never reused: past orders and
// reports refer to it by id.

export function add(command: AddTaxRate, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const taxRateId = requireId(command.data.taxRateId, 'taxRateId');
  const name = requireName(command.data.name);
  const basisPoints = requireBasisPoints(command.data.basisPoints, 'basisPoints');
  if (tenant.taxRates.has(taxRateId)) {
    throw tenantError.conflict('TAX_RATE_ALREADY_EXISTS', 'a tax rate with this id exists', { taxRateId });
  }
  return [{ type: 'TaxRateAdded', data: { taxRateId, name, basisPoints } }];
}

/** Changes the name, the rate or both; what is left out stays. Nothing new, no event. */
export function change(command: ChangeTaxRate, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const taxRateId = requireId(command.data.taxRateId, 'taxRateId');
  const { name, basisPoints } = command.data;
  const newName = name === undefined ? undefined : requireName(name);
  const newBasisPoints = basisPoints === undefined ? undefined : requireBasisPoints(basisPoints, 'basisPoints');
  const current = requireTaxRate(tenant, taxRateId);
  const next = { taxRateId, name: newName ?? current.name, basisPoints: newBasisPoints ?? current.basisPoints };
  if (next.name === current.name && next.basisPoints === current.basisPoints) return [];
  return [{ type: 'TaxRateChanged', data: next }];
}

export function retire(command: RetireTaxRate, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const taxRateId = requireId(command.data.taxRateId, 'taxRateId');
  requireTaxRate(tenant, taxRateId);
  return [{ type: 'TaxRateRetired', data: { taxRateId } }];
}
