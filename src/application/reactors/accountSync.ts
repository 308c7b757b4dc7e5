import { employeeKind } from '../commands/kinds.js';
import { streams } from '../events/streams.js';
import { ApplicationError } from '../errors.js';
import { loadAggregate } from '../handleCommand.js';
import type { Accounts } from '../ports/accounts.js';
import type { EventStore } from '../ports/eventStore.js';
import type { DecodedEvent, DecodedEventType } from '../events/decodeEvent.js';
import { loginOf } from '../loginOf.js';
import type { Reactor } from './reactor.js';

export const ACCOUNT_SYNC = 'account_sync';

/** Employee facts that change what a login may reach; EmployeeHired activates the hire's reserved login. */
const ACCOUNT_FACTS: ReadonlySet<DecodedEventType> = new Set<DecodedEventType>([
  'EmployeeHired',
  'EmployeeRoleChanged',
  'BranchAssigned',
  'BranchUnassigned',
  'DeviceBound',
  'DeviceUnbound',
  'EmployeeSuspended',
  'EmployeeReinstated',
  'EmployeeTerminated',
  'PersonalDataForgotten',
]);

/**
 * Keeps logins in step with the log. Command handlers update Accounts right after their append,
 * so a change takes effect at once; if the process dies between the two, this reactor applies it
 * when it reaches the event (at start-up, from its checkpoint). That includes a hire: its login
 * was reserved (pending) before EmployeeHired was appended, and is activated here if the hire's
 * handler died before activating it (ADR 0013). It writes the employee's state as of now, not of
 * the event, so replaying old events never undoes a newer change.
 */
export function accountSyncReactor(deps: Readonly<{ eventStore: EventStore; accounts: Accounts }>): Reactor {
  return {
    kind: 'reactor',
    name: ACCOUNT_SYNC,
    handles: new Set<DecodedEventType>([...ACCOUNT_FACTS, 'DeviceDeactivated']),
    async react(events: readonly DecodedEvent[]) {
      const employees = new Set<string>();
      for (const event of events) {
        if (event.category === 'employee' && ACCOUNT_FACTS.has(event.type)) employees.add(streams.employee(event.tenantId, event.entityId));
        if (event.type === 'DeviceDeactivated') await deps.accounts.deactivateDevice(event.tenantId, event.data.deviceId);
      }
      for (const streamId of employees) await syncLogin(deps, streamId);
    },
  };
}

async function syncLogin(deps: Readonly<{ eventStore: EventStore; accounts: Accounts }>, streamId: string): Promise<void> {
  const { state } = await loadAggregate(deps.eventStore, employeeKind, streamId);
  if (state.status === 'none') return;
  const { userId, change } = loginOf(state);
  try {
    if (state.personalData === null) await deps.accounts.forget(userId);
    else await deps.accounts.update(userId, change);
  } catch (error) {
    // No login: a hire from before reservations (migration 0007) whose handler died before
    // creating it. The credentials are in no event, so there is nothing to create it from.
    if (!(error instanceof ApplicationError && error.kind === 'not_found')) throw error;
  }
}
