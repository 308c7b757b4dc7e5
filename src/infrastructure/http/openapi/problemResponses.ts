import type { OpenAPIV3_1 } from 'openapi-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.js';
import { PROBLEM_SCHEMA_REF, REQUEST_HEADERS, headerRef, type ResponseHeaderName } from './components.js';
import { PROBLEM_STATUSES, type OperationFacts, type ProblemStatus } from './operationDoc.js';

/** What each status means in this API, whatever the operation. */
const MEANING: Readonly<Record<ProblemStatus, string>> = {
  400: 'The request is malformed: a value the schema refuses (`errors` points at each), a body that is not JSON, a bad header.',
  401: 'No valid credentials: the route needs a bearer access token, or the credentials given are not valid.',
  403: 'The caller may not do this: its role, or the target is outside its tenant’s branches or its till.',
  404: 'No such resource, or one of another tenant (the same answer, so nothing leaks).',
  409: 'The resource’s current state refuses the request; read it again, or retry later when Retry-After is sent.',
  412: 'If-Match names a revision the resource has moved on from; read it again (its ETag) and decide again.',
  413: 'The body is larger than the server takes.',
  414: 'A path segment is longer than the server takes.',
  415: 'The body is not `application/json`.',
  422: 'The request is well formed but a business rule refuses a value in it.',
  429: 'Too many requests; retry after the seconds in Retry-After.',
  503: 'A dependency is unreachable or busy for now; retry after the seconds in Retry-After.',
};

