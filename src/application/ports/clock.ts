/** Server time. Passed in so handlers and tests control it. */
export interface Clock {
  now(): Date;
}
