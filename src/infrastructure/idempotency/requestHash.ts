import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so a till that serialises the same body with its
 * keys in another order on retry is still recognised as sending the same request.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    return canonicalJson((value.toJSON as () => unknown)());
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/**
 * What makes two requests "the same" for a key: method, URL (with its ids, so one key cannot
 * answer for another order) and body. Headers are left out: a retry may carry a fresh token.
 */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${url}\n${canonicalJson(body)}`).digest('hex');
}
