import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor, fingerprintOf, type SortKey } from '../../../application/queries/cursor.js';
import { readFilterOf, readScopeOf, type ReadFilter, type ReadScope } from '../../../application/queries/readScope.js';
import type { Principal } from '../../../application/principal.js';
import { parsePosition, type GlobalPosition } from '../../../application/ports/eventStore.js';
import type { Database } from '../../postgres/database.js';
import type { ReadModel, ReadModelAccess, Tables } from '../../../projections/readModel.js';
import { csvHeader, csvRows, prefersCsv, type CsvColumn } from '../csv.js';
import type { OperationDoc } from '../openapi/operationDoc.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';

/**
 * The one way a GET route reads a read model (issue 9): zod schemas for params, query and answer
 * (so OpenAPI shows them), the route's permission, the caller's read scope, `?after=<position>`
 * read-your-writes, opaque keyset cursors for lists and, on `Accept: text/csv`, the whole result
 * streamed as CSV.
 *
 *   queryList(app, deps, '/v1/orders', { ..., readModel: 'orders', cursor: { key, of }, csv: { columns } },
 *     ({ db, filter, query, page }) => listOrders(db, filter, query, page));
 */
export type QueryDeps = Readonly<{ readModels: ReadModelAccess }>;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Rows per read while streaming CSV: big enough to amortise a round trip, small enough to stream. */
const CSV_PAGE = 500;

const POSITION = /^\d{1,20}\.\d{1,20}$/;

/** `?after`: the `position` a command answered; the query waits (at most 2 s) until the model has applied it. */
export const afterSchema = z
  .string()
  .regex(POSITION, 'a global position "<commit>.<prepare>" as a command answered it')
  .optional()
  .describe('Read-your-writes: the `position` a command answered. The server waits up to 2 s for the read model to reach it, else answers 503 READ_MODEL_BEHIND with Retry-After.');

/**
 * A calendar date as reports file it (YYYY-MM-DD). Year 0000 is refused: PostgreSQL has no year 0
 * (1 BC comes before AD 1) and would fail the query instead of answering it.
 */
export const businessDateSchema = z.iso.date().refine((date) => date >= '0001-01-01', 'a date from 0001-01-01 on');

