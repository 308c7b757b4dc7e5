import { PASSWORD, PIN } from '../fullApp.js';
import { junkValue, mutate, rawPayload } from './junk.js';
import type { Random } from './random.js';
import { validValue, type Hint, type JsonSchema } from './schema.js';
import { idFor, type World } from './world.js';

/** One operation of the OpenAPI document. */
export type Operation = Readonly<{
  key: string;
  method: 'GET' | 'POST';
  path: string;
  pathParams: readonly Readonly<{ name: string; schema: JsonSchema }>[];
  queryParams: readonly Readonly<{ name: string; schema: JsonSchema; required: boolean }>[];
  body: JsonSchema | undefined;
  isPublic: boolean;
  /** It may hash a password or PIN (scrypt, a third of a second on a busy CI machine): drawn less often. */
  costly: boolean;
}>;

type OpenApiOperation = Readonly<{
  parameters?: readonly Readonly<{ in: string; name: string; schema?: JsonSchema; required?: boolean }>[];
  requestBody?: Readonly<{ content?: Readonly<Record<string, Readonly<{ schema?: JsonSchema }>>> }>;
  security?: readonly unknown[];
}>;

export type OpenApiDocument = Readonly<{ paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>> }>;

/** Every operation of the document, as the fuzzer drives it. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(item)) {
      const method = verb.toUpperCase();
      if (method !== 'GET' && method !== 'POST') throw new Error(`fuzz: ${method} ${path} is a method the generator does not drive yet`);
      out.push({
        key: `${method} ${path}`,
        method,
        path,
        pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: (operation.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true })),
        body: operation.requestBody?.content?.['application/json']?.schema,
        isPublic: Array.isArray(operation.security) && operation.security.length === 0,
        costly: /"(password|pin)"/.test(JSON.stringify(operation.requestBody ?? {})),
      });
    }
  }
  return out;
}

/** A request as injected, with what makes it what it is (for the failure report). */
export type FuzzRequest = Readonly<{
  operation: string;
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  payload: string | Buffer | undefined;
  /** Whose token it carries: a role, "no authorization" or "bad authorization". */
  who: string;
  /** What is wrong with it on purpose ("replace amount", "bad orderId", "raw body"...); empty: a valid request. */
  faults: readonly string[];
}>;

/** Commands that end what their path names: only the spare entities are their real targets. */
const ENDING = /\/(suspend|close|deactivate|terminate|forget|role|credentials|unassign|unbind)$/;

const BAD_PATH_IDS = [
  '..', '.', '%2e%2e', '%2E%2E%2F', '%00', 'a%00b', '%2F', 'a%2Fb', '%', '%ZZ', '%C3%28', '%ED%A0%80', '%EF%BF%BE', '%E2%80%A8',
  encodeURIComponent('🍕'), encodeURIComponent('ünï'), encodeURIComponent('a b'), '%20', '-', '_', 'null', 'undefined', '0', '-1', '1e3',
  '__proto__', 'constructor', 'prototype', 'x'.repeat(129), 'x'.repeat(255), 'x'.repeat(257), 'x'.repeat(5_000),
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', '{00000000-0000-0000-0000-000000000000}', '00000000-0000-0000-0000-000000000000', '*', '%2A', ';', '%3B', '?', '#',
];

const BAD_QUERIES = ['?x=1', '?__proto__[polluted]=1', '?constructor[prototype][x]=1', '?a=%00', '?a=%ZZ', '?a=%C3%28', `?${'a=1&'.repeat(2_000)}`, '?tenantId=other', '?a[]=1&a[]=2', '?=&=', '??', '?%', `?q=${'x'.repeat(10_000)}`];

