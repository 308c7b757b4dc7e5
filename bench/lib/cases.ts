import { randomInt } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/eventStore.js';
import type { StoreAdapter, StreamWriter } from './adapter.js';
import { DeliveryLog } from './delivery.js';
import { benchEvents, benchStreamId } from './payload.js';
import type { AppendCase, AppendRun, CorrectnessResult, ReadAllResult, SeedResult } from './protocol.js';
import { elapsedMs, sleep } from './stats.js';

type WriterState = { streamId: string; revision: number };

/**
 * `total` appends shared by `writers` concurrent loops; each append's events
 * are built before the clock starts. New-stream mode appends to a fresh stream
 * each time; existing-stream mode appends to the writer's own stream with the
 * exact expected revision.
 */
async function runAppends(
  writer: StreamWriter,
  mode: AppendCase['mode'],
  states: WriterState[],
  total: number,
  eventsPerAppend: number,
  latencies: number[] | undefined,
): Promise<{ ms: number; errors: number }> {
  const batches: NewEvent[][] = Array.from({ length: total }, () => benchEvents(eventsPerAppend));
  const streamIds = mode === 'new_stream' ? batches.map(() => benchStreamId()) : [];
  let next = 0;
  let errors = 0;
  const startedAt = performance.now();
  await Promise.all(
    states.map(async (state) => {
      for (let i = next++; i < total; i = next++) {
        const events = batches[i]!;
        const t0 = performance.now();
        try {
          if (mode === 'new_stream') {
            await writer.appendNew(streamIds[i]!, events);
          } else {
            state.revision = await writer.appendExact(state.streamId, events, state.revision);
          }
        } catch (error) {
          errors += 1;
          if (errors <= 3) console.error(`append failed: ${String(error)}`);
          continue;
        }
        latencies?.push(performance.now() - t0);
      }
    }),
  );
  return { ms: elapsedMs(startedAt), errors };
}

export async function appendCase(adapter: StoreAdapter, spec: AppendCase): Promise<AppendRun> {
  const states: WriterState[] = await Promise.all(
    Array.from({ length: spec.writers }, async () => {
      const streamId = benchStreamId('till');
      // Existing streams start with one event, written before the clock starts.
      const revision = spec.mode === 'existing_stream' ? await adapter.appendNew(streamId, benchEvents(1)) : -1;
      return { streamId, revision };
    }),
  );
  await runAppends(adapter, spec.mode, states, spec.warmupAppends, spec.eventsPerAppend, undefined);
  const latencies: number[] = [];
  const { ms, errors } = await runAppends(adapter, spec.mode, states, spec.appends, spec.eventsPerAppend, latencies);
  const seconds = ms / 1000;
  return {
    kind: 'append',
    case: spec,
    seconds,
    appendsPerSecond: latencies.length / seconds,
    eventsPerSecond: (latencies.length * spec.eventsPerAppend) / seconds,
    latenciesMs: latencies,
    errors,
  };
}

export async function seed(adapter: StoreAdapter, events: number, writers: number, eventsPerAppend: number): Promise<SeedResult> {
  const appends = Math.ceil(events / eventsPerAppend);
  const states = Array.from({ length: writers }, () => ({ streamId: '', revision: -1 }));
  const { ms, errors } = await runAppends(adapter, 'new_stream', states, appends, eventsPerAppend, undefined);
  if (errors > 0) throw new Error(`${errors} seed appends failed`);
  const written = appends * eventsPerAppend;
  return { kind: 'seed', events: written, seconds: ms / 1000, eventsPerSecond: written / (ms / 1000), totalEvents: await adapter.countEvents() };
}

export async function readAll(adapter: StoreAdapter, batchSize: number): Promise<ReadAllResult> {
  const expected = await adapter.countEvents();
  const reader = adapter.reader(batchSize);
  const delivered = new DeliveryLog();
  let batches = 0;
  const startedAt = performance.now();
  for (;;) {
    const page = await reader.next();
    if (page.length === 0) break;
    delivered.add(page.map((item) => item.eventId));
    batches += 1;
  }
  const seconds = elapsedMs(startedAt) / 1000;
  return { kind: 'readAll', batches, seconds, eventsPerSecond: delivered.events / seconds, ...delivered.summary(expected) };
}

/**
 * Writers append in transactions that sleep 0..maxDelayMs between insert and
 * commit, while one reader pages through the global log in a tight loop and,
 * once the writers are done, drains it. Every written event must be read
 * exactly once.
 */
export async function correctness(
  adapter: StoreAdapter,
  spec: Readonly<{ writers: number; appendsPerWriter: number; eventsPerAppend: number; maxDelayMs: number; readBatch: number }>,
): Promise<CorrectnessResult> {
  const writer = await adapter.delayedWriter(() => randomInt(0, spec.maxDelayMs + 1), spec.writers + 1);
  const reader = adapter.reader(spec.readBatch);
  const written = new Set<string>();
  const seen = new Map<string, number>();
  let pages = 0;
  let inversions = 0;
  let highest = -1n;
  const readPage = async (): Promise<number> => {
    const page = await reader.next();
    pages += 1;
    for (const item of page) {
      seen.set(item.eventId, (seen.get(item.eventId) ?? 0) + 1);
      if (item.sequence < highest) inversions += 1;
      else highest = item.sequence;
    }
    return page.length;
  };

  // Skip whatever the log already holds: only this run's events count.
  while ((await reader.next()).length > 0);

  const writers = { done: false };
  const startedAt = performance.now();
  const readerLoop = (async () => {
    while (!writers.done) {
      if ((await readPage()) === 0) await sleep(0);
    }
  })();
  try {
    await Promise.all(
      Array.from({ length: spec.writers }, async () => {
        const streamId = benchStreamId('till');
        let revision = -1;
        for (let i = 0; i < spec.appendsPerWriter; i++) {
          const events = benchEvents(spec.eventsPerAppend);
          revision =
            revision < 0 ? await writer.appendNew(streamId, events) : await writer.appendExact(streamId, events, revision);
          for (const event of events) written.add(event.eventId);
        }
      }),
    );
  } finally {
    writers.done = true;
    await readerLoop;
    await writer.close();
  }
  // Drain: every writer has committed; read until the log stays empty.
  for (let empty = 0; empty < 3; ) {
    if ((await readPage()) === 0) {
      empty += 1;
      await sleep(20);
    } else {
      empty = 0;
    }
  }
  const seconds = elapsedMs(startedAt) / 1000;

  let missed = 0;
  for (const id of written) if (!seen.has(id)) missed += 1;
  let doubled = 0;
  let unexpected = 0;
  let read = 0;
  for (const [id, count] of seen) {
    read += count;
    if (count > 1) doubled += 1;
    if (!written.has(id)) unexpected += 1;
  }
  return { kind: 'correctness', written: written.size, read, missed, doubled, unexpected, sequenceInversions: inversions, pages, seconds };
}
