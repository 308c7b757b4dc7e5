import type { EmployeeEvent } from '../../domain/employee/index.js';
import type { OrderEvent } from '../../domain/order/index.js';
import type { AccessEvent } from '../../domain/access/index.js';
import type { SealEvent } from '../../domain/seal/index.js';
import type { SupportEvent } from '../../domain/support/index.js';
import type { TenantEvent } from '../../domain/tenant/index.js';
import type { TillEvent } from '../../domain/till/index.js';
import type { TenantId } from '../../domain/shared/ids.js';
import { accessKind, employeeKind, orderKind, sealKind, supportKind, tenantKind, tillKind } from '../commands/kinds.js';
import type { AggregateKind } from '../handleCommand.js';
import type { EventData, RecordedEvent } from '../ports/eventStore.js';
import { parseStreamId, type StreamCategory } from './streams.js';

/** What the envelope says beside the event: everything of the recorded event but its raw data. */
export type Envelope = Omit<RecordedEvent, 'data' | 'type' | 'tenantId'>;

type Decoded<Category extends StreamCategory, E extends Readonly<{ type: string; data: object }>> = E extends unknown
  ? Readonly<{
      category: Category;
      type: E['type'];
      /** Upcast to the current schema version of its type. */
      data: E['data'];
      tenantId: TenantId;
      /** The entity of the stream inside its tenant: order id, employee id, or the tenant's id. */
      entityId: string;
      envelope: Envelope;
    }>
  : never;

/** A recorded event as readers use it: typed by its stream's category, upcast, with its envelope. */
export type DecodedEvent =
  | Decoded<'tenant', TenantEvent>
  | Decoded<'order', OrderEvent>
  | Decoded<'employee', EmployeeEvent>
  | Decoded<'support', SupportEvent>
  | Decoded<'till', TillEvent>
  | Decoded<'seal', SealEvent>
  | Decoded<'access', AccessEvent>;

export type DecodedEventType = DecodedEvent['type'];

export type AnyKind = AggregateKind<unknown, unknown, Readonly<{ type: string; data: object }>>;

const KINDS: Readonly<Record<StreamCategory, AnyKind>> = {
  tenant: tenantKind as unknown as AnyKind,
  order: orderKind as unknown as AnyKind,
  employee: employeeKind as unknown as AnyKind,
  support: supportKind as unknown as AnyKind,
  till: tillKind as unknown as AnyKind,
  seal: sealKind as unknown as AnyKind,
  access: accessKind as unknown as AnyKind,
};

/** The aggregate whose decider writes and folds the streams of a category (audit folds history with it). */
export function kindOfCategory(category: StreamCategory): AnyKind {
  return KINDS[category];
}

/** Every event type a stream of the category may hold, at its current schema version. */
export function eventTypesOf(category: StreamCategory): readonly string[] {
  return Object.keys(KINDS[category].versions);
}

/**
 * The one step from stored to typed: every reader of the log (projections, reactors, aggregates,
 * the audit tools) decodes here. Personal data arrives already opened (null once forgotten) from
 * the event store, which encrypts and decrypts it at the port (`personalData/protectedEventStore.ts`,
 * ADR 0025), so this stays synchronous. Undefined for a stream not named by `streams`
 * (nothing of Tillstream's) and for a type its aggregate does not know (written by newer code:
 * readers skip it rather than guess).
 * @throws RangeError for a known type whose stored schema version this code cannot read.
 */
export function decodeEvent(recorded: RecordedEvent): DecodedEvent | undefined {
  const name = parseStreamId(recorded.streamId);
  if (!name) return undefined;
  const kind = KINDS[name.category];
  if (kind.versions[recorded.type] === undefined) return undefined;
  const { data: stored, type, tenantId, ...envelope } = recorded;
  const data = upcastData(kind, type, recorded.schemaVersion, stored);
  // The type is one the category's aggregate wrote and `data` is its current shape: the union's member.
  return { category: name.category, type, data, tenantId: tenantId as TenantId, entityId: name.entityId, envelope } as unknown as DecodedEvent;
}

/** Brings an event's data of one aggregate up to its type's current schema version. */
export function upcastData(
  kind: Pick<AnyKind, 'versions' | 'upcast'>,
  type: string,
  schemaVersion: number,
  data: EventData,
): EventData {
  if (kind.upcast) return kind.upcast(type, schemaVersion, data);
  const current = kind.versions[type];
  if (current !== undefined && schemaVersion > current) throw new RangeError(`${type} v${schemaVersion} is newer than this code knows (v${current})`);
  return data;
}
