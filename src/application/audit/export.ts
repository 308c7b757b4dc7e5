import { eventTypesOf } from '../events/decodeEvent.js';
import { STREAM_CATEGORIES } from '../events/streams.js';
import { comparePositions, formatPosition, type EventStore, type GlobalPosition } from '../ports/eventStore.js';
import { audited, type AuditedEvent } from './history.js';
import { readSeal, type Seal } from './seals.js';

/** Every event type Tillstream writes, at any schema version: what `types` may name. */
export const EXPORTABLE_TYPES: ReadonlySet<string> = new Set(STREAM_CATEGORIES.flatMap((category) => eventTypesOf(category)));

/** `types` as the API and the CLI take it: a comma-separated list; `unknown` names what Tillstream never writes. */
export function parseEventTypes(list: string): Readonly<{ types: readonly string[]; unknown: readonly string[] }> {
  const types = list.split(',').map((type) => type.trim()).filter((type) => type.length > 0);
  return { types, unknown: types.filter((type) => !EXPORTABLE_TYPES.has(type)) };
}

export type ExportFilter = Readonly<{
  /** Recorded at or after (inclusive). */
  from?: Date | undefined;
  /** Recorded before (exclusive). */
  to?: Date | undefined;
  /** Only these types; absent or empty: every type. */
  types?: ReadonlySet<string> | undefined;
}>;

/** A line of the NDJSON export: an event with the envelope of the history route, or the end line. */
export type ExportLine = (Readonly<{ kind: 'event' }> & AuditedEvent) | ExportEnd;

/** The last line: what the export covered, so a reader can tell a whole file from a cut one. */
export type ExportEnd = Readonly<{
  kind: 'end';
  tenantId: string;
  count: number;
  from: string | null;
  to: string | null;
  types: readonly string[] | null;
  /**
   * The position of the tenant's last event the export read: every event of the tenant up to it
   * (that the filters let through) is in the file, and none after it. Null: the tenant had none.
   */
  through: string | null;
  /**
   * The tenant's latest signed seal when the export ended (ADR 0024): it covers the history up to
   * its own `through`; events after it are chained but not sealed yet (POST /v1/tenants/{tenantId}/seals seals
   * them). Null when the tenant was never sealed.
   */
  seal: Seal | null;
}>;

const PAGE = 5_000;

/**
 * A tenant's events in global order, as the lines of an NDJSON export, pulled one page at a time:
 * memory holds one page whatever the size of the history, and a consumer that stops pulling (a
 * client gone) stops the reads. The log is taken as far as its head when the export began, so an
 * export ends even while tills keep selling; the last line says what it covered.
 */
export async function* exportTenantEvents(eventStore: Pick<EventStore, 'readAll' | 'headPosition' | 'readStream'>, tenantId: string, filter: ExportFilter): AsyncGenerator<ExportLine, void, undefined> {
  // Where to stop while tills go on selling. What is read is final (the log's readable end,
  // ADR 0003), so the last position read is a clean cut: nothing can commit before it later.
  const head = await eventStore.headPosition();
  const types = filter.types && filter.types.size > 0 ? filter.types : undefined;
  let count = 0;
  let after: GlobalPosition | undefined;
  if (head !== null) {
    for (;;) {
      const page = await eventStore.readAll({ ...(after ? { after } : {}), maxCount: PAGE, tenantId });
      if (page.length === 0) break;
      let done = false;
      for (const event of page) {
        if (comparePositions(event.position, head) > 0) {
          done = true;
          break;
        }
        after = event.position;
        const at = event.recordedAt.getTime();
        if (filter.from && at < filter.from.getTime()) continue;
        if (filter.to && at >= filter.to.getTime()) continue;
        if (types && !types.has(event.type)) continue;
        count += 1;
        yield { kind: 'event', ...audited(event) };
      }
      if (done) break;
    }
  }
  yield {
    kind: 'end',
    tenantId,
    count,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    types: types ? [...types].sort() : null,
    through: after ? formatPosition(after) : null,
    seal: await readSeal(eventStore, tenantId),
  };
}
