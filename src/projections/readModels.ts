import { directoryModel } from './directory/directoryModel.js';
import { drawersModel } from './drawers/drawersModel.js';
import { salesModel } from './sales/salesModel.js';
import { ordersModel } from './orders/ordersModel.js';
import type { Accounts } from '../application/ports/accounts.js';
import type { DrawerCash } from '../application/ports/drawerCash.js';
import { accountSyncReactor } from '../application/reactors/accountSync.js';
import { sealOnZReactor } from '../application/reactors/sealOnZ.js';
import type { SealDeps } from '../application/audit/seals.js';
import { drawerCashProjection } from './drawerCash/drawerCashProjection.js';
import { createDrawerCashReader } from './drawerCash/drawerCashReader.js';
import { tenantOrdersProjection } from './tenantOrders/tenantOrdersProjection.js';
import { createTenantSalesReader } from './tenantOrders/tenantSalesReader.js';
import type { TenantSales } from '../application/ports/tenantSales.js';
import { readModel, type Projection } from './projection.js';
import type { ReadModelAccess } from './readModel.js';
import { createReadModelAccess } from './readModelAccess.js';
import { tillPeriodsModel } from './till/tillModel.js';
import { createTillPeriodsReader } from './till/tillPeriodsReader.js';
import type { TillPeriods } from '../application/ports/tillPeriods.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerDeps } from './runner.js';

/**
 * Every read model and reactor Tillstream runs; `npm run cli -- projections` lists and rebuilds them.
 * A read model goes in as `readModel(model)`, a reactor as it is.
 */
export function projectionsOf(deps: Readonly<{ accounts: Accounts; eventStore: ProjectionRunnerDeps['eventStore']; sealing?: SealDeps | undefined }>): readonly Projection[] {
  return [
    readModel(drawerCashProjection),
    readModel(tenantOrdersProjection),
    readModel(tillPeriodsModel),
    readModel(drawersModel),
    readModel(directoryModel),
    readModel(salesModel),
    readModel(ordersModel),
    accountSyncReactor(deps),
    // Where the process can sign (the API; not a read-only CLI run).
    ...(deps.sealing ? [sealOnZReactor(deps.sealing)] : []),
  ];
}

export type ReadModels = Readonly<{
  runner: ProjectionRunner;
  /** How query routes reach the live generation of a read model (with read-your-writes `after`). */
  access: ReadModelAccess;
  drawerCash: DrawerCash;
  tenantSales: TenantSales;
  tillPeriods: TillPeriods;
}>;

export function createReadModels(deps: Omit<ProjectionRunnerDeps, 'projections'> & Readonly<{ accounts: Accounts; sealing?: SealDeps | undefined }>): ReadModels {
  const projections = projectionsOf(deps);
  const runner = createProjectionRunner({ ...deps, projections });
  const names = new Set(projections.flatMap((projection) => (projection.kind === 'read_model' ? [projection.name] : [])));
  const access = createReadModelAccess({ db: deps.db, names, progress: runner.progress, headPosition: () => deps.eventStore.headPosition() });
  return { runner, access, drawerCash: createDrawerCashReader(access, runner), tenantSales: createTenantSalesReader(access, runner), tillPeriods: createTillPeriodsReader(access, runner) };
}
