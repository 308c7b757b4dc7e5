import { describe, expect, it } from 'vitest';
import { exportTenantEvents, type ExportLine } from '../../../src/application/audit/export.js';
import { comparePositions, type EventStore, type GlobalPosition, type ReadAllOptions, type RecordedEvent } from '../../../src/application/ports/eventStore.js';
import { anEvent } from '../../support/events.js';

/** A log of `size` events of tenant t1 in memory, counting the pages read. */
function logOf(size: number, extra: readonly RecordedEvent[] = []): Pick<EventStore, 'readAll' | 'headPosition' | 'readStream'> & { reads: number; head: GlobalPosition | null } {
  const events: RecordedEvent[] = Array.from({ length: size }, (_, i) => ({
    ...anEvent({ tenantId: 't1' }),
    streamId: `order-t1/o${i % 7}`,
    streamRevision: Math.floor(i / 7),
    position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    recordedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)),
  }));
  const all = [...events, ...extra].sort((a, b) => comparePositions(a.position, b.position));
  const store = {
    reads: 0,
    head: all.at(-1)?.position ?? null,
    readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
      store.reads += 1;
      const after = options.after;
      const page = all.filter((e) => (!after || comparePositions(e.position, after) > 0) && (!options.tenantId || e.tenantId === options.tenantId)).slice(0, options.maxCount ?? 1_000);
      return Promise.resolve(page);
    },
    headPosition: () => Promise.resolve(store.head),
    // Never sealed: the end line's seal is null.
    readStream: () => Promise.resolve([]),
  };
  return store;
}

describe('exportTenantEvents', () => {
  it('reads a page only when the consumer pulls past the one it has: a client that stops stops the reads', async () => {
    const store = logOf(20_000);
    const lines = exportTenantEvents(store, 't1', {});
    let taken = 0;
    for await (const line of lines) {
      expect(line.kind).toBe('event');
      if (++taken === 3) break;
    }
    // The head, then one page; breaking out returned the generator.
    expect(store.reads).toBe(1);
    expect(await lines.next()).toEqual({ done: true, value: undefined });
  });

  it('pages through the whole history and ends with the count and the last position read', async () => {
    const store = logOf(12_345);
    const lines: ExportLine[] = [];
    for await (const line of exportTenantEvents(store, 't1', {})) lines.push(line);
    expect(lines).toHaveLength(12_346);
    expect(store.reads).toBe(4);
    expect(lines.at(-1)).toEqual({ kind: 'end', tenantId: 't1', count: 12_345, from: null, to: null, types: null, through: '12345.12345', seal: null });
  });

  it('stops at the head it saw when it began, while the log goes on growing', async () => {
    const store = logOf(10);
    const lines = exportTenantEvents(store, 't1', {});
    const first = await lines.next();
    expect(first.value).toMatchObject({ kind: 'event' });
    // More appended after the export began: not in this file.
    store.head = { commit: 1_000n, prepare: 1_000n };
    const rest: ExportLine[] = [];
    for await (const line of lines) rest.push(line);
    expect(rest.at(-1)).toMatchObject({ kind: 'end', count: 10, through: '10.10' });
  });

  it('filters by recorded time and type, and an empty history ends at once', async () => {
    const store = logOf(100);
    const lines: ExportLine[] = [];
    for await (const line of exportTenantEvents(store, 't1', { from: new Date(Date.UTC(2026, 11, 1, 0, 0, 10)), to: new Date(Date.UTC(2026, 11, 1, 0, 0, 20)), types: new Set(['SomethingHappened']) })) lines.push(line);
    expect(lines.filter((l) => l.kind === 'event')).toHaveLength(10);
    expect(lines.at(-1)).toMatchObject({ count: 10, types: ['SomethingHappened'], from: '2026-12-01T00:00:10.000Z', to: '2026-12-01T00:00:20.000Z' });
    const empty: ExportLine[] = [];
    for await (const line of exportTenantEvents(logOf(0), 't1', {})) empty.push(line);
    expect(empty).toEqual([{ kind: 'end', tenantId: 't1', count: 0, from: null, to: null, types: null, through: null, seal: null }]);
  });
});
