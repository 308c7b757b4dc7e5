import { sql, type RawBuilder } from 'kysely';

/** A pair of keys as one map key (NUL cannot occur in an id: the edge refuses control characters). */
export function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/**
 * `(a, b) IN (VALUES (...), ...)` for the exact pairs of a batch: one index lookup per pair on a
 * `(a, b)` key, and no neighbour of another tenant caught by two separate `IN` lists.
 */
export function pairsIn(columns: readonly [string, string], pairs: readonly (readonly [string, string])[]): RawBuilder<boolean> {
  if (pairs.length === 0) return sql<boolean>`false`;
  const rows = sql.join(pairs.map(([a, b]) => sql`(${a}, ${b})`));
  return sql<boolean>`(${sql.id(columns[0])}, ${sql.id(columns[1])}) IN (VALUES ${rows})`;
}

/** Unique pairs of a list, in first-seen order. */
export function uniquePairs(pairs: Iterable<readonly [string, string]>): (readonly [string, string])[] {
  const seen = new Map<string, readonly [string, string]>();
  for (const pair of pairs) {
    const key = pairKey(pair[0], pair[1]);
    if (!seen.has(key)) seen.set(key, pair);
  }
  return [...seen.values()];
}