const CLIENT_TIMES = [
  'yesterday', '2026-13-45T00:00:00Z', '2026-12-02T10:00:00', '2026-02-29T00:00:00Z', '1999-01-01T00:00:00Z', '2999-01-01T00:00:00Z',
  '', ' ', '1733140000', 'x'.repeat(1_000), '2026-12-02T10:00:00+25:00', '2026-12-02 10:00:00Z', 'NaN', '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00Z',
];
const IF_MATCHES = ['"0"', '"1"', '"2"', '*', 'W/"3"', '1', '"-1"', '"abc"', '"99999999999999999999"', '""', 'W/', '"1", "2"', ' "1" ', 'x'.repeat(500)];
const IDEMPOTENCY_KEYS = ['', ' ', 'x'.repeat(200), 'a b', 'ключ', '../x', 'k\u00ff', 'fixed-key-1', 'fixed-key-2', '*'];
const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/problem+json', 'APPLICATION/JSON', 'application/jsonx', 'application/vnd.api+json', 'application/json; charset', 'json', '*/*', ';', 'application/xml',
];
const EXTRA_HEADERS: readonly (readonly [string, string])[] = [
  ['accept', 'text/html'], ['accept', 'application/xml'], ['accept', '*/*;q=abc'], ['accept-encoding', 'gzip;q=2, br, x'], ['accept-language', 'x'.repeat(3_000)],
  ['x-request-id', 'x'.repeat(300)], ['x-request-id', 'a b\u00ff'], ['x-correlation-id', '../../x'], ['x-causation-id', 'x'.repeat(500)],
  ['traceparent', '00-xyz-abc-01'], ['traceparent', `00-${'0'.repeat(32)}-${'0'.repeat(16)}-00`], ['tracestate', 'a=b,'.repeat(300)],
  ['x-forwarded-for', '999.1.1.1, ::ffff:zz'], ['x-forwarded-for', 'x'.repeat(2_000)], ['origin', 'https://evil.example'], ['origin', 'null'],
  ['x-http-method-override', 'DELETE'], ['x-tillstream-sync', '1'], ['cookie', 'session=1; x'], ['range', 'bytes=0-1'], ['expect', '100-continue'],
];
const OTHER_METHODS = ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET', 'POST'] as const;

/** Realistic values for the fields the API has, by name; undefined lets the schema decide. */
function hints(world: World, ending: boolean): Hint {
  return (name, _schema, random) => {
    if (name.endsWith('Id') && name !== 'idempotencyKey' && random.chance(0.6)) {
      if (name === 'deviceId' && random.chance(0.5)) return world.tillDeviceId;
      return idFor(world, name, random, ending);
    }
    switch (name) {
      case 'email':
        return random.chance(0.5) && world.emails.length > 0 ? random.pick(world.emails) : `fuzz-${random.string(8, 'abcdef0123')}@shop.example`;
      case 'password':
        return random.chance(0.7) ? PASSWORD : undefined;
      case 'pin':
        return random.chance(0.6) ? PIN : undefined;
      case 'refreshToken':
        return random.chance(0.7) && world.refreshTokens.length > 0 ? random.pick(world.refreshTokens) : undefined;
      case 'timeZone':
        return random.pick(['Europe/Paris', 'UTC', 'America/New_York', 'Asia/Kolkata', 'Mars/Olympus', 'Etc/GMT+14']);
      case 'reason':
        return random.chance(0.5) ? 'Customer returned the item unopened' : undefined;
      case 'quantity':
        return random.chance(0.8) ? random.int(1, 5) : undefined;
      case 'basisPoints':
      case 'discountApprovalThresholdBasisPoints':
        return random.chance(0.8) ? random.int(0, 3_000) : undefined;
      case 'clientTime':
        return new Date(Date.now() - random.int(0, 3_600_000)).toISOString();
      case 'name':
      case 'legalName':
        return random.chance(0.5) ? random.pick(['Rue du Four', 'Caisse 3', 'Boulangerie Fuzz A', 'Müller & Söhne']) : undefined;
      default:
        return undefined;
    }
  };
}

