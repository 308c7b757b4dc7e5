import { unreachable } from '../shared/decider.js';
import type { TenantCommand } from './commands.js';
import * as branches from './decideBranches.js';
import * as devices from './decideDevices.js';
import * as lifecycle from './decideLifecycle.js';
import * as settings from './decideSettings.js';
import * as taxRates from './decideTaxRates.js';
import type { TenantEvent } from './events.js';
import type { TenantState } from './state.js';

/**
 * The Tenant's rules. No role checks here: who may send which command is the application's
 * permission table; the decider only knows what the tenant's state allows.
 */
export function decide(command: TenantCommand, state: TenantState): readonly TenantEvent[] {
  switch (command.type) {
    case 'RegisterTenant':
      return lifecycle.register(command, state);
    case 'ActivateTenant':
      return lifecycle.activate(command, state);
    case 'SuspendTenant':
      return lifecycle.suspend(command, state);
    case 'ReinstateTenant':
      return lifecycle.reinstate(command, state);
    case 'CloseTenant':
      return lifecycle.close(command, state);
    case 'ChangeLegalName':
      return settings.changeLegalName(command, state);
    case 'ChangeCurrency':
      return settings.changeCurrency(command, state);
    case 'ChangeTimeZone':
      return settings.changeTimeZone(command, state);
    case 'ChangePriceMode':
      return settings.changePriceMode(command, state);
    case 'ChangeDiscountApprovalThreshold':
      return settings.changeDiscountApprovalThreshold(command, state);
    case 'AddTaxRate':
      return taxRates.add(command, state);
    case 'ChangeTaxRate':
      return taxRates.change(command, state);
    case 'RetireTaxRate':
      return taxRates.retire(command, state);
    case 'OpenBranch':
      return branches.open(command, state);
    case 'RenameBranch':
      return branches.rename(command, state);
    case 'CloseBranch':
      return branches.close(command, state);
    case 'RegisterDevice':
      return devices.register(command, state);
    case 'RenameDevice':
      return devices.rename(command, state);
    case 'DeactivateDevice':
      return devices.deactivate(command, state);
    default:
      return unreachable(command);
  }
}
