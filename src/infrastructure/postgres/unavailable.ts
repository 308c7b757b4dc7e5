/**
 * The database could not be reached or gave up on a statement for reasons of its own (shutting
 * down, out of connections, a timeout), as opposed to refusing the statement. Raised by our own
 * adapters (the embedded database failing, the circuit being open); `cause` holds what happened.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Socket errors: the server is not there, or the path to it broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN',
  'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED',
]);

/**
 * SQLSTATEs that mean "not now" rather than "no": connection exceptions (class 08), the server
 * shutting down or starting (57P01-57P03), a session ended by the server for idling (57P05, and
 * 25P03 in a transaction), resources exhausted (class 53: too many connections, out of memory or
 * disk), and timeouts (57014 statement_timeout, 55P03 lock_timeout).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1235]|25P03|53...|57014|55P03)$/;
/** Of those, the ones that say the connection itself is gone (the others come from a live server). */
const CONNECTION_SQLSTATES = /^(08...|57P0[123])$/;

/** What `pg`, `pg-pool` and kysely say when a connection dies or never comes (they set no code). */
const CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|Client has encountered a connection error|Cannot use a pool after calling end|driver has already been destroyed)/;

function* causes(error: unknown): Generator {
  let current = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    yield current;
    if (current instanceof AggregateError) for (const inner of current.errors) yield inner;
    current = (current as { cause?: unknown }).cause;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

/**
 * The connection to the database is gone or could not be made: the server is down, refuses,
 * or the network between is broken. The pool's circuit opens on these (see `availability.ts`).
 */
export function isConnectionLost(error: unknown): boolean {
  for (const e of causes(error)) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = codeOf(e);
    if (code !== undefined && (NETWORK_CODES.has(code) || CONNECTION_SQLSTATES.test(code))) return true;
    if (CONNECTION_MESSAGES.test(messageOf(e))) return true;
  }
  return false;
}

/**
 * The request failed because the database is unreachable or overloaded for now, so the same
 * request may well succeed in a moment: the HTTP edge answers 503 with Retry-After, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isConnectionLost(error)) return true;
  for (const e of causes(error)) {
    const code = codeOf(e);
    if (code !== undefined && UNAVAILABLE_SQLSTATES.test(code)) return true;
  }
  return false;
}