/** A sync batch: commands of the real operations (their paths with real ids and valid bodies), now and then a path sync must refuse. */
function syncBody(world: World, operations: readonly Operation[], random: Random): unknown {
  const commands = operations.filter((op) => op.method === 'POST' && !op.path.startsWith('/v1/auth') && op.path !== '/v1/sync' && op.path.startsWith('/v1/'));
  const count = random.weighted([[6, random.int(1, 3)], [2, random.int(4, 20)], [1, random.int(21, 60)]]);
  return {
    deviceId: random.chance(0.85) ? world.tillDeviceId : (idFor(world, 'deviceId', random, false) ?? 'till'),
    commands: Array.from({ length: count }, (_, index) => {
      const op = random.pick(commands);
      const ending = ENDING.test(op.path);
      const path = random.chance(0.1)
        ? random.pick(['/v1/sync', '/v1/auth/login', '/v1/../v1/orders', '/v1/orders?x=1', 'http://evil.example/v1/orders', '/health', '/v1/orders/%2e%2e', '/v1/orders/a%00', '/v1', '/v1/', '/v1//orders', '/v1/openapi.json'])
        : op.path.replace(/\{(\w+)\}/g, (_m, name: string) => idFor(world, name, random, ending) ?? random.uuid());
      const body = op.body ? validValue(op.body, random, hints(world, ending)) : {};
      return {
        idempotencyKey: random.chance(0.1) ? `dup-${index % 2}` : `k-${random.string(16, 'abcdef0123456789')}`,
        clientTime: new Date(Date.now() - random.int(0, 600_000)).toISOString(),
        method: 'POST',
        path,
        body: random.chance(0.15) ? mutate(body, random).value : body,
      };
    }),
  };
}

