import type { EmployeeId, TenantId, UserId } from '../domain/shared/ids.js';
import { employeeKind } from './commands/kinds.js';
import { streams } from './events/streams.js';
import { ApplicationError } from './errors.js';
import { loadAggregate } from './handleCommand.js';
import { loginOf } from './loginOf.js';
import type { Accounts, NewLogin } from './ports/accounts.js';
import type { EventStore } from './ports/eventStore.js';

// A hire writes two stores with no transaction across them (the event store is a port: ADR 0002).
// So it reserves the login first (pending: holds the hashes, cannot sign in), appends
// EmployeeHired, then activates the login; a refused append releases the reservation. A crash
// leaves at most a pending login: activated by the account-sync reactor once its hire is in the
// log, swept here once old enough with none (ADR 0013).

export type ReservationDeps = Readonly<{ eventStore: Pick<EventStore, 'readStream'>; accounts: Accounts }>;

/** A reservation younger than this may belong to a hire still running; older, it was abandoned. */
export const ABANDONED_AFTER_MS = 5 * 60 * 1000;

type EmployeeLogin = NewLogin & Readonly<{ tenantId: TenantId; employeeId: EmployeeId }>;

/**
 * Reserves the login of a hire about to be appended. An email of another login of the same
 * tenant is 409 EMAIL_IN_USE, unless that login is an abandoned reservation (swept here, then
 * reserved again). Another tenant's logins never conflict.
 */
export async function reserveLogin(deps: ReservationDeps, login: EmployeeLogin, now: Date): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const reservation = await deps.accounts.reserve(login);
    if (reservation.outcome !== 'email_taken') return;
    const { holder } = reservation;
    const abandoned =
      attempt === 1 &&
      holder.status === 'pending' &&
      holder.employeeId !== null &&
      holder.createdAt.getTime() < now.getTime() - ABANDONED_AFTER_MS &&
      (await sweepOne(deps, holder.userId, holder.tenantId, holder.employeeId, new Date(now.getTime() - ABANDONED_AFTER_MS)));
    if (!abandoned) throw new ApplicationError('conflict', 'EMAIL_IN_USE', 'Another login of this tenant has this email');
  }
}

/**
 * After a hire's append failed (refused, or the database went away): the login follows what the
 * log holds. Hired (an append that committed before its answer was lost, or a retry of a hire
 * already made): the login is activated. Not hired: the reservation is released. If this fails
 * too, the reactor or the sweep settles it later.
 */
export async function settleLogin(deps: ReservationDeps, tenantId: TenantId, employeeId: EmployeeId): Promise<void> {
  const { state } = await loadAggregate(deps.eventStore, employeeKind, streams.employee(tenantId, employeeId));
  if (state.status === 'none') await deps.accounts.release(employeeId as string as UserId);
  else {
    const { userId, change } = loginOf(state);
    await deps.accounts.update(userId, change);
  }
}

/**
 * Settles reservations older than `before` (callers pass now minus ABANDONED_AFTER_MS): released
 * when their employee's stream holds no hire, activated when it does (the reactor normally has).
 * Answers how many were released. Run periodically (src/main.ts) and by the tests.
 */
export async function sweepAbandonedLogins(deps: ReservationDeps, before: Date, batchSize = 100): Promise<number> {
  let released = 0;
  const seen = new Set<string>();
  for (;;) {
    const pending = (await deps.accounts.pendingBefore(before, batchSize)).filter((login) => !seen.has(login.userId));
    if (pending.length === 0) return released;
    for (const login of pending) {
      seen.add(login.userId);
      if (login.employeeId !== null && (await sweepOne(deps, login.userId, login.tenantId, login.employeeId, before))) released += 1;
    }
  }
}

/** Releases one reservation if its hire is not in the log (true), else activates it (false). */
async function sweepOne(deps: ReservationDeps, userId: UserId, tenantId: TenantId, employeeId: EmployeeId, before: Date): Promise<boolean> {
  const { state } = await loadAggregate(deps.eventStore, employeeKind, streams.employee(tenantId, employeeId));
  if (state.status === 'none') return deps.accounts.release(userId, before);
  const { change } = loginOf(state);
  await deps.accounts.update(userId, change);
  return false;
}
