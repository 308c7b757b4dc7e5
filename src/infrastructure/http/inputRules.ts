/**
 * What no string of a request may hold, and how deep a body may nest: the one rule every value
 * meets at the edge, before a schema, a handler, the database or a serializer sees it.
 *
 * PostgreSQL refuses NUL in text and JSONB (a 500 if it gets that far); other C0 controls, DEL,
 * lone surrogates and the non-characters U+FFFE/U+FFFF have no meaning in any field of this API and
 * only turn up in attacks or broken encoders. Tab, line feed and carriage return stay: free text
 * (reasons) may hold them; the schemas of single-line fields refuse them.
 */

/** Deep enough for any command (a sync batch's command with a refund's lines is 7); `JSON.stringify` and zod recurse. */
export const MAX_BODY_DEPTH = 32;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasForbiddenCharacter(value: string): boolean {
  return FORBIDDEN.test(value);
}

export type InputRefusalCode = 'BODY_TOO_DEEP' | 'INVALID_CHARACTERS';

/** A 400 the error handler answers as problem+json with the pointer of the offending value in `errors`. */
export class InputRefusal extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: InputRefusalCode,
    message: string,
    /** JSON pointer into the body (RFC 6901), or `header <name>` / `query <name>` for values outside it. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'InputRefusal';
  }
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first value of a parsed JSON document that breaks the rule, or null. Iterative, so a
 * document of any depth is walked without the stack; it stops at the first level past `maxDepth`.
 */
export function refusalOf(document: unknown, maxDepth: number = MAX_BODY_DEPTH): InputRefusal | null {
  const pending: { value: unknown; pointer: string; depth: number }[] = [{ value: document, pointer: '', depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, pointer, depth } = item;
    if (typeof value === 'string') {
      if (hasForbiddenCharacter(value)) return invalidCharacters(pointer);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return new InputRefusal('BODY_TOO_DEEP', `The body nests deeper than ${maxDepth} levels`, pointer);
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((element, index) => [String(index), element]) : Object.entries(value);
    for (const [key, element] of entries) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (hasForbiddenCharacter(key)) return invalidCharacters(at);
      pending.push({ value: element, pointer: at, depth: depth + 1 });
    }
  }
  return null;
}

export function invalidCharacters(path: string): InputRefusal {
  return new InputRefusal('INVALID_CHARACTERS', 'A value holds a control character, a lone surrogate or a non-character', path);
}
