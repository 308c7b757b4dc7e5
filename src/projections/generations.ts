import { sql, type Kysely, type Transaction } from 'kysely';
import { comparePositions } from '../application/ports/eventStore.js';
import type { Database } from '../infrastructure/postgres/database.js';
import { decode, schemaSettings } from './checkpoints.js';
import type { RunnableReadModel } from './projection.js';

/**
 * Generations of read models (ADR 0016): each lives in a schema of its own, `rm_<name>_<n>`,
 * with a checkpoint row saying its state. Creating, switching and dropping them all take one
 * advisory lock, so processes starting together agree on what exists.
 */

const NAME = /^[a-z][a-z0-9_]{0,40}$/;
/** Every generation change serialises on this (hashtext of a fixed string, any 64-bit key would do). */
const LOCK = sql`pg_advisory_xact_lock(hashtext('tillstream.read_model_generations'))`;

export function schemaOf(name: string, generation: number): string {
  if (!NAME.test(name)) throw new RangeError(`read model name ${name} must be lower-case letters, digits and _ (at most 41)`);
  return `rm_${name}_${generation}`;
}

/** Runs `work` with the generation's schema first on the search path, for this transaction only. */
export async function useSchema(trx: Transaction<Database>, schema: string): Promise<void> {
  await sql`SELECT ${schemaSettings(schema)}`.execute(trx);
}

type GenerationRow = Readonly<{ name: string; generation: number; version: number | null; schema_name: string | null; state: 'building' | 'live' | 'retired'; position: string | null }>;

async function generationsOf(trx: Transaction<Database>, names: readonly string[]): Promise<readonly GenerationRow[]> {
  if (names.length === 0) return [];
  return trx
    .selectFrom('projection_checkpoints')
    .select(['name', 'generation', 'version', 'schema_name', 'state', 'position'])
    .where('name', 'in', names)
    .where('generation', '>', 0)
    .orderBy('generation')
    .forUpdate()
    .execute();
}

async function createGeneration(trx: Transaction<Database>, model: RunnableReadModel, generation: number, now: Date): Promise<void> {
  const schema = schemaOf(model.name, generation);
  // A schema left by a generation whose row was deleted before its drop: start clean.
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(trx);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(trx);
  await useSchema(trx, schema);
  await model.createTables(trx);
  await trx
    .insertInto('projection_checkpoints')
    .values({ name: model.name, generation, version: model.version, schema_name: schema, state: 'building', position: null, updated_at: now })
    .execute();
}

async function dropGeneration(trx: Transaction<Database>, row: GenerationRow): Promise<void> {
  if (row.schema_name !== null) await sql`DROP SCHEMA IF EXISTS ${sql.id(row.schema_name)} CASCADE`.execute(trx);
  await trx.deleteFrom('projection_checkpoints').where('name', '=', row.name).where('generation', '=', row.generation).execute();
}

const nextGeneration = (rows: readonly GenerationRow[]): number => Math.max(0, ...rows.map((row) => row.generation)) + 1;

/**
 * At start: a model without a generation, or whose live one was built by an older version of its
 * code, gets a new generation to build (blue/green: the live one keeps serving meanwhile). A
 * build left by older code is dropped and started again; a live or building generation of a
 * newer version (a process of newer code is out there) is left alone. Returns the models given a
 * new generation.
 */
export async function ensureGenerations(db: Kysely<Database>, models: readonly RunnableReadModel[], now: Date): Promise<readonly string[]> {
  if (models.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await sql`SELECT ${LOCK}`.execute(trx);
    const rows = await generationsOf(trx, models.map((model) => model.name));
    const started: string[] = [];
    for (const model of models) {
      const own = rows.filter((row) => row.name === model.name);
      const live = own.find((row) => row.state === 'live');
      let building = own.find((row) => row.state === 'building');
      if (building && (building.version ?? 0) < model.version) {
        await dropGeneration(trx, building);
        building = undefined;
      }
      if (building || (live && (live.version ?? 0) >= model.version)) continue;
      await createGeneration(trx, model, nextGeneration(own), now);
      started.push(model.name);
    }
    return started;
  });
}

/** A fresh generation of the model to build from the start of the log, replacing any build in progress. */
export async function startGeneration(db: Kysely<Database>, model: RunnableReadModel, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT ${LOCK}`.execute(trx);
    const own = await generationsOf(trx, [model.name]);
    for (const row of own) if (row.state === 'building') await dropGeneration(trx, row);
    const generation = nextGeneration(own);
    await createGeneration(trx, model, generation, now);
    return generation;
  });
}

/**
 * Makes the building generation live, in one transaction, once it has applied at least as much
 * of the log as the live one (or at once when there is none: the caller saw it at the log's
 * readable end). The old live one is retired: queries still on it finish, then it is dropped.
 */
export async function switchGeneration(db: Kysely<Database>, name: string, generation: number, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT ${LOCK}`.execute(trx);
    const own = await generationsOf(trx, [name]);
    const building = own.find((row) => row.generation === generation && row.state === 'building');
    if (!building) return false;
    const live = own.find((row) => row.state === 'live');
    if (live) {
      const [at, target] = [decode(building.position), decode(live.position)];
      if (target !== null && (at === null || comparePositions(at, target) < 0)) return false;
      await trx.updateTable('projection_checkpoints').set({ state: 'retired', retired_at: now }).where('name', '=', name).where('generation', '=', live.generation).execute();
    }
    await trx.updateTable('projection_checkpoints').set({ state: 'live', updated_at: now }).where('name', '=', name).where('generation', '=', generation).execute();
    return true;
  });
}

/**
 * Statistics for every table of a generation's schema, before it goes live: a generation filled
 * in one go may never have been looked at by autovacuum (small tables are not, until they change
 * enough), and the planner would guess its first queries' plans from nothing.
 */
export async function analyzeGeneration(db: Kysely<Database>, schema: string): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = ${schema} ORDER BY tablename`.execute(db);
  for (const { tablename } of rows) await sql`ANALYZE ${sql.table(`${schema}.${tablename}`)}`.execute(db);
}

/** Drops the schemas of generations retired before `before` (queries cache a live schema for a second). */
export async function dropRetired(db: Kysely<Database>, before: Date): Promise<readonly string[]> {
  const due = await db
    .selectFrom('projection_checkpoints')
    .select(['name', 'generation'])
    .where('state', '=', 'retired')
    .where('retired_at', '<', before)
    .execute();
  const dropped: string[] = [];
  for (const { name, generation } of due) {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT ${LOCK}`.execute(trx);
      const row = (await generationsOf(trx, [name])).find((r) => r.generation === generation && r.state === 'retired');
      if (row) await dropGeneration(trx, row);
    });
    dropped.push(`${name}#${generation}`);
  }
  return dropped;
}
