/**
 * Commands on one stream take turns within a process. Without turns, concurrent commands on one
 * stream (a till's retries, five managers closing the same day) all decide on the same revision,
 * all but one fail their append, and each starts over: the losers burn their bounded attempts and
 * answer 409 although nobody outside this process wrote. With turns, each decides on the state its
 * predecessor left, and the append's expected revision is left to catch what other processes do.
 * Streams are independent: a turn on one never waits for another.
 */
const turnsByStore = new WeakMap<object, Map<string, Promise<unknown>>>();

export async function inStreamTurn<T>(store: object, streamId: string, work: () => Promise<T>): Promise<T> {
  let turns = turnsByStore.get(store);
  if (!turns) {
    turns = new Map();
    turnsByStore.set(store, turns);
  }
  const before = turns.get(streamId);
  const mine = (before ?? Promise.resolve()).then(work, work);
  // What the next command waits for: this turn's end, whichever way it ends.
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  turns.set(streamId, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(streamId) === settled) turns.delete(streamId);
  }
}
