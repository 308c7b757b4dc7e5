import type { DeactivateDevice, RegisterDevice, RenameDevice } from './commands.js';
import { tenantError } from './errors.js';
import type { TenantEvent } from './events.js';
import { requireActiveDevice, requireOpenBranch, requireOperating } from './guards.js';
import type { TenantState } from './state.js';
import { requireId, requireName, requireReason } from './validation.js';

// A device (POS till) belongs to exactly one branch, for good: moving a till means
// deactivating it and registering a new one, so its sales never change branch.

export function register(command: RegisterDevice, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const deviceId = requireId(command.data.deviceId, 'deviceId');
  const branchId = requireId(command.data.branchId, 'branchId');
  const name = requireName(command.data.name);
  if (tenant.devices.has(deviceId)) {
    throw tenantError.conflict('DEVICE_ALREADY_EXISTS', 'a device with this id exists', { deviceId });
  }
  requireOpenBranch(tenant, branchId);
  return [{ type: 'DeviceRegistered', data: { deviceId, branchId, name } }];
}

export function rename(command: RenameDevice, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const deviceId = requireId(command.data.deviceId, 'deviceId');
  const name = requireName(command.data.name);
  const device = requireActiveDevice(tenant, deviceId);
  if (name === device.name) return [];
  return [{ type: 'DeviceRenamed', data: { deviceId, name } }];
}

/** Final: the device's tokens stop working from `at` on. */
export function deactivate(command: DeactivateDevice, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const deviceId = requireId(command.data.deviceId, 'deviceId');
  const reason = requireReason(command.data.reason);
  requireActiveDevice(tenant, deviceId);
  return [{ type: 'DeviceDeactivated', data: { deviceId, reason, at: command.meta.at } }];
}
