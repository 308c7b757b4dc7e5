import type { CloseBranch, OpenBranch, RenameBranch } from './commands.js';
import { tenantError } from './errors.js';
import type { TenantEvent } from './events.js';
import { requireOpenBranch, requireOperating } from './guards.js';
import type { TenantState } from './state.js';
import { requireId, requireName } from './validation.js';

export function open(command: OpenBranch, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const branchId = requireId(command.data.branchId, 'branchId');
  const name = requireName(command.data.name);
  if (tenant.branches.has(branchId)) {
    throw tenantError.conflict('BRANCH_ALREADY_EXISTS', 'a branch with this id exists', { branchId });
  }
  return [{ type: 'BranchOpened', data: { branchId, name } }];
}

export function rename(command: RenameBranch, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const branchId = requireId(command.data.branchId, 'branchId');
  const name = requireName(command.data.name);
  const branch = requireOpenBranch(tenant, branchId);
  if (name === branch.name) return [];
  return [{ type: 'BranchRenamed', data: { branchId, name } }];
}

/**
 * A branch with active devices is not closed: each till must be deactivated first, on
 * purpose and with its own reason. Deactivating them as a side effect would cut off tills
 * that may be mid-shift or still hold offline sales to sync, and would leave the audit
 * trail with deactivations nobody asked for.
 */
export function close(command: CloseBranch, state: TenantState): readonly TenantEvent[] {
  const { tenant } = requireOperating(state);
  const branchId = requireId(command.data.branchId, 'branchId');
  requireOpenBranch(tenant, branchId);
  const activeDeviceIds = [...tenant.devices.values()]
    .filter((device) => device.branchId === branchId && device.status === 'active')
    .map((device) => device.id);
  if (activeDeviceIds.length > 0) {
    throw tenantError.conflict('BRANCH_HAS_ACTIVE_DEVICES', 'deactivate the devices of the branch before closing it', {
      branchId,
      deviceIds: activeDeviceIds,
    });
  }
  return [{ type: 'BranchClosed', data: { branchId } }];
}
