import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** A hot statement starts with a marker comment: slash-star, `prepare:NAME`, star-slash. */
export const PREPARED_MARKER = /^\/\*prepare:([\w.-]{1,48})\*\//;

/**
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it each time. A statement
 * whose text starts with a `prepare:` marker comment runs as a named prepared statement instead:
 * parsed and planned once per connection. Only the few fixed hot statements carry the marker, so
 * the number of prepared statements per connection stays bounded.
 */
export function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const known = wrapped.get(client);
    if (known) return known;
    const query = (sqlOrCursor: unknown, parameters?: readonly unknown[]): unknown => {
      if (typeof sqlOrCursor === 'string') {
        const name = PREPARED_MARKER.exec(sqlOrCursor)?.[1];
        const values = parameters ? [...parameters] : [];
        return name ? client.query({ name, text: sqlOrCursor, values }) : client.query(sqlOrCursor, values);
      }
      // A cursor (streamed query) is passed through untouched.
      return client.query(sqlOrCursor as pg.Submittable);
    };
    const adapter = { query, release: () => {
      client.release();
    } } as unknown as PostgresPoolClient;
    wrapped.set(client, adapter);
    return adapter;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

