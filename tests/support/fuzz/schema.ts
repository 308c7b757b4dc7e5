import fc from 'fast-check';
import type { Random } from './random.js';

/** The part of JSON Schema (draft 2020-12, as @fastify/swagger writes zod's) the generator reads. */
export type JsonSchema = Readonly<{
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
  default?: unknown;
}>;

/**
 * A realistic value for a property named `name` (an id of an entity that exists, the shop's
 * password, a time near now), or undefined to let the schema decide. The world supplies it.
 */
export type Hint = (name: string, schema: JsonSchema, random: Random) => unknown;

const WORDS = ['Espresso', 'Croissant', 'Baguette', 'Centre', 'Till 2', 'Pain au chocolat', 'Éclair café', 'Thé vert', 'Tarte Tatin'];

function types(schema: JsonSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

/** Strings matching a pattern nobody wrote a generator for: fast-check's, seeded by our PRNG. */
function matching(pattern: string, random: Random): string {
  const [value] = fc.sample(fc.stringMatching(new RegExp(pattern, 'u')), { seed: random.seed(), numRuns: 1 });
  return value ?? '';
}

const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

function validString(schema: JsonSchema, random: Random): string {
  if (schema.format === 'uuid') return random.uuid();
  if (schema.format === 'date-time') return new Date(Date.now() - random.int(0, 3_600_000)).toISOString();
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  let value: string;
  if (schema.pattern === ID_PATTERN) value = random.string(1, 'abcdefghXYZ0123456789') + random.string(random.int(0, 20), 'abc123._:-');
  else if (schema.pattern === '^\\d{4,8}$') value = random.string(random.int(4, 8), '0123456789');
  else if (schema.pattern !== undefined && !schema.pattern.startsWith('^[^')) value = matching(schema.pattern, random);
  else value = random.chance(0.7) ? random.pick(WORDS) : random.string(random.int(1, 30), 'abcdefghijklmnopqrstuvwxyz ÀÉîõü0123456789');
  if (value.length < min) value = value.padEnd(min, 'x');
  if (value.length > max) value = value.slice(0, max);
  return value;
}

function validInteger(schema: JsonSchema, random: Random): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum === undefined ? Number.MIN_SAFE_INTEGER : schema.exclusiveMinimum + 1);
  const max = schema.maximum ?? (schema.exclusiveMaximum === undefined ? Number.MAX_SAFE_INTEGER : schema.exclusiveMaximum - 1);
  // Mostly amounts a shop sees; now and then the edges the schema allows.
  const value = random.weighted<number>([
    [8, max - min <= 10_000 ? random.int(min, max) : random.int(0, 5000)],
    [1, min],
    [1, max],
    [1, random.int(Math.max(min, -1000), Math.min(max, 1000))],
  ]);
  return Math.min(max, Math.max(min, value));
}

/** A value the schema accepts (the business rules may still refuse it), shaped by the hints. */
export function validValue(schema: JsonSchema, random: Random, hint: Hint, name = '', depth = 0): unknown {
  const hinted = name === '' ? undefined : hint(name, schema, random);
  if (hinted !== undefined) return hinted;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined && schema.enum.length > 0) return random.pick(schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined && alternatives.length > 0) return validValue(random.pick(alternatives), random, hint, name, depth + 1);
  if (schema.allOf !== undefined && schema.allOf.length > 0) return validValue(schema.allOf[0]!, random, hint, name, depth + 1);
  const kinds = types(schema);
  // Nullable fields are mostly given a value: a null exercises less.
  const kind = kinds.length === 0 ? 'any' : kinds.length === 1 || !kinds.includes('null') || random.chance(0.2) ? random.pick(kinds) : random.pick(kinds.filter((k) => k !== 'null'));
  switch (kind) {
    case 'null':
      return null;
    case 'boolean':
      return random.chance(0.5);
    case 'integer':
      return validInteger(schema, random);
    case 'number':
      return validInteger(schema, random) + (random.chance(0.5) ? 0.5 : 0);
    case 'string':
      return validString(schema, random);
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 3, min + 3);
      const length = random.int(min, Math.max(min, max));
      return Array.from({ length }, () => (schema.items ? validValue(schema.items, random, hint, singular(name), depth + 1) : random.pick(WORDS)));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || random.chance(0.6)) out[key] = validValue(property, random, hint, key, depth + 1);
      }
      return out;
    }
    default:
      return depth > 3 ? random.pick(WORDS) : random.pick([random.pick(WORDS), random.int(0, 100), {}]);
  }
}

/** `branchIds` holds `branchId`s: the hint of the item is the singular's. */
function singular(name: string): string {
  return name.endsWith('Ids') ? name.slice(0, -1) : name;
}
