import type { DrawerCash } from '../application/ports/drawerCash.js';
import { drawerCashProjection } from './drawerCash/drawerCashProjection.js';
import { createDrawerCashReader } from './drawerCash/drawerCashReader.js';
import type { Projection } from './projection.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerDeps } from './runner.js';

/** Every read model Tillstream keeps; `npm run cli -- projections` lists and rebuilds them. */
export const PROJECTIONS: readonly Projection[] = [drawerCashProjection];

export type ReadModels = Readonly<{ runner: ProjectionRunner; drawerCash: DrawerCash }>;

export function createReadModels(deps: Omit<ProjectionRunnerDeps, 'projections'>): ReadModels {
  const runner = createProjectionRunner({ ...deps, projections: PROJECTIONS });
  return { runner, drawerCash: createDrawerCashReader(deps.db, runner) };
}
