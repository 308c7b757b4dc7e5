import { sql, type RawBuilder } from 'kysely';

/** A pair of keys as one map key (NUL cannot occur in an id: the edge refuses control characters). */
export function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/**
 * `(a, b) IN (...)` for the exact pairs of a batch, sent as one JSON parameter: no neighbour of
 * another tenant caught by two separate `IN` lists, one small statement whatever the number of
 * pairs, and a set the planner guesses small, so it looks each pair up on the `(a, b)` key. (A
 * `VALUES` list of thousands of pairs made it scan the whole table, every batch of a rebuild.)
 */
export function pairsIn(columns: readonly [string, string], pairs: readonly (readonly [string, string])[]): RawBuilder<boolean> {
  if (pairs.length === 0) return sql<boolean>`false`;
  const json = JSON.stringify(pairs.map(([a, b]) => ({ a, b })));
  return sql<boolean>`(${sql.id(columns[0])}, ${sql.id(columns[1])}) IN (SELECT p.a, p.b FROM json_to_recordset(${json}::json) AS p(a text, b text))`;
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
