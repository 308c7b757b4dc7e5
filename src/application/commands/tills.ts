import type { CommandMeta } from '../../domain/shared/command.js';
import type { DeviceId, TenantId } from '../../domain/shared/ids.js';
import type { Instant } from '../../domain/shared/time.js';
import type { TillCommand } from '../../domain/till/index.js';
import { ApplicationError, notFound } from '../errors.js';
import { streams } from '../events/streams.js';
import { handleCommand, type CommandEnvelope, type CommandResult, type HandlerDeps } from '../handleCommand.js';
import type { TillPeriods } from '../ports/tillPeriods.js';
import { requireDevice } from './access.js';
import { tillKind } from './kinds.js';
import { activeTenant } from './tenantContext.js';

export type TillDeps = HandlerDeps & Readonly<{ tillPeriods: TillPeriods }>;

/** What a Z closure answers: the command's result and the Z number it was given. */
export type ZClosed = Readonly<{ zNumber: number; result: CommandResult }>;

/**
 * Closes a till's open period with the next Z (CloseTillDay): a manager of the till's branch, or
 * the cashier signed in on that very till. The figures are the till periods read model's, caught
 * up to the log's head, and must already hold the till's last Z: otherwise the open period would
 * still contain what that Z closed. Concurrent closes race on the till stream's revision; the
 * loser decides again on the state holding the winner's Z and re-reads the period, so Z numbers
 * stay gapless and nothing is counted in two Zs.
 */
export async function closeTillDay(deps: TillDeps, envelope: CommandEnvelope, deviceId: DeviceId): Promise<ZClosed> {
  const { principal } = envelope;
  if (!principal.tenantId) throw notFound('Device');
  const tenantId: TenantId = principal.tenantId;
  const tenant = await activeTenant(deps.eventStore, tenantId);
  // A deactivated till may still have its last day closed by a manager (its own tokens stop working).
  const device = tenant.tenant.devices.get(deviceId);
  if (!device) throw new ApplicationError('not_found', 'DEVICE_NOT_FOUND', 'No such device');
  requireDevice(principal, device.branchId, deviceId);
  const branch = tenant.tenant.branches.get(device.branchId);
  const { legalName, settings } = tenant.tenant;
  const at = envelope.occurredAt.toISOString() as Instant;
  const meta: CommandMeta = { actor: { userId: principal.userId, role: principal.role, deviceId: principal.deviceId ?? undefined }, at };

  const result = await handleCommand(deps, tillKind, streams.till(tenantId, deviceId), tenantId, envelope, async ({ state }): Promise<TillCommand> => {
    const period = await deps.tillPeriods.openPeriodOf(tenantId, deviceId);
    const lastZ = state.status === 'closed_before' ? state.lastZ : 0;
    if (period.lastZ < lastZ) {
      throw new ApplicationError('unavailable', 'READ_MODEL_BEHIND', 'The till figures are catching up with its last Z; retry shortly', { readModel: 'till_periods' });
    }
    return {
      type: 'CloseTillDay',
      data: {
        tenantId,
        branchId: device.branchId,
        deviceId,
        header: { legalName, currency: settings.currency, timeZone: settings.timeZone, branchName: branch?.name ?? '', deviceName: device.name },
        businessDate: localDateOf(envelope.occurredAt, settings.timeZone),
        firstActivityAt: period.firstActivityAt,
        through: period.through,
        figures: period.figures,
      },
      meta,
    };
  });
  // One TillDayClosed per Z: revision r of the till stream is Z r + 1.
  if (result.revision === null) throw new Error('a Z closure wrote no event');
  return { zNumber: result.revision + 1, result };
}

/** The closing time's date in the tenant's zone, `YYYY-MM-DD` (the en-CA calendar writes it so). */
function localDateOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