/** The operation's query parameters (values its schemas take; one junk when faulty), or a query no route takes. */
function queryString(world: World, op: Operation, random: Random, faulty: boolean, variant: string[], ending: boolean): string {
  if (faulty && (op.queryParams.length === 0 || random.chance(0.4))) {
    variant.push('query');
    return random.pick(BAD_QUERIES);
  }
  const bad = faulty ? random.pick(op.queryParams).name : undefined;
  const pairs: string[] = [];
  for (const param of op.queryParams) {
    if (param.name === bad) {
      variant.push(`bad query ${param.name}`);
      const junk = junkValue(random);
      const text = typeof junk === 'string' ? junk : JSON.stringify(junk);
      pairs.push(`${encodeURIComponent(param.name)}=${random.chance(0.8) ? encodeLoosely(text.slice(0, 20_000)) : random.pick(['%00', '%ZZ', '%C3%28', ''])}`);
      continue;
    }
    if (!param.required && random.chance(0.5)) continue;
    const value = validValue(param.schema, random, hints(world, ending), param.name);
    pairs.push(`${encodeURIComponent(param.name)}=${encodeLoosely(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function authorization(world: World, op: Operation, random: Random, faulty: boolean): Readonly<{ who: string; value: string | undefined }> {
  if (faulty) return random.chance(0.3) ? { who: 'no authorization', value: undefined } : { who: 'bad authorization', value: random.pick(world.badAuthorizations) };
  // The sign-in routes are public: mostly called as a till would, without a token.
  if (op.isPublic && random.chance(0.7)) return { who: 'no authorization', value: undefined };
  // Learnt from the answers: a role an operation refused is seldom drawn again, so most requests get past the role check.
  const refused = world.refusedRoles.get(op.key);
  const holder = random.weighted(world.tokens.map((t) => [refused?.has(t.who) ? t.weight / 40 : t.weight, t] as const));
  return { who: holder.who, value: `Bearer ${holder.token}` };
}

type Fault = 'method' | 'path' | 'query' | 'authorization' | 'header' | 'extra header' | 'body' | 'content-type';

/** What a faulty request gets wrong: one thing mostly, now and then two. */
function faultsOf(op: Operation, random: Random): ReadonlySet<Fault> {
  const choices: (readonly [number, Fault])[] = [
    [1, 'method'],
    [op.pathParams.length > 0 ? 4 : 0, 'path'],
    [1, 'query'],
    [3, 'authorization'],
    [op.method === 'POST' ? 3 : 0, 'header'],
    [1, 'extra header'],
    [op.method === 'POST' ? 10 : 1, 'body'],
    [op.method === 'POST' ? 1 : 0, 'content-type'],
  ];
  const faults = new Set<Fault>([random.weighted(choices)]);
  if (random.chance(0.2)) faults.add(random.weighted(choices));
  return faults;
}

/** A request of `op`: entirely valid 45 % of the time (real ids, a token, a body the schema takes), else wrong in one or two ways. */
export function nextRequest(world: World, operations: readonly Operation[], op: Operation, random: Random): FuzzRequest {
  const variant: string[] = [];
  const ending = ENDING.test(op.path);
  const faults: ReadonlySet<Fault> = random.chance(0.45) ? new Set() : faultsOf(op, random);

  let method: string = op.method;
  if (faults.has('method')) {
    method = random.pick(OTHER_METHODS.filter((m) => m !== op.method));
    variant.push(`method ${method}`);
  }

  const badParam = faults.has('path') ? random.pick(op.pathParams).name : undefined;
  let url = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (name === badParam) {
      variant.push(`bad ${name}`);
      return random.pick(BAD_PATH_IDS);
    }
    // Mostly what exists (in this tenant or another); now and then an id nobody has.
    return random.chance(0.1) ? random.uuid() : (idFor(world, name, random, ending) ?? random.uuid());
  });
  url += queryString(world, op, random, faults.has('query'), variant, ending);

  const headers: Record<string, string> = {};
  const auth = authorization(world, op, random, faults.has('authorization'));
  if (auth.value !== undefined) headers.authorization = auth.value;
  if (op.method === 'POST') {
    // Commands from a till need a key: a fresh one mostly, a replayed one sometimes.
    headers['idempotency-key'] = random.chance(0.85) ? `fuzz-${random.string(12, 'abcdef0123456789')}` : `replay-${random.int(0, 9)}`;
    if (random.chance(0.15)) headers['x-client-time'] = new Date(Date.now() - random.int(0, 86_400_000)).toISOString();
    if (random.chance(0.1)) headers['if-match'] = `"${random.int(0, 3)}"`;
    if (faults.has('header')) {
      const [name, bad] = random.pick([
        ['x-client-time', CLIENT_TIMES],
        ['if-match', IF_MATCHES],
        ['idempotency-key', IDEMPOTENCY_KEYS],
      ] as const);
      if (name === 'idempotency-key' && random.chance(0.3)) Reflect.deleteProperty(headers, name);
      else headers[name] = random.pick(bad);
      variant.push(`header ${name}`);
    }
  }
  if (faults.has('extra header')) {
    const [name, value] = random.pick(EXTRA_HEADERS);
    headers[name] = value;
    variant.push(`header ${name}`);
  }

  let payload: string | Buffer | undefined;
  // A GET with a body now and then: the body of a wrong request.
  if (op.method === 'POST' || (faults.has('body') && random.chance(0.5))) {
    const roll = random.next();
    if (faults.has('body') && roll < 0.15) {
      payload = rawPayload(random);
      variant.push('raw body');
    } else if (faults.has('body') && roll < 0.22) {
      payload = undefined;
      variant.push('no body');
    } else {
      let body: unknown = op.path === '/v1/sync' ? syncBody(world, operations, random) : op.body ? validValue(op.body, random, hints(world, ending)) : {};
      if (faults.has('body') && roll < 0.95) {
        const mutated = mutate(body, random);
        body = mutated.value;
        variant.push(mutated.mutation);
        if (random.chance(0.2)) {
          const again = mutate(body, random);
          body = again.value;
          variant.push(again.mutation);
        }
      } else if (faults.has('body')) {
        body = junkValue(random);
        variant.push('junk body');
      }
      payload = JSON.stringify(body);
    }
    if (payload !== undefined) {
      headers['content-type'] = faults.has('content-type') ? random.pick(CONTENT_TYPES) : 'application/json';
      if (headers['content-type'] !== 'application/json') variant.push(`content-type ${headers['content-type']}`);
    }
  }
  return { operation: op.key, method, url, headers, payload, who: auth.who, faults: variant };
}

/**
 * A URL carries UTF-8, which has no lone surrogates: they go as the raw bytes a client would send
 * for them (the UTF-8 of U+FFFD), where encodeURIComponent would throw.
 */
function encodeLoosely(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}
