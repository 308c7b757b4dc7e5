import type { Random } from './random.js';

/**
 * Values no field of the API takes, or takes only at its edge: wrong types, out-of-range
 * numbers, strings with control characters, lone surrogates and huge lengths, deep nesting,
 * huge arrays, prototype keys. Each is a thunk so a huge one is only built when drawn.
 */
const JUNK: readonly (readonly [number, (random: Random) => unknown])[] = [
  [3, () => null],
  [2, (r) => r.pick([true, false])],
  [3, (r) => r.pick([0, -1, -0.5, 1.5, 0.1, 2 ** 31, 2 ** 53, -(2 ** 53), 2 ** 63, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5e-324])],
  [3, (r) => r.pick(['NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '12abc', '١٢٣', ' 42 ', '42', '2^53', '9007199254740993'])],
  [3, (r) => r.pick(['', ' ', '\t', '\n', '\r\n', '\u00a0', '\u200b', '\u202e', '\ufeff', 'null', 'undefined', 'true', '[]', '{}'])],
  [4, (r) => r.pick(['\u0000', 'a\u0000b', 'x\u0001', '\u0007\u0008', '\u001b[31mred', '\u007f', '\u0085', '\u009f', 'line\u2028sep', 'para\u2029sep'])],
  [3, (r) => r.pick(['\ud800', 'a\udfffb', '\udc00\ud800', '\ufffe', '\uffff', '🍕'.slice(0, 1), 'e\u0301\u0301\u0301', '🍕🥐', 'Ünïcødé', 'ﬀ', '𝔘𝔫𝔦'])],
  [3, (r) => r.pick(["'; DROP TABLE events; --", '" OR 1=1 --', '%s%s%n', '${7*7}', '{{7*7}}', '../../etc/passwd', '<script>alert(1)</script>', '\\', '%00', '%'])],
  [2, (r) => 'x'.repeat(r.pick([129, 201, 256, 501, 2049, 10_000]))],
  [1, (r) => r.string(r.pick([100_000, 400_000]), 'aé€𝄞 ')],
  [2, (r) => nest(r.pick([33, 40, 200]), r.chance(0.5))],
  // Deeper than this only as raw text (rawPayload): JSON.stringify itself recurses.
  [1, (r) => nest(1_500, r.chance(0.5))],
  [2, (r) => Array.from({ length: r.pick([501, 1000, 20_000]) }, (_, i) => (r.chance(0.5) ? i : { sku: 'X' }))],
  [2, (r) => Object.fromEntries(Array.from({ length: r.pick([50, 2000]) }, (_, i) => [`k${i}`, i]))],
  [3, (r) => r.pick([{}, [], [1, 2, 3], { a: { b: { c: 1 } } }, [[]], [null], { length: 1 }])],
  [2, (r) => r.pick([JSON.parse('{"__proto__":{"isAdmin":true}}') as unknown, { constructor: { prototype: { x: 1 } } }, { toString: 'x', valueOf: 1 }, { hasOwnProperty: 1 }])],
];

export function junkValue(random: Random): unknown {
  return random.weighted(JUNK)(random);
}

/** Arrays in arrays (or objects in objects) `depth` deep. */
function nest(depth: number, asObject: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = asObject ? { a: value } : [value];
  return value;
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return isContainer(value) && !Array.isArray(value);
}

/** Every place in the value a junk value could go: [parent, key]. */
function slots(value: unknown, out: [Container, string | number][] = [], depth = 0): [Container, string | number][] {
  if (!isContainer(value) || depth > 8) return out;
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      out.push([value, index]);
      slots(element, out, depth + 1);
    });
  } else {
    for (const [key, element] of Object.entries(value)) {
      out.push([value, key]);
      slots(element, out, depth + 1);
    }
  }
  return out;
}

/** The kinds of wrong a body can be; named in the failure report. */
export type BodyMutation = 'replace-field' | 'drop-field' | 'extra-field' | 'whole-body' | 'raw-number';

/** A copy of `value` with one thing wrong with it, and what was done. */
export function mutate(value: unknown, random: Random): { value: unknown; mutation: string } {
  const copy = structuredClone(value);
  const places = slots(copy);
  const kind = random.weighted<BodyMutation>([
    [6, 'replace-field'],
    [2, 'drop-field'],
    [2, 'extra-field'],
    [1, 'whole-body'],
  ]);
  if (kind === 'whole-body' || places.length === 0) {
    if (isObject(copy) && kind === 'extra-field') return extraField(copy, random);
    return { value: junkValue(random), mutation: 'whole-body' };
  }
  const [parent, key] = random.pick(places);
  if (kind === 'drop-field') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else Reflect.deleteProperty(parent, String(key));
    return { value: copy, mutation: `drop ${String(key)}` };
  }
  if (kind === 'extra-field') {
    const child: unknown = Array.isArray(parent) ? parent[Number(key)] : parent[String(key)];
    const target = isObject(child) ? child : isObject(copy) ? copy : undefined;
    if (target) return { ...extraField(target, random), value: copy };
  }
  const junk = junkValue(random);
  if (Array.isArray(parent)) parent[Number(key)] = junk;
  else parent[String(key)] = junk;
  return { value: copy, mutation: `replace ${String(key)}` };
}

function extraField(target: Record<string, unknown>, random: Random): { value: unknown; mutation: string } {
  const key = random.pick(['tenantId', 'total', 'role', 'isAdmin', 'revision', 'extra', '', ' ', 'a\u0000', '__proto__', 'constructor', '🍕']);
  // `__proto__` as an own key, as JSON.parse makes it.
  Object.defineProperty(target, key, { value: junkValue(random), enumerable: true, configurable: true, writable: true });
  return { value: target, mutation: `extra ${JSON.stringify(key)}` };
}

/** Bodies that are not the JSON they claim to be, or JSON of a shape no parser expects. */
export function rawPayload(random: Random): string | Buffer {
  return random.pick<() => string | Buffer>([
    () => '',
    () => ' ',
    () => '{',
    () => '{"a":',
    () => 'not json',
    () => "{'a': 1}",
    () => '{"a":1}{"b":2}',
    () => '{"a":1,"a":2}',
    () => '{"a":1,}',
    () => '\ufeff{}',
    () => '/* c */ {}',
    () => 'null',
    () => '0',
    () => '"text"',
    () => 'NaN',
    () => '{"amount":1e400}',
    () => `{"n":${'9'.repeat(400)}}`,
    () => '{"s":"\\ud800"}',
    () => '{"s":"\\u0000"}',
    () => '{"s":"\\x41"}',
    () => '{"__proto__":{"polluted":true}}',
    () => '{"constructor":{"prototype":{"polluted":true}}}',
    () => '['.repeat(random.pick([100, 10_000, 200_000])),
    () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    () => `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    () => `{"a":"${'x'.repeat(1_100_000)}"}`,
    () => Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  ])();
}
