import type { RouteOptions } from 'fastify';
import type { RoutePermission } from '../plugins/access.js';

/** The error statuses an operation may list. */
export const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 412, 413, 414, 415, 422, 429, 503] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/**
 * What a route's OpenAPI operation says beyond its zod schemas: which headers it reads and sends,
 * and route-specific problem codes. Most of it is derived from the route itself (public or not,
 * method, `idempotency`); routes built with `commandPost` get theirs from it.
 */
export type OperationDoc = Readonly<{
  /** `command`: a POST that needs a token; `query`: a GET that does; `public`: no token; `probe`: health checks. */
  kind?: OperationKind;
  /**
   * `honoured`: If-Match pins the revision (412); `checked`: a malformed If-Match is refused (400)
   * but the command pins nothing (it creates its resource); `none`: the header is not read.
   */
  ifMatch?: 'honoured' | 'checked' | 'none';
  /** The route builds a command envelope: X-Client-Time is the business time, X-Correlation-Id and X-Causation-Id are stored. */
  envelope?: boolean;
  /** Success answers carry the resource's revision as ETag. */
  etag?: boolean;
  /** The success answer carries Location (a resource was created). */
  location?: boolean;
  /** A query that also answers `text/csv` for `Accept: text/csv` (queryRoute.ts). */
  csv?: boolean;
  /** A cursor-paged list: its success answer carries `Link: <next page>; rel="next"`. */
  paged?: boolean;
  /** The route reads the database (503 SERVICE_UNAVAILABLE when it is unreachable). */
  database?: boolean;
  /** Known codes this route answers beyond its kind's, per status (the status is listed even when its kind does not). */
  problems?: Readonly<Partial<Record<ProblemStatus, readonly string[]>>>;
  /** Statuses the kind lists that this route can never answer. */
  omit?: readonly ProblemStatus[];
  /** Statuses whose answer carries Retry-After beyond 429 and 503 (e.g. a 409 to retry). */
  retryAfter?: readonly ProblemStatus[];
}>;

export type OperationKind = 'command' | 'query' | 'public' | 'probe';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the OpenAPI document says of the route beyond its schemas (openapi/operationDoc.ts). */
    openapi?: OperationDoc;
  }
}

/** The facts of one operation, every field decided. */
export type OperationFacts = Readonly<{
  kind: OperationKind;
  permission: RoutePermission | undefined;
  pathParameters: boolean;
  body: boolean;
  idempotency: boolean;
  ifMatch: 'honoured' | 'checked' | 'none';
  envelope: boolean;
  /** A schema checks the query string. */
  query: boolean;
  etag: boolean;
  location: boolean;
  csv: boolean;
  paged: boolean;
  database: boolean;
  rateLimited: boolean;
  problems: Readonly<Partial<Record<ProblemStatus, readonly string[]>>>;
  omit: readonly ProblemStatus[];
  retryAfter: readonly ProblemStatus[];
}>;

/** What `commandPost` declares for each command route it builds. */
export function commandDoc(options: Readonly<{ ifMatch: 'honoured' | 'checked' }>): OperationDoc {
  return { kind: 'command', ifMatch: options.ifMatch, envelope: true, etag: true };
}

/**
 * The facts of a route as registered: the route's own declaration over what its config implies.
 * `unlimited` says whether the rate limits skip it (plugins/rateLimit.ts).
 */
export function operationFacts(route: Pick<RouteOptions, 'method' | 'url' | 'config' | 'schema'>, unlimited: (url: string) => boolean): OperationFacts {
  const config = route.config;
  const doc = config?.openapi ?? {};
  const method = [route.method].flat()[0] ?? 'GET';
  const permission = config?.permission;
  const kind: OperationKind = doc.kind ?? (permission ? (method === 'GET' ? 'query' : 'command') : config?.public ? 'public' : 'probe');
  return {
    kind,
    permission,
    pathParameters: route.url.includes(':'),
    body: route.schema?.body !== undefined,
    idempotency: config?.idempotency !== undefined,
    ifMatch: doc.ifMatch ?? 'none',
    envelope: doc.envelope ?? false,
    etag: doc.etag ?? false,
    location: doc.location ?? false,
    query: route.schema?.querystring !== undefined,
    csv: doc.csv ?? false,
    paged: doc.paged ?? false,
    // Every authenticated request reads the caller's account; public POSTs are the sign-in routes.
    database: doc.database ?? (kind === 'command' || kind === 'query' || (kind === 'public' && method === 'POST')),
    rateLimited: !unlimited(route.url),
    problems: doc.problems ?? {},
    omit: doc.omit ?? [],
    retryAfter: doc.retryAfter ?? [],
  };
}
