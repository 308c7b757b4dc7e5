import type { Transaction } from 'kysely';
import type { DecodedEvent } from '../application/events/decodeEvent.js';
import type { Reactor } from '../application/reactors/reactor.js';
import type { Database } from '../infrastructure/postgres/database.js';
import type { ReadModel, Tables } from './readModel.js';

/**
 * A read model as the runner holds it, in one list with models of other tables: kysely's
 * `Transaction<DB>` is invariant in `DB`, so `ReadModel<A>` and `ReadModel<B>` share no type;
 * `readModel(model)` erases the tables once, where the model is registered.
 */
export type RunnableReadModel = Omit<ReadModel, 'createTables' | 'applyBatch'> &
  Readonly<{
    createTables(trx: Transaction<Database>): Promise<void>;
    applyBatch(trx: Transaction<Database>, events: readonly DecodedEvent[]): Promise<void>;
  }>;

export function readModel<T extends Tables>(model: ReadModel<T>): RunnableReadModel {
  return {
    kind: model.kind,
    name: model.name,
    version: model.version,
    handles: model.handles,
    createTables: (trx) => model.createTables(trx.withTables<T>()),
    applyBatch: (trx, events) => model.applyBatch(trx.withTables<T>(), events),
  };
}

/** What the runner feeds: read models (exactly once, in the batch's transaction) and reactors (at least once). */
export type Projection = RunnableReadModel | Reactor;
