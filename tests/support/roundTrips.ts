import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';

/** What one piece of work sent to the database, in the order it was sent. */
export type RoundTrips = {
  /** One entry per round trip: a statement (also BEGIN and COMMIT) and the first words of its text. */
  readonly statements: string[];
  /** New connections opened meanwhile (several round trips each; the pool's, amortised over its life). */
  connects: number;
};

const counting = new AsyncLocalStorage<RoundTrips>();
let installed = false;

function textOf(statement: unknown): string {
  const text = typeof statement === 'string' ? statement : (statement as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, 160) : '(submittable)';
}

/**
 * Counts, per piece of work run through `countRoundTrips`, what reaches the database: every call
 * of `pg.Client#query` on a server (node-postgres sends one statement and waits for its answer
 * before the next, pool or not: one call is one network round trip; it never pipelines), and
 * every `PGlite#query`/`exec` on the embedded database (in process: there a "round trip" is a
 * statement). Work is told apart by its async context, so the projection follower and other
 * background work running at the same time is not counted against a request.
 */
export function installRoundTripCounter(): void {
  if (installed) return;
  installed = true;
  const clientProto = pg.Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const query = clientProto.query as (...args: unknown[]) => unknown;
  const connect = clientProto.connect as (...args: unknown[]) => unknown;
  clientProto.query = function countedQuery(this: unknown, ...args: unknown[]) {
    counting.getStore()?.statements.push(textOf(args[0]));
    return query.apply(this, args);
  };
  clientProto.connect = function countedConnect(this: unknown, ...args: unknown[]) {
    const trips = counting.getStore();
    if (trips) trips.connects++;
    return connect.apply(this, args);
  };
  const liteProto = PGlite.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['query', 'exec'] as const) {
    const original = liteProto[method] as (...args: unknown[]) => unknown;
    liteProto[method] = function countedStatement(this: unknown, ...args: unknown[]) {
      counting.getStore()?.statements.push(textOf(args[0]));
      return original.apply(this, args);
    };
  }
}

/** Runs `work` and answers what it sent to the database. */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<Readonly<{ result: T; trips: RoundTrips }>> {
  const trips: RoundTrips = { statements: [], connects: 0 };
  const result = await counting.run(trips, work);
  return { result, trips };
}

const COUNT_HEADER = 'x-test-count-round-trips';

export type CountedServer = Readonly<{
  baseUrl: string;
  /** Sends one request over HTTP and answers its response with what the server sent to the database for it. */
  request(method: string, path: string, init: Readonly<{ headers?: Record<string, string>; body?: string }>): Promise<Readonly<{ response: Response; text: string; trips: RoundTrips }>>;
}>;

/**
 * Listens on a free port with every request run in its own counting context. Over a real socket,
 * not `inject`: light-my-request's dispatch leaves the caller's async context, and the server's
 * own request path is what is measured anyway.
 */
export async function listenCounted(app: FastifyInstance): Promise<CountedServer> {
  const pending = new Map<string, RoundTrips>();
  const server = app.server;
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const id = request.headers[COUNT_HEADER];
    const trips = typeof id === 'string' ? pending.get(id) : undefined;
    const handle = (): void => {
      for (const handler of handlers) handler(request, response);
    };
    if (trips) counting.run(trips, handle);
    else handle();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    async request(method, path, init) {
      const id = randomUUID();
      const trips: RoundTrips = { statements: [], connects: 0 };
      pending.set(id, trips);
      try {
        const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...init.headers, [COUNT_HEADER]: id }, body: init.body ?? null });
        // The body is read to its end: the request's work (onSend, onResponse) is done by then.
        const text = await response.text();
        return { response, text, trips };
      } finally {
        pending.delete(id);
      }
    },
  };
}
