import type { TenantEvent, TenantRegistered } from './events.js';
import type { ExistingTenant, Tenant, TenantSettings, TenantState } from './state.js';

/**
 * Folds one event into the state. Lifecycle events apply only from the status `decide`
 * emits them in, and events about an unknown tax rate, branch or device change nothing:
 * evolve never throws on history, and ignores event types it does not know (newer writers).
 */
export function evolve(state: TenantState, event: TenantEvent): TenantState {
  switch (event.type) {
    case 'TenantRegistered':
      return state.status === 'none' ? { status: 'registered', tenant: registered(event.data) } : state;
    case 'TenantActivated':
      return state.status === 'registered' ? { status: 'active', tenant: state.tenant, activatedAt: event.data.at } : state;
    case 'TenantSuspended':
      return state.status === 'active'
        ? {
            status: 'suspended',
            tenant: state.tenant,
            activatedAt: state.activatedAt,
            suspendedAt: event.data.at,
            suspensionReason: event.data.reason,
          }
        : state;
    case 'TenantReinstated':
      return state.status === 'suspended' ? { status: 'active', tenant: state.tenant, activatedAt: state.activatedAt } : state;
    case 'TenantClosed':
      return state.status === 'none' || state.status === 'closed'
        ? state
        : { status: 'closed', tenant: state.tenant, closedAt: event.data.at, closureReason: event.data.reason };

    case 'TenantLegalNameChanged':
      return withTenant(state, (tenant) => ({ ...tenant, legalName: event.data.legalName }));
    case 'TenantCurrencyChanged':
      return withSettings(state, { currency: event.data.currency, minorUnitExponent: event.data.minorUnitExponent });
    case 'TenantTimeZoneChanged':
      return withSettings(state, { timeZone: event.data.timeZone });
    case 'TenantPriceModeChanged':
      return withSettings(state, { priceMode: event.data.priceMode });
    case 'DiscountApprovalThresholdChanged':
      return withSettings(state, { discountApprovalThreshold: { basisPoints: event.data.basisPoints } });

    case 'TaxRateAdded': {
      const { taxRateId, name, basisPoints } = event.data;
      return withTenant(state, (tenant) => ({
        ...tenant,
        taxRates: put(tenant.taxRates, taxRateId, { id: taxRateId, name, basisPoints, status: 'active' }),
      }));
    }
    case 'TaxRateChanged': {
      const { taxRateId, name, basisPoints } = event.data;
      return withTenant(state, (tenant) => ({
        ...tenant,
        taxRates: update(tenant.taxRates, taxRateId, (rate) => ({ ...rate, name, basisPoints })),
      }));
    }
    case 'TaxRateRetired':
      return withTenant(state, (tenant) => ({
        ...tenant,
        taxRates: update(tenant.taxRates, event.data.taxRateId, (rate) => ({ ...rate, status: 'retired' })),
      }));

    case 'BranchOpened': {
      const { branchId, name } = event.data;
      return withTenant(state, (tenant) => ({
        ...tenant,
        branches: put(tenant.branches, branchId, { id: branchId, name, status: 'open' }),
      }));
    }
    case 'BranchRenamed':
      return withTenant(state, (tenant) => ({
        ...tenant,
        branches: update(tenant.branches, event.data.branchId, (branch) => ({ ...branch, name: event.data.name })),
      }));
    case 'BranchClosed':
      return withTenant(state, (tenant) => ({
        ...tenant,
        branches: update(tenant.branches, event.data.branchId, (branch) => ({ ...branch, status: 'closed' })),
      }));

    case 'DeviceRegistered': {
      const { deviceId, branchId, name } = event.data;
      return withTenant(state, (tenant) => ({
        ...tenant,
        devices: put(tenant.devices, deviceId, { id: deviceId, branchId, name, status: 'active' }),
      }));
    }
    case 'DeviceRenamed':
      return withTenant(state, (tenant) => ({
        ...tenant,
        devices: update(tenant.devices, event.data.deviceId, (device) => ({ ...device, name: event.data.name })),
      }));
    case 'DeviceDeactivated':
      return withTenant(state, (tenant) => ({
        ...tenant,
        devices: update(tenant.devices, event.data.deviceId, (device) => ({ ...device, status: 'deactivated' })),
      }));

    default:
      return state;
  }
}

function registered(data: TenantRegistered['data']): Tenant {
  return {
    id: data.tenantId,
    legalName: data.legalName,
    settings: {
      currency: data.currency,
      minorUnitExponent: data.minorUnitExponent,
      timeZone: data.timeZone,
      priceMode: data.priceMode,
      discountApprovalThreshold: { basisPoints: data.discountApprovalThreshold.basisPoints },
    },
    taxRates: new Map(
      data.taxRates.map(({ taxRateId, name, basisPoints }) => [taxRateId, { id: taxRateId, name, basisPoints, status: 'active' }]),
    ),
    branches: new Map(),
    devices: new Map(),
    registeredAt: data.at,
  };
}

function withTenant(state: TenantState, change: (tenant: Tenant) => Tenant): TenantState {
  if (state.status === 'none') return state;
  const next: ExistingTenant = { ...state, tenant: change(state.tenant) };
  return next;
}

function withSettings(state: TenantState, change: Partial<TenantSettings>): TenantState {
  return withTenant(state, (tenant) => ({ ...tenant, settings: { ...tenant.settings, ...change } }));
}

function put<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

function update<K, V>(map: ReadonlyMap<K, V>, key: K, change: (value: V) => V): ReadonlyMap<K, V> {
  const current = map.get(key);
  return current === undefined ? map : put(map, key, change(current));
}
