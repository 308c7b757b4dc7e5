import type { Event } from '../shared/command.js';
import type { SupportSessionId, UserId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';

/**
 * Support read one of the tenant's resources (ADR 0026): the route, and the ids in its path (ids
 * only: the query string may hold search text and is not kept). One event per read, in the
 * session's own stream, so an auditor reads a session's reads in order without the tenant's
 * other history.
 */
export type SupportDataRead = Event<
  'SupportDataRead',
  {
    sessionId: SupportSessionId;
    ownerId: UserId;
    method: string;
    /** The route's pattern, e.g. `/v1/orders/:orderId/detail`. */
    route: string;
    /** The path's parameters, e.g. `{ orderId: '…' }`. */
    params: Readonly<Record<string, string>>;
    at: Instant;
  }
>;

export type AccessEvent = SupportDataRead;

export const ACCESS_EVENT_VERSIONS: Readonly<Record<AccessEvent['type'], number>> = {
  SupportDataRead: 1,
};
