import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { QueryRefusal } from './errors.js';

/**
 * Opaque keyset cursors. A page ends at a row; the next page starts strictly after that row's
 * sort key, so rows inserted meanwhile never shift a page (no offset drift) and paging is an index
 * range scan whatever the depth.
 *
 * The token is base64url of `{ k: sortKey, f: fingerprint, c: check }`. `f` binds it to the
 * query's filters (a cursor of one filter set is refused on another), `c` is a digest of both
 * so a token edited by hand is refused (400 INVALID_CURSOR) rather than read as a different
 * place. It is no signature and needs none: it carries no authority, every page is scoped from
 * the caller's token anyway, so a forged cursor can at most seek inside what the caller may read.
 */
export type SortKey = readonly (string | number)[];

type Token = { k: SortKey; f: string; c: string };

const MAX_TOKEN = 1024;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** A stable digest of the filters a cursor belongs to (key order does not matter; undefined is absent). */
export function fingerprintOf(scope: string, filters: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return digest(JSON.stringify([scope, entries]));
}

export function encodeCursor(key: SortKey, fingerprint: string): string {
  const token: Token = { k: key, f: fingerprint, c: digest(JSON.stringify([key, fingerprint])) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/**
 * The sort key a cursor points after, checked against the key's schema and the query's fingerprint.
 * @throws QueryRefusal INVALID_CURSOR for anything this server did not hand out for these filters.
 */
export function decodeCursor<K extends SortKey>(cursor: string, keySchema: z.ZodType<K>, fingerprint: string): K {
  const refuse = (why: string): never => {
    throw new QueryRefusal('INVALID_CURSOR', `The cursor is not one this API handed out for these filters (${why}); start again without it`);
  };
  if (cursor.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(cursor)) return refuse('malformed');
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse('malformed');
  }
  if (typeof token !== 'object' || token === null) return refuse('malformed');
  const { k, f, c } = token as Partial<Record<keyof Token, unknown>>;
  if (typeof f !== 'string' || typeof c !== 'string' || !Array.isArray(k)) return refuse('malformed');
  if (c !== digest(JSON.stringify([k, f]))) return refuse('altered');
  if (f !== fingerprint) return refuse('other filters');
  const parsed = keySchema.safeParse(k);
  if (!parsed.success) return refuse('unknown key');
  return parsed.data;
}