/** The known codes an operation answers with each status, derived from its facts. */
export function problemCodes(facts: OperationFacts): ReadonlyMap<ProblemStatus, readonly string[]> {
  const authenticated = facts.kind === 'command' || facts.kind === 'query';
  const command = facts.kind === 'command';
  const codes = new Map<ProblemStatus, string[]>();
  const add = (status: ProblemStatus, when: boolean, ...list: string[]): void => {
    if (!when) return;
    const known = codes.get(status) ?? [];
    for (const code of list) if (!known.includes(code)) known.push(code);
    codes.set(status, known);
  };
  add(400, facts.pathParameters || facts.query || facts.body, 'VALIDATION_FAILED');
  add(400, true, 'INVALID_CHARACTERS');
  add(400, facts.pathParameters, 'INVALID_URL');
  add(400, facts.body, 'BODY_TOO_DEEP', 'FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY');
  add(400, facts.envelope, 'INVALID_CLIENT_TIME');
  add(400, facts.ifMatch !== 'none', 'INVALID_IF_MATCH');
  add(400, facts.idempotency, 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_INVALID');
  add(401, authenticated, 'UNAUTHENTICATED', 'INVALID_TOKEN', 'SESSION_ENDED');
  add(403, authenticated, 'ROLE_NOT_ALLOWED');
  add(403, authenticated && facts.permission?.support !== 'read', 'SUPPORT_IS_READ_ONLY');
  add(403, authenticated && (facts.permission?.scope === 'branch' || facts.permission?.scope === 'device'), 'OUTSIDE_YOUR_BRANCHES');
  add(403, authenticated && facts.permission?.scope === 'device', 'OUTSIDE_YOUR_DEVICE');
  add(404, authenticated, 'NOT_FOUND');
  add(409, command);
  add(409, command && facts.envelope, 'CONCURRENT_MODIFICATION');
  add(409, facts.idempotency, 'IDEMPOTENCY_KEY_IN_FLIGHT');
  add(412, facts.ifMatch === 'honoured', 'REVISION_MISMATCH');
  add(413, facts.body, 'FST_ERR_CTP_BODY_TOO_LARGE');
  add(414, facts.pathParameters, 'URI_TOO_LONG');
  add(415, facts.body, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
  add(422, command);
  add(422, facts.envelope, 'CLIENT_TIME_OUT_OF_RANGE');
  add(422, facts.idempotency, 'IDEMPOTENCY_KEY_REUSED');
  add(429, facts.rateLimited, 'RATE_LIMITED');
  add(503, facts.database, 'SERVICE_UNAVAILABLE');
  add(503, command && facts.envelope, 'READ_MODEL_BEHIND');
  for (const status of PROBLEM_STATUSES) add(status, facts.problems[status] !== undefined, ...(facts.problems[status] ?? []));
  for (const status of facts.omit) codes.delete(status);
  return new Map(PROBLEM_STATUSES.flatMap((status) => (codes.has(status) ? [[status, codes.get(status) ?? []] as const] : [])));
}

/** Headers of every answer of the operation, success or problem. */
function commonHeaders(facts: OperationFacts): ResponseHeaderName[] {
  return ['X-Request-Id', ...(facts.rateLimited ? (['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const) : [])];
}

function headerMap(names: readonly ResponseHeaderName[]): Record<string, OpenAPIV3_1.ReferenceObject> {
  return Object.fromEntries(names.map((name) => [name, headerRef(name)]));
}

const DOMAIN_CODES_NOTE: Partial<Record<ProblemStatus, string>> = {
  403: ' Beside these, the rules of the target may answer their own codes (e.g. TENANT_ADMIN_ONLY, OWN_RECORD_ONLY).',
  409: ' Beside these, each rule of the resource’s state has its own code (e.g. TENANT_NOT_ACTIVE, EMAIL_IN_USE).',
  422: ' Beside these, each business rule has its own code (e.g. AMOUNT_OUT_OF_RANGE, INVALID_NAME).',
};

/** The problem+json responses of an operation, one per status it can answer, each with its known codes. */
export function problemResponses(facts: OperationFacts): Record<string, OpenAPIV3_1.ResponseObject> {
  const responses: Record<string, OpenAPIV3_1.ResponseObject> = {};
  for (const [status, codes] of problemCodes(facts)) {
    const retry = status === 429 || status === 503 || facts.retryAfter.includes(status) || (status === 409 && facts.idempotency);
    // The router answers 414 before any hook runs: no request id, no rate-limit count.
    const common = status === 414 ? [] : commonHeaders(facts);
    const headers: ResponseHeaderName[] = [...common, ...(retry ? (['Retry-After'] as const) : []), ...(status === 401 ? (['WWW-Authenticate'] as const) : [])];
    const domainNote = facts.kind === 'command' || (facts.kind === 'query' && status === 403) ? (DOMAIN_CODES_NOTE[status] ?? '') : '';
    const listed = codes.length > 0 ? ` Known codes: ${codes.map((code) => `\`${code}\``).join(', ')}.` : '';
    responses[String(status)] = {
      description: `${MEANING[status]}${listed}${domainNote}`,
      headers: headerMap(headers),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: PROBLEM_SCHEMA_REF },
          ...(codes.length > 0 ? { examples: Object.fromEntries(codes.map((code) => [code, { value: problem(status, { code }) }])) } : {}),
        },
      },
    };
  }
  return responses;
}

/** Headers of the operation's success answers. */
export function successHeaders(facts: OperationFacts): Record<string, OpenAPIV3_1.ReferenceObject> {
  return headerMap([
    ...commonHeaders(facts),
    ...(facts.etag ? (['ETag'] as const) : []),
    ...(facts.idempotency ? (['Idempotent-Replayed'] as const) : []),
    ...(facts.location ? (['Location'] as const) : []),
    ...(facts.paged ? (['Link'] as const) : []),
  ]);
}

/** Request headers the operation reads. */
export function requestHeaders(facts: OperationFacts): OpenAPIV3_1.ParameterObject[] {
  return [
    ...(facts.idempotency ? [REQUEST_HEADERS['Idempotency-Key']] : []),
    ...(facts.ifMatch === 'honoured' ? [REQUEST_HEADERS['If-Match']] : []),
    ...(facts.envelope ? [REQUEST_HEADERS['X-Client-Time'], REQUEST_HEADERS['X-Correlation-Id'], REQUEST_HEADERS['X-Causation-Id']] : []),
    REQUEST_HEADERS['X-Request-Id'],
  ];
}
