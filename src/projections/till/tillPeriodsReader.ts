import type { TillPeriods } from '../../application/ports/tillPeriods.js';
import type { DeviceId, TenantId } from '../../domain/shared/ids.js';
import type { ReadModelAccess } from '../readModel.js';
import type { ProjectionRunner } from '../runner.js';
import { openPeriodOf } from './tillQueries.js';
import { TILL_PERIODS } from './tillModel.js';
import type { TillTables } from './tillTables.js';

/** The TillPeriods port over the read model, caught up to the log's head before each answer. */
export function createTillPeriodsReader(access: ReadModelAccess, runner: Pick<ProjectionRunner, 'catchUp'>): TillPeriods {
  return {
    async openPeriodOf(tenantId: TenantId, deviceId: DeviceId) {
      const head = await runner.catchUp(TILL_PERIODS);
      const db = await access.tables<TillTables>(TILL_PERIODS, head ? { after: head } : {});
      const { lastZ, firstActivityAt, through, figures } = await openPeriodOf(db, tenantId, deviceId);
      return { lastZ, firstActivityAt, through, figures };
    },
  };
}
