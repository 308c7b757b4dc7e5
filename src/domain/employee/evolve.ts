import type { EmployeeEvent } from './events.js';
import { profileOf, type DrawerSession, type EmployeeProfile, type EmployeeState, type OpenShift } from './state.js';

/**
 * Folds one fact into the state. Events are facts the decider already checked, so evolve does
 * not re-check them; it only ignores an event that cannot apply to the state's shape, and
 * event types it does not know (written by a newer version).
 */
export function evolve(state: EmployeeState, event: EmployeeEvent): EmployeeState {
  switch (event.type) {
    case 'EmployeeHired': {
      if (state.status !== 'none') return state;
      const { employeeId, tenantId, personalData, role, branchIds, deviceIds } = event.data;
      return { status: 'active', employeeId, tenantId, personalData, role, branchIds, deviceIds, shift: null };
    }
    case 'EmployeeRoleChanged':
      return withProfile(state, () => ({ role: event.data.to }));
    case 'BranchAssigned':
      return withProfile(state, (p) => ({ branchIds: [...p.branchIds, event.data.branchId] }));
    case 'BranchUnassigned':
      return withProfile(state, (p) => ({ branchIds: p.branchIds.filter((id) => id !== event.data.branchId) }));
    case 'DeviceBound':
      return withProfile(state, (p) => ({ deviceIds: [...p.deviceIds, event.data.deviceId] }));
    case 'DeviceUnbound':
      return withProfile(state, (p) => ({ deviceIds: p.deviceIds.filter((id) => id !== event.data.deviceId) }));
    case 'PersonalDataForgotten':
      return withProfile(state, () => ({ personalData: null }));
    case 'EmployeeSuspended':
      return state.status === 'active' ? { ...profileOf(state), status: 'suspended', reason: event.data.reason } : state;
    case 'EmployeeReinstated':
      return state.status === 'suspended' ? { ...profileOf(state), status: 'active', shift: null } : state;
    case 'EmployeeTerminated':
      return state.status === 'none' ? state : { ...profileOf(state), status: 'terminated', reason: event.data.reason };
    case 'EmployeeClockedIn': {
      if (state.status !== 'active') return state;
      const { shiftId, branchId, deviceId, at } = event.data;
      return { ...state, shift: { shiftId, branchId, deviceId, clockedInAt: at, drawer: null } };
    }
    case 'EmployeeClockedOut':
      return state.status === 'active' ? { ...state, shift: null } : state;
    case 'DrawerOpened': {
      const { drawerId, deviceId, float, at } = event.data;
      return withShift(state, () => ({ drawer: { drawerId, deviceId, openedAt: at, float, cashIn: 0, cashOut: 0, movementIds: [] } }));
    }
    case 'CashInRecorded':
      return withDrawer(state, (d) => ({ cashIn: d.cashIn + event.data.amount, movementIds: [...d.movementIds, event.data.movementId] }));
    case 'CashOutRecorded':
      return withDrawer(state, (d) => ({ cashOut: d.cashOut + event.data.amount, movementIds: [...d.movementIds, event.data.movementId] }));
    case 'DrawerClosed':
      return withShift(state, () => ({ drawer: null }));
    default:
      // A type this version does not know: leave the state as it is.
      return state;
  }
}

function withProfile(state: EmployeeState, change: (profile: EmployeeProfile) => Partial<EmployeeProfile>): EmployeeState {
  return state.status === 'none' ? state : { ...state, ...change(state) };
}

function withShift(state: EmployeeState, change: (shift: OpenShift) => Partial<OpenShift>): EmployeeState {
  if (state.status !== 'active' || state.shift === null) return state;
  return { ...state, shift: { ...state.shift, ...change(state.shift) } };
}

function withDrawer(state: EmployeeState, change: (drawer: DrawerSession) => Partial<DrawerSession>): EmployeeState {
  const drawer = state.status === 'active' ? state.shift?.drawer : null;
  if (!drawer) return state;
  return withShift(state, () => ({ drawer: { ...drawer, ...change(drawer) } }));
}
