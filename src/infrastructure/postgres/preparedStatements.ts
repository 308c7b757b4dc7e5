import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { Availability } from './availability.js';
import { DatabaseUnavailableError, isConnectionLost } from './unavailable.js';

/** A hot statement starts with a marker comment: slash-star, `prepare:NAME`, star-slash. */
export const PREPARED_MARKER = /^\/\*prepare:([\w.-]{1,48})\*\//;

/**
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it each time. A statement
 * whose text starts with a `prepare:` marker comment runs as a named prepared statement instead:
 * parsed and planned once per connection. Only the few fixed hot statements carry the marker, so
 * the number of prepared statements per connection stays bounded.
 *
 * The pool kysely sees also goes through the circuit breaker (`availability`): no connection is
 * handed out while the database is known to be unreachable, every failure is reported to it, and
 * a client whose connection failed is destroyed on release rather than pooled again (after pg's
 * read timeout the timed-out statement still occupies the connection).
 */
export function withPreparedStatements(pool: pg.Pool, availability: Availability): PostgresPool {
  // One adapter per client, so kysely keeps one connection object per pooled client.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const known = wrapped.get(client);
    if (known) return known;
    let broken = false;
    const failed = (error: unknown): never => {
      if (isConnectionLost(error)) broken = true;
      availability.observe(error);
      throw error;
    };
    const query = (sqlOrCursor: unknown, parameters?: readonly unknown[]): unknown => {
      // E.g. the ROLLBACK after a read timeout: it would queue behind the statement still stuck
      // on this connection and wait out a second timeout.
      if (broken) return Promise.reject(new DatabaseUnavailableError('this connection to the database was lost'));
      if (typeof sqlOrCursor === 'string') {
        const name = PREPARED_MARKER.exec(sqlOrCursor)?.[1];
        const values = parameters ? [...parameters] : [];
        return (name ? client.query({ name, text: sqlOrCursor, values }) : client.query(sqlOrCursor, values)).catch(failed);
      }
      // A cursor (streamed query) is passed through untouched.
      return client.query(sqlOrCursor as pg.Submittable);
    };
    const adapter = {
      query,
      release: () => {
        client.release(broken);
      },
    } as unknown as PostgresPoolClient;
    wrapped.set(client, adapter);
    return adapter;
  };
  return {
    connect: async () => {
      availability.assertReachable();
      try {
        return wrap(await pool.connect());
      } catch (error) {
        availability.observe(error);
        throw error;
      }
    },
    end: () => {
      availability.close();
      return pool.end();
    },
  };
}
