import type { OpenAPIV3, OpenAPIV3_1 } from 'openapi-types';
import { MAX_BODY_DEPTH } from '../inputRules.js';

/**
 * The shared pieces of the OpenAPI document: the one problem schema every error refers to, the
 * answer headers and the request headers the app reads. Names are the HTTP header names.
 */

export const PROBLEM_SCHEMA_NAME = 'Problem';
export const PROBLEM_SCHEMA_REF = `#/components/schemas/${PROBLEM_SCHEMA_NAME}`;

/** RFC 9457 problem details with the extension members the error handler really sends (problem.ts, plugins/errors.ts). */
const problemSchema: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details. `code` is stable and meant for programs; `detail` is for people and may change.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'Always `about:blank`: the status and `code` say what happened', examples: ['about:blank'] },
    title: { type: 'string', description: 'The status phrase, e.g. `Not Found`' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status of the answer' },
    detail: { type: 'string', description: 'What went wrong, for people' },
    instance: { type: 'string', description: 'The request URL the problem is about' },
    code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]*$',
      description: 'Stable machine-readable reason, e.g. `VALIDATION_FAILED`, `REVISION_MISMATCH`; `HTTP_<status>` when nothing more precise is known',
    },
    errors: {
      type: 'array',
      description: 'Which values were refused (400 VALIDATION_FAILED, BODY_TOO_DEEP, INVALID_CHARACTERS)',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', description: 'JSON pointer into the body (RFC 6901), or `header <name>`, `param <name>`, `query <name>`' },
          message: { type: 'string' },
        },
      },
    },
    details: { type: 'object', additionalProperties: true, description: 'Plain values of the refusal chosen by the rule that raised it, e.g. the current revision' },
    checks: {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['ok', 'unavailable'] },
      description: '`GET /ready` only: the state of each dependency',
    },
  },
  additionalProperties: true,
};

// openapi-types' 3.1 header and parameter objects hold 3.0 schemas: these use nothing 3.1 adds.
const header = (description: string, schema: OpenAPIV3.SchemaObject = { type: 'string' }): OpenAPIV3_1.HeaderObject => ({ description, schema });

/** Answer headers, referred to from each response as `#/components/headers/<name>`. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': header('The request id: the one the client sent when it is 1 to 128 of `[A-Za-z0-9_.:-]`, else one the server chose. Logged with the request.'),
  ETag: header('The resource’s stream revision as a strong ETag, e.g. `"3"` (`"-1"`: the stream does not exist yet); send it back as `If-Match`.'),
  'Idempotent-Replayed': header('`true` when the answer is the stored answer of an earlier request with the same Idempotency-Key, not a new run.', { type: 'string', enum: ['true'] }),
  Location: header('The URL of the resource created'),
  Link: header('`<url>; rel="next"`: the next page of a cursor-paged list (RFC 8288); absent on the last page'),
  'Retry-After': header('Seconds to wait before retrying', { type: 'integer', minimum: 1 }),
  'RateLimit-Limit': header('Requests allowed in the window of the tightest rate limit that applies (IETF RateLimit header fields draft)', { type: 'integer', minimum: 1 }),
  'RateLimit-Remaining': header('Requests left in that window', { type: 'integer', minimum: 0 }),
  'RateLimit-Reset': header('Seconds until that window resets', { type: 'integer', minimum: 0 }),
  'WWW-Authenticate': header('`Bearer`: the route needs a bearer access token', { type: 'string', enum: ['Bearer'] }),
} satisfies Readonly<Record<string, OpenAPIV3_1.HeaderObject>>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

export const headerRef = (name: ResponseHeaderName): OpenAPIV3_1.ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const requestHeader = (name: string, description: string, schema: OpenAPIV3.SchemaObject, example?: string): OpenAPIV3_1.ParameterObject => ({
  name,
  in: 'header',
  required: false,
  description,
  schema,
  ...(example === undefined ? {} : { example }),
});

const ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';

/**
 * Request headers the app reads. Written out in each operation rather than referred to, so a
 * reader of `parameters` finds `in` and `name` without resolving references.
 */
export const REQUEST_HEADERS = {
  'Idempotency-Key': requestHeader(
    'Idempotency-Key',
    'A key the client chooses per command (1 to 128 of `[A-Za-z0-9._:-]`). A retry with the same key and body answers the stored answer ' +
      '(`Idempotent-Replayed: true`); the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, ' +
      '409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After. Required of cashiers (400 IDEMPOTENCY_KEY_REQUIRED); a malformed key is 400 IDEMPOTENCY_KEY_INVALID.',
    { type: 'string', pattern: ID_PATTERN },
  ),
  'If-Match': requestHeader(
    'If-Match',
    'The ETag of the revision the client read (`"3"`, or `W/"3"`); the command is refused with 412 REVISION_MISMATCH when the resource has moved on. ' +
      '`*` or absent: no check. Anything else is 400 INVALID_IF_MATCH.',
    { type: 'string' },
    '"3"',
  ),
  'X-Client-Time': requestHeader(
    'X-Client-Time',
    'The till’s business time of the command, an RFC 3339 timestamp with its offset (else 400 INVALID_CLIENT_TIME); at most 8 days in the past and ' +
      '5 minutes ahead of the server (else 422 CLIENT_TIME_OUT_OF_RANGE). Absent: the server’s time.',
    { type: 'string', format: 'date-time' },
    '2026-11-21T09:30:00+01:00',
  ),
  'X-Request-Id': requestHeader('X-Request-Id', 'A request id to log and echo (1 to 128 of `[A-Za-z0-9_.:-]`); another value is replaced by one the server chooses.', {
    type: 'string',
    pattern: ID_PATTERN,
  }),
  'X-Correlation-Id': requestHeader('X-Correlation-Id', 'Stored on the events the command writes; the request id when absent or malformed.', { type: 'string', pattern: ID_PATTERN }),
  'X-Causation-Id': requestHeader('X-Causation-Id', 'The message that caused this command, stored on its events; ignored when malformed.', { type: 'string', pattern: ID_PATTERN }),
} satisfies Readonly<Record<string, OpenAPIV3_1.ParameterObject>>;

export type RequestHeaderName = keyof typeof REQUEST_HEADERS;

export const COMPONENTS = {
  schemas: { [PROBLEM_SCHEMA_NAME]: problemSchema },
  headers: RESPONSE_HEADERS,
} satisfies OpenAPIV3_1.ComponentsObject;

/** Said once in the document's description: what the per-operation responses do not repeat. */
export const ERROR_OVERVIEW =
  'Every error is RFC 9457 problem+json (`application/problem+json`, schema `Problem`) with a stable `code`; each operation lists ' +
  'the statuses it can answer and their known codes. Beside them, on any request: a body nesting deeper than ' +
  `${MAX_BODY_DEPTH} levels (400 BODY_TOO_DEEP) or a control character in any value (400 INVALID_CHARACTERS); a connection-level ` +
  'refusal (400 MALFORMED_REQUEST, 408 REQUEST_TIMEOUT, 414 URI_TOO_LONG, 431 HEADERS_TOO_LARGE) answered before routing.';
