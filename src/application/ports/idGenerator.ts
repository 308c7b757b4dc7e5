/** Fresh identifiers (event ids, token ids). Passed in so tests can make them predictable. */
export interface IdGenerator {
  uuid(): string;
}
