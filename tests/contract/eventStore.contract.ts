import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  comparePositions,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../../src/application/ports/eventStore.js';
import { aStreamId, anEvent, someEvents } from '../support/events.js';

export type OpenedStore = { store: EventStore; dispose: () => Promise<void> };

export type EventStoreFixture = {
  /**
   * A store over a fresh, empty database. `delayBeforeCommit`, where the adapter
   * has transactions, runs inside each append's transaction after the insert, so
   * commits land out of position order.
   */
  open(options?: { delayBeforeCommit?: () => Promise<void> }): Promise<OpenedStore>;
};

/** The one suite every EventStore adapter passes. */
export function eventStoreContract(adapterName: string, fixture: () => EventStoreFixture): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let opened: OpenedStore;
    let store: EventStore;

    beforeAll(async () => {
      opened = await fixture().open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened.dispose();
    });

    async function head(): Promise<GlobalPosition | undefined> {
      let last: GlobalPosition | undefined;
      for (;;) {
        const page = await store.readAll(last ? { after: last, maxCount: 1000 } : { maxCount: 1000 });
        const tail = page.at(-1);
        if (!tail) return last;
        last = tail.position;
      }
    }

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected a rejection');
    }

    describe('appending and reading back', () => {
      it('stores the whole envelope and numbers the stream from 0', async () => {
        const streamId = aStreamId();
        const events = someEvents(3);
        const result = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });

        expect(result.nextExpectedRevision).toBe(2);
        expect(result.replayed).toBe(false);
        const read = await store.readStream(streamId);
        expect(read.map((e) => e.streamRevision)).toEqual([0, 1, 2]);
        read.forEach((recorded, index) => {
          const sent = events[index]!;
          expect(recorded).toMatchObject({ ...sent, streamId });
          expect(recorded.occurredAt.getTime()).toBe(sent.occurredAt.getTime());
          expect(recorded.recordedAt).toBeInstanceOf(Date);
        });
        expect(read.at(-1)?.position).toEqual(result.position);
        expect(comparePositions(read[0]!.position, read[1]!.position)).toBe(-1);
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(aStreamId())).toEqual([]);
      });

      it('reads forwards and backwards from a revision with a maximum count', async () => {
        const streamId = aStreamId();
        await store.appendToStream(streamId, someEvents(12), { expectedRevision: 'no_stream' });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(streamId, options)).map((e) => e.streamRevision);
        const all = Array.from({ length: 12 }, (_, i) => i);

        expect(await revisions({})).toEqual(all);
        expect(await revisions({ fromRevision: 9 })).toEqual([9, 10, 11]);
        expect(await revisions({ fromRevision: 2, maxCount: 3 })).toEqual([2, 3, 4]);
        expect(await revisions({ direction: 'backwards' })).toEqual([...all].reverse());
        expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([11, 10]);
        expect(await revisions({ direction: 'backwards', fromRevision: 4, maxCount: 3 })).toEqual([4, 3, 2]);
        expect(await revisions({ fromRevision: 12 })).toEqual([]);
      });

      it('refuses an empty append, a malformed event id and ids repeated within the append', async () => {
        const streamId = aStreamId();
        const event = anEvent();
        await expect(store.appendToStream(streamId, [], { expectedRevision: 'any' })).rejects.toThrow(RangeError);
        await expect(
          store.appendToStream(streamId, [anEvent({ eventId: 'not-a-uuid' })], { expectedRevision: 'any' }),
        ).rejects.toThrow(RangeError);
        await expect(store.appendToStream(streamId, [event, event], { expectedRevision: 'any' })).rejects.toThrow(
          RangeError,
        );
        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('no_stream: accepted for a new stream, refused for an existing one', async () => {
        const streamId = aStreamId();
        await store.appendToStream(streamId, someEvents(2), { expectedRevision: 'no_stream' });
        const error = await rejection(store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' }));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: 'no_stream', actual: 1 });
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('stream_exists: refused for a new stream, accepted for an existing one', async () => {
        const streamId = aStreamId();
        const error = await rejection(store.appendToStream(streamId, someEvents(1), { expectedRevision: 'stream_exists' }));
        expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: null });
        await store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(streamId, someEvents(2), { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('exact: accepted at the current revision, refused when stale, ahead or missing', async () => {
        const streamId = aStreamId();
        const missing = await rejection(store.appendToStream(streamId, someEvents(1), { expectedRevision: 0 }));
        expect(missing).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', expected: 0, actual: null });

        await store.appendToStream(streamId, someEvents(3), { expectedRevision: 'no_stream' });
        expect((await store.appendToStream(streamId, someEvents(1), { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
        expect(await rejection(store.appendToStream(streamId, someEvents(1), { expectedRevision: 2 }))).toMatchObject({
          expected: 2,
          actual: 3,
        });
        expect(await rejection(store.appendToStream(streamId, someEvents(1), { expectedRevision: 9 }))).toMatchObject({
          expected: 9,
          actual: 3,
        });
        expect(await store.readStream(streamId)).toHaveLength(4);
      });

      it('any: appends whatever the stream holds', async () => {
        const streamId = aStreamId();
        expect((await store.appendToStream(streamId, someEvents(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store.appendToStream(streamId, someEvents(2), { expectedRevision: 'any' })).nextExpectedRevision).toBe(2);
      });

      it('50 concurrent appends at one revision: exactly one wins, nothing is lost or doubled', { repeats: 2 }, async () => {
        const streamId = aStreamId();
        await store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
        const attempts = Array.from({ length: 50 }, () => someEvents(2));

        const outcomes = await Promise.allSettled(
          attempts.map((events) => store.appendToStream(streamId, events, { expectedRevision: 0 })),
        );

        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const stored = await store.readStream(streamId);
        expect(stored.map((e) => e.streamRevision)).toEqual([0, 1, 2]);
        expect(stored.slice(1).map((e) => e.eventId)).toEqual(attempts[winners[0]!]!.map((e) => e.eventId));
      });
    });

    describe('unchanged streams (a decision read other streams)', () => {
      it('appends while each other stream is at the revision given, refuses once one has moved, and writes nothing then', async () => {
        const [sale, tenant, drawer] = [aStreamId(), aStreamId(), aStreamId()];
        await store.appendToStream(tenant, someEvents(2), { expectedRevision: 'no_stream' });
        const first = await store.appendToStream(sale, someEvents(1), { expectedRevision: 'no_stream', unchanged: [{ streamId: tenant, revision: 1 }, { streamId: drawer, revision: null }] });
        expect(first.nextExpectedRevision).toBe(0);

        await store.appendToStream(tenant, someEvents(1), { expectedRevision: 1 });
        const moved = await rejection(store.appendToStream(sale, someEvents(2), { expectedRevision: 0, unchanged: [{ streamId: drawer, revision: null }, { streamId: tenant, revision: 1 }] }));
        expect(moved).toBeInstanceOf(WrongExpectedRevisionError);
        expect(moved).toMatchObject({ streamId: tenant, expected: 1, actual: 2 });
        await store.appendToStream(drawer, someEvents(1), { expectedRevision: 'no_stream' });
        const created = await rejection(store.appendToStream(sale, someEvents(1), { expectedRevision: 0, unchanged: [{ streamId: drawer, revision: null }] }));
        expect(created).toMatchObject({ streamId: drawer, expected: 'no_stream', actual: 0 });
        expect(await store.readStream(sale)).toHaveLength(1);

        const single = await store.appendToStream(sale, someEvents(1), { expectedRevision: 0, unchanged: [{ streamId: tenant, revision: 2 }, { streamId: drawer, revision: 0 }] });
        const several = await store.appendToStream(sale, someEvents(3), { expectedRevision: 1, unchanged: [{ streamId: tenant, revision: 2 }] });
        expect([single.nextExpectedRevision, several.nextExpectedRevision]).toEqual([1, 4]);
      });

      it('a retried append that happened is a replay even after another stream moved', async () => {
        const [sale, tenant] = [aStreamId(), aStreamId()];
        await store.appendToStream(tenant, someEvents(1), { expectedRevision: 'no_stream' });
        const events = someEvents(1);
        const original = await store.appendToStream(sale, events, { expectedRevision: 'no_stream', unchanged: [{ streamId: tenant, revision: 0 }] });
        await store.appendToStream(tenant, someEvents(1), { expectedRevision: 0 });
        const retried = await store.appendToStream(sale, events, { expectedRevision: 'no_stream', unchanged: [{ streamId: tenant, revision: 0 }] });
        expect(retried).toEqual({ ...original, replayed: true });
        expect(await store.readStream(sale)).toHaveLength(1);
      });

      it('refuses its own stream or a malformed revision among them', async () => {
        const sale = aStreamId();
        await expect(store.appendToStream(sale, someEvents(1), { expectedRevision: 'any', unchanged: [{ streamId: sale, revision: null }] })).rejects.toThrow(RangeError);
        await expect(store.appendToStream(sale, someEvents(1), { expectedRevision: 'any', unchanged: [{ streamId: aStreamId(), revision: -1 }] })).rejects.toThrow(RangeError);
      });
    });

    describe('idempotent append', () => {
      it('the same event ids at the same place return the original result and write nothing', async () => {
        const streamId = aStreamId();
        await store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
        const events = someEvents(3);
        const first = await store.appendToStream(streamId, events, { expectedRevision: 0 });
        await store.appendToStream(streamId, someEvents(1), { expectedRevision: 3 });

        const again = await store.appendToStream(streamId, events, { expectedRevision: 0 });
        const againAny = await store.appendToStream(streamId, events, { expectedRevision: 'any' });

        expect(again).toEqual({ ...first, replayed: true });
        expect(againAny).toEqual({ ...first, replayed: true });
        expect(await store.readStream(streamId)).toHaveLength(5);
      });

      it('a retried single event is recognised where its expectation fits, refused where it does not', async () => {
        const streamId = aStreamId();
        const [event] = someEvents(1);
        const first = await store.appendToStream(streamId, [event!], { expectedRevision: 'no_stream' });
        await store.appendToStream(streamId, someEvents(1), { expectedRevision: 0 });
        for (const expectedRevision of ['no_stream', 'any'] as const) {
          expect(await store.appendToStream(streamId, [event!], { expectedRevision })).toEqual({ ...first, replayed: true });
        }
        // It was the stream's first event: "the stream existed" or "after revision 1" is another place.
        for (const expectedRevision of ['stream_exists', 1] as const) {
          expect(await rejection(store.appendToStream(streamId, [event!], { expectedRevision }))).toBeInstanceOf(DuplicateEventIdError);
        }
        expect(await rejection(store.appendToStream(aStreamId(), [event!], { expectedRevision: 'any' }))).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('a retry storm of one append stores it once', async () => {
        const streamId = aStreamId();
        const events = someEvents(2);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.appendToStream(streamId, events, { expectedRevision: 'no_stream' })),
        );
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(new Set(results.map((r) => `${r.nextExpectedRevision}/${r.position.commit}/${r.position.prepare}`)).size).toBe(1);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('the same event ids anywhere else are an error and write nothing', async () => {
        const streamId = aStreamId();
        const events = someEvents(2);
        await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
        const other = aStreamId();

        expect(await rejection(store.appendToStream(other, events, { expectedRevision: 'any' }))).toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await rejection(store.appendToStream(streamId, events, { expectedRevision: 1 }))).toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await rejection(store.appendToStream(streamId, [events[1]!, events[0]!], { expectedRevision: 'any' }))).toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await rejection(store.appendToStream(other, [anEvent(), events[1]!], { expectedRevision: 'any' }))).toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await store.readStream(other)).toEqual([]);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('the global log', () => {
      it('the head is the position of the last acknowledged append, and no event read lies beyond it', async () => {
        await store.appendToStream(aStreamId(), someEvents(2), { expectedRevision: 'no_stream' });
        const last = await store.appendToStream(aStreamId(), someEvents(3), { expectedRevision: 'no_stream' });
        const headNow = await store.headPosition();
        expect(headNow).toEqual(last.position);
        expect(await store.readAll({ after: headNow! })).toEqual([]);
        const next = await store.appendToStream(aStreamId(), someEvents(1), { expectedRevision: 'no_stream' });
        expect(await store.headPosition()).toEqual(next.position);
      });

      it('reads all in append order, page by page after a position', async () => {
        const start = await head();
        const a = aStreamId();
        const b = aStreamId();
        const appended: string[] = [];
        for (const [streamId, count] of [[a, 2], [b, 1], [a, 3], [b, 2]] as const) {
          const events = someEvents(count);
          await store.appendToStream(streamId, events, { expectedRevision: 'any' });
          appended.push(...events.map((e) => e.eventId));
        }

        const pages: RecordedEvent[][] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll(after ? { after, maxCount: 3 } : { maxCount: 3 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          pages.push(page);
          after = page.at(-1)!.position;
        }
        const all = pages.flat();
        expect(all.map((e) => e.eventId)).toEqual(appended);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });

      it('reads the events of one tenant only, in global order, page by page', async () => {
        const start = await head();
        const mine = `tenant-${Math.random().toString(36).slice(2)}`;
        const theirs = `tenant-${Math.random().toString(36).slice(2)}`;
        const appended: string[] = [];
        for (const tenantId of [mine, theirs, theirs, mine, theirs, mine, mine]) {
          const events = someEvents(2, { tenantId });
          await store.appendToStream(aStreamId(), events, { expectedRevision: 'no_stream' });
          if (tenantId === mine) appended.push(...events.map((e) => e.eventId));
        }
        const read: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ ...(after ? { after } : {}), maxCount: 3, tenantId: mine });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          read.push(...page);
          after = page.at(-1)!.position;
        }
        expect(read.map((e) => e.eventId)).toEqual(appended);
        expect(new Set(read.map((e) => e.tenantId))).toEqual(new Set([mine]));
        expect(await store.readAll({ tenantId: 'nobody-at-all' })).toEqual([]);
      });

      it('a subscriber catches up, follows live appends, and resumes from its checkpoint', async () => {
        const start = await head();
        const streamId = aStreamId();
        await store.appendToStream(streamId, someEvents(5), { expectedRevision: 'no_stream' });

        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const subscription = (async () => {
          for await (const batch of store.subscribeToAll({ ...(start ? { after: start } : {}), batchSize: 2, signal: controller.signal })) {
            expect(batch.length).toBeLessThanOrEqual(2);
            seen.push(...batch.filter((e) => e.streamId === streamId));
            if (seen.length >= 8) controller.abort();
          }
        })();
        await sleep(20);
        await store.appendToStream(streamId, someEvents(3), { expectedRevision: 4 });
        await subscription;
        expect(seen.map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

        const checkpoint = seen[4]!.position;
        const resumed: RecordedEvent[] = [];
        const resume = new AbortController();
        for await (const batch of store.subscribeToAll({ after: checkpoint, signal: resume.signal })) {
          resumed.push(...batch.filter((e) => e.streamId === streamId));
          if (resumed.length >= 3) resume.abort();
        }
        expect(resumed.map((e) => e.streamRevision)).toEqual([5, 6, 7]);
      });

      it('a subscription ends when its signal aborts while it waits', async () => {
        const controller = new AbortController();
        const tail = await head();
        const done = (async () => {
          let batches = 0;
          for await (const _ of store.subscribeToAll({ ...(tail ? { after: tail } : {}), signal: controller.signal })) batches += 1;
          return batches;
        })();
        await sleep(30);
        controller.abort();
        expect(await done).toBe(0);
      });
    });

    describe('ordering under concurrent writers', () => {
      const writers = 8;
      const roundsPerWriter = 50;

      const variants = [
        {
          title: `a subscriber sees every event exactly once, in stream order, while ${writers} writers commit out of order`,
          open: () => fixture().open({ delayBeforeCommit: () => sleep(Math.random() * 4) }),
          pauseMs: 2,
        },
        {
          // No pause between appends: the adapter may commit appends made at the same moment together.
          title: `a subscriber sees every event exactly once, in stream order, while ${writers} writers append flat out`,
          open: () => fixture().open(),
          pauseMs: 0,
        },
      ];

      for (const variant of variants) {
        it(variant.title, { repeats: 2, timeout: 120_000 }, async () => {
          const opened = await variant.open();
          try {
            const { store: racing } = opened;
            const expected = new Set<string>();
            const controller = new AbortController();
            const seen: RecordedEvent[] = [];

            const subscriber = (async () => {
              for await (const batch of racing.subscribeToAll({ batchSize: 50, signal: controller.signal })) {
                seen.push(...batch);
              }
            })();

            await Promise.all(
              Array.from({ length: writers }, async (_, writer) => {
                // Two streams per writer, and one stream all writers contend for.
                for (let round = 0; round < roundsPerWriter; round++) {
                  const streamId = round % 5 === 0 ? 'shared-stream' : `writer-${writer}-${round % 2}`;
                  const events = someEvents(1 + (round % 3));
                  if (variant.pauseMs > 0) await sleep(Math.random() * variant.pauseMs);
                  try {
                    await racing.appendToStream(streamId, events, { expectedRevision: 'any' });
                    for (const e of events) expected.add(e.eventId);
                  } catch (error) {
                    throw new Error(`writer ${writer} round ${round} failed`, { cause: error });
                  }
                }
              }),
            );
            // Let the subscriber drain, then a little longer so a doubled event would show.
            const deadline = Date.now() + 30_000;
            while (seen.length < expected.size && Date.now() < deadline) await sleep(10);
            await sleep(50);
            controller.abort();
            await subscriber;

            const ids = seen.map((e) => e.eventId);
            expect(new Set(ids).size).toBe(ids.length);
            expect(ids.length).toBe(expected.size);
            expect(ids.every((id) => expected.has(id))).toBe(true);

            for (let i = 1; i < seen.length; i++) {
              expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBe(-1);
            }
            const revisions = new Map<string, number>();
            for (const event of seen) {
              const previous = revisions.get(event.streamId) ?? -1;
              expect(event.streamRevision).toBe(previous + 1);
              revisions.set(event.streamId, event.streamRevision);
            }
          } finally {
            await opened.dispose();
          }
        });
      }
    });
  });
}
