import { minorUnitExponent } from '../shared/money.js';
import type {
  ChangeCurrency,
  ChangeDiscountApprovalThreshold,
  ChangeLegalName,
  ChangePriceMode,
  ChangeTimeZone,
} from './commands.js';
import { tenantError } from './errors.js';
import type { TenantEvent } from './events.js';
import { requireOperating } from './guards.js';
import type { TenantState } from './state.js';
import { requireBasisPoints, requireCurrency, requireLegalName, requirePriceMode, requireTimeZone } from './validation.js';

// Setting a value to what it already is changes nothing and records nothing: clients
// (and retries) may send a whole settings form, and the log keeps only real changes.

export function changeLegalName(command: ChangeLegalName, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const legalName = requireLegalName(command.data.legalName);
  if (legalName === tenant.legalName) return [];
  return [{ type: 'TenantLegalNameChanged', data: { legalName } }];
}

/**
 * Once a sale is recorded, every amount of the tenant is in its currency; changing it would
 * make history unreadable. The order read model knows whether there are sales, so the
 * application passes `hasSales`; only an explicit `false` lets the currency change.
 */
export function changeCurrency(command: ChangeCurrency, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const currency = requireCurrency(command.data.currency);
  if (currency === tenant.settings.currency) return [];
  const hasSales: unknown = command.data.hasSales;
  if (hasSales !== false) {
    throw tenantError.conflict('CURRENCY_FIXED_AFTER_SALES', 'the currency cannot change once the tenant has sales', {
      currency: tenant.settings.currency,
    });
  }
  return [{ type: 'TenantCurrencyChanged', data: { currency, minorUnitExponent: minorUnitExponent(currency) } }];
}

export function changeTimeZone(command: ChangeTimeZone, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const timeZone = requireTimeZone(command.data.timeZone);
  if (timeZone === tenant.settings.timeZone) return [];
  return [{ type: 'TenantTimeZoneChanged', data: { timeZone } }];
}

export function changePriceMode(command: ChangePriceMode, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const priceMode = requirePriceMode(command.data.priceMode);
  if (priceMode === tenant.settings.priceMode) return [];
  return [{ type: 'TenantPriceModeChanged', data: { priceMode } }];
}

export function changeDiscountApprovalThreshold(
  command: ChangeDiscountApprovalThreshold,
  state: TenantState,
): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const basisPoints = requireBasisPoints(command.data.basisPoints, 'basisPoints');
  if (basisPoints === tenant.settings.discountApprovalThreshold.basisPoints) return [];
  return [{ type: 'DiscountApprovalThresholdChanged', data: { basisPoints } }];
}
