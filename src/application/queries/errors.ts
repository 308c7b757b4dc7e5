/**
 * A query the server cannot read as asked: a cursor it did not hand out (or one for other
 * filters), or an `after` position past the log's head (none it ever answered). Like a malformed header it is a bad request (400), not a rule refusing a value (422);
 * the HTTP error handler answers it as problem+json with its code.
 */
export class QueryRefusal extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: 'INVALID_CURSOR' | 'POSITION_NOT_IN_LOG' | 'ONE_POINT_IN_TIME',
    message: string,
  ) {
    super(message);
    this.name = 'QueryRefusal';
  }
}
