import type { Accounts } from '../application/ports/accounts.js';
import type { DrawerCash } from '../application/ports/drawerCash.js';
import { accountSyncReactor } from '../application/reactors/accountSync.js';
import { drawerCashProjection } from './drawerCash/drawerCashProjection.js';
import { createDrawerCashReader } from './drawerCash/drawerCashReader.js';
import { tenantOrdersProjection } from './tenantOrders/tenantOrdersProjection.js';
import { createTenantSalesReader } from './tenantOrders/tenantSalesReader.js';
import type { TenantSales } from '../application/ports/tenantSales.js';
import type { Projection } from './projection.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerDeps } from './runner.js';

/** Every read model and reactor Tillstream runs; `npm run cli -- projections` lists and rebuilds them. */
export function projectionsOf(deps: Readonly<{ accounts: Accounts; eventStore: ProjectionRunnerDeps['eventStore'] }>): readonly Projection[] {
  return [drawerCashProjection, tenantOrdersProjection, accountSyncReactor(deps)];
}

export type ReadModels = Readonly<{ runner: ProjectionRunner; drawerCash: DrawerCash; tenantSales: TenantSales }>;

export function createReadModels(deps: Omit<ProjectionRunnerDeps, 'projections'> & Readonly<{ accounts: Accounts }>): ReadModels {
  const runner = createProjectionRunner({ ...deps, projections: projectionsOf(deps) });
  return { runner, drawerCash: createDrawerCashReader(deps.db, runner), tenantSales: createTenantSalesReader(deps.db, runner) };
}