const pagingShape = {
  cursor: z.string().min(1).max(1024).optional().describe('`nextCursor` of the previous page (opaque); absent: the first page'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe(`Rows per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}); ignored for CSV, which streams every row`),
  after: afterSchema,
};
const PAGING_KEYS: ReadonlySet<string> = new Set(Object.keys(pagingShape));

type Shape = z.ZodRawShape;
type NoParams = z.ZodObject<Record<string, never>>;

/** What every handler gets: who asks, what they may read, and the model's live tables. */
export type QueryContext<P, T extends Tables> = Readonly<{
  principal: Principal;
  scope: ReadScope;
  params: P;
  db: Kysely<Database & T>;
}>;

export type ListContext<P, Q, K extends SortKey, T extends Tables> = QueryContext<P, T> &
  Readonly<{
    /** The query's own filters (paging parameters taken out). */
    query: Q;
    /** Scope and the branch/device filters combined: what rows may be returned. */
    filter: ReadFilter;
    /** Return at most `size` rows in the cursor order, strictly after `after` when set. */
    page: Readonly<{ size: number; after: K | undefined }>;
  }>;

type RouteText = Readonly<{ summary: string; description?: string; tags: readonly string[] }>;

/**
 * The read model a route reads: the model itself. Its name picks the tables; `createTables`
 * is there only so the handler's `db` is typed with the model's tables (inferred from it).
 */
export type ModelRef<T extends Tables> = Pick<ReadModel<T>, 'name' | 'createTables'>;

export type ListSpec<P extends z.ZodObject<Shape>, Q extends z.ZodObject<Shape>, I extends z.ZodType, K extends SortKey, T extends Tables> = RouteText &
  Readonly<{
    params?: P;
    /** The route's filters; `branchId` and `deviceId` (when present) are checked against the caller's scope. */
    query: Q;
    item: I;
    permission: RoutePermission;
    /** The read model the handler reads (its live generation, after the `after` wait). */
    readModel: ModelRef<T>;
    /** The sort key of a row: the cursor order, unique per row (end it with the row's id). */
    cursor: Readonly<{ key: z.ZodType<K>; of: (item: z.output<I>) => K }>;
    csv: Readonly<{ columns: readonly CsvColumn<z.output<I>>[]; filename: string }>;
    /**
     * The caller's read scope, when not the tenant's data scope (`readScopeOf`): the platform
     * owner's directory of tenants reads across tenants.
     */
    readScope?: (principal: Principal) => ReadScope;
  }>;

export type GetSpec<P extends z.ZodObject<Shape>, I extends z.ZodType, T extends Tables> = RouteText &
  Readonly<{ params: P; response: I; permission: RoutePermission; readModel: ModelRef<T>; openapi?: OperationDoc }>;

const QUERY_DOC: OperationDoc = {
  kind: 'query',
  problems: { 400: ['VALIDATION_FAILED', 'POSITION_NOT_IN_LOG'], 503: ['READ_MODEL_BEHIND', 'READ_MODEL_BUILDING'] },
};

function afterOf(request: FastifyRequest): GlobalPosition | undefined {
  const query = request.query as { after?: unknown };
  return typeof query.after === 'string' ? parsePosition(query.after) : undefined;
}

async function tablesFor<T extends Tables>(deps: QueryDeps, name: string, after: GlobalPosition | undefined): Promise<Kysely<Database & T>> {
  return deps.readModels.tables<T>(name, after ? { after } : {});
}

function scopeFilterOf(query: Readonly<Record<string, unknown>>): { branchId?: string; deviceId?: string } {
  const branchId = typeof query.branchId === 'string' ? query.branchId : undefined;
  const deviceId = typeof query.deviceId === 'string' ? query.deviceId : undefined;
  return { ...(branchId === undefined ? {} : { branchId }), ...(deviceId === undefined ? {} : { deviceId }) };
}

/** The URL of the next page: this request's, with the new cursor and without the `after` wait. */
function nextLink(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('cursor', cursor);
  url.searchParams.delete('after');
  return `<${url.pathname}${url.search}>; rel="next"`;
}

/**
 * A paged list route. JSON: `{ items, nextCursor }` (null on the last page) and a `Link: rel="next"`
 * header; CSV (`Accept: text/csv`): every row from the cursor on, streamed page by page.
 */
export function queryList<P extends z.ZodObject<Shape> = NoParams, Q extends z.ZodObject<Shape> = NoParams, I extends z.ZodType = z.ZodType, K extends SortKey = SortKey, T extends Tables = Tables>(
  fastify: FastifyInstance,
  deps: QueryDeps,
  url: string,
  spec: ListSpec<P, Q, I, K, T>,
  run: (context: ListContext<z.output<P>, z.output<Q>, K, T>) => Promise<readonly z.output<I>[]>,
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const key of Object.keys(spec.query.shape)) {
    if (PAGING_KEYS.has(key)) throw new Error(`${url}: the query parameter "${key}" is the seam's own`);
  }
  const querystring = z.strictObject({ ...spec.query.shape, ...pagingShape });
  const page = z.object({
    items: z.array(spec.item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
  app.get(
    url,
    {
      schema: {
        summary: spec.summary,
        description: `${spec.description ?? ''}${spec.description ? '\n\n' : ''}Paged by an opaque cursor in a stable order; \`Accept: text/csv\` streams every row as CSV (RFC 4180, amounts in minor units).`,
        tags: [...spec.tags],
        ...(spec.params ? { params: spec.params } : {}),
        querystring,
        response: { 200: page },
      },
      config: {
        permission: spec.permission,
        openapi: { ...QUERY_DOC, csv: true, paged: true, problems: { ...QUERY_DOC.problems, 400: ['VALIDATION_FAILED', 'POSITION_NOT_IN_LOG', 'INVALID_CURSOR'] } },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const scope = (spec.readScope ?? readScopeOf)(principal);
      const all = request.query as Record<string, unknown>;
      const query = Object.fromEntries(Object.entries(all).filter(([key]) => !PAGING_KEYS.has(key))) as z.output<Q>;
      const filter = readFilterOf(scope, scopeFilterOf(query));
      // The scope is part of the fingerprint: a cursor handed to one caller is no use to another.
      const fingerprint = fingerprintOf(`${url}|${JSON.stringify(filter)}`, query);
      const cursor = typeof all.cursor === 'string' ? decodeCursor(all.cursor, spec.cursor.key, fingerprint) : undefined;
      const db = await tablesFor<T>(deps, spec.readModel.name, afterOf(request));
      const params = (request.params ?? {}) as z.output<P>;
      const read = async (size: number, after: K | undefined): Promise<readonly z.output<I>[]> =>
        filter.nothing ? [] : run({ principal, scope, params, db, query, filter, page: { size, after } });

      if (prefersCsv(request.headers.accept)) {
        // The first page is read before the answer starts, so its refusals are still problem+json.
        const first = await read(CSV_PAGE, cursor);
        return sendCsv(reply, spec, first, (after) => read(CSV_PAGE, after));
      }
      const limit = typeof all.limit === 'number' ? all.limit : DEFAULT_LIMIT;
      const rows = await read(limit + 1, cursor);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(spec.cursor.of(last), fingerprint) : null;
      if (nextCursor) void reply.header('link', nextLink(request, nextCursor));
      return { items: [...items], nextCursor };
    },
  );
}

function sendCsv<I extends z.ZodType, K extends SortKey>(
  reply: FastifyReply,
  spec: Pick<ListSpec<z.ZodObject<Shape>, z.ZodObject<Shape>, I, K, Tables>, 'csv' | 'cursor'>,
  first: readonly z.output<I>[],
  next: (after: K) => Promise<readonly z.output<I>[]>,
): FastifyReply {
  const { columns } = spec.csv;
  async function* lines(): AsyncGenerator<string> {
    yield csvHeader(columns);
    let rows = first;
    for (;;) {
      if (rows.length > 0) yield csvRows(columns, rows);
      const last = rows.at(-1);
      if (rows.length < CSV_PAGE || last === undefined) return;
      rows = await next(spec.cursor.of(last));
    }
  }
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${spec.csv.filename}"`)
    .send(Readable.from(lines()));
}

/** A single-resource GET over a read model (a detail), with the `after` wait. */
export function queryGet<P extends z.ZodObject<Shape>, I extends z.ZodType, T extends Tables = Tables>(
  fastify: FastifyInstance,
  deps: QueryDeps,
  url: string,
  spec: GetSpec<P, I, T>,
  run: (context: QueryContext<z.output<P>, T>) => Promise<z.output<I>>,
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Widened: the type provider cannot resolve a generic schema's output; `run` is typed by it instead.
  const response: z.ZodType = spec.response;
  app.get(
    url,
    {
      schema: {
        summary: spec.summary,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        tags: [...spec.tags],
        params: spec.params,
        querystring: z.strictObject({ after: afterSchema }),
        response: { 200: response },
      },
      config: { permission: spec.permission, openapi: { ...QUERY_DOC, ...spec.openapi } },
    },
    async (request) => {
      const principal = principalOf(request);
      const scope = readScopeOf(principal);
      const db = await tablesFor<T>(deps, spec.readModel.name, afterOf(request));
      return run({ principal, scope, params: request.params as z.output<P>, db });
    },
  );
}
