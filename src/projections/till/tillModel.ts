import type { Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import type { OrderEvent } from '../../domain/order/index.js';
import { ORDER_EVENT_VERSIONS } from '../../domain/order/events.js';
import { addFigures, EMPTY_FIGURES, type TillDayClosed, type TillFigures } from '../../domain/till/index.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModel } from '../readModel.js';
import { pairKey, pairsIn, uniquePairs } from '../shared/keys.js';
import { foldOrder, type SnapshotOrNone } from '../shared/orderSnapshot.js';
import { TENANT_SETTINGS_EVENTS, TenantSettingsFold } from '../shared/tenantSettings.js';
import { upsertRows } from '../shared/writeRows.js';
import { cashMovementFigures, drawerClosedFigures, floatFigures, refundFigures, saleFigures, voidFigures } from './entries.js';
import { sortableFromFormatted, sortablePosition } from './positions.js';
import { createTillTables, settingsView, type TillEntryRow, type TillPeriodRow, type TillTables, type ZReportRow } from './tillTables.js';

export const TILL_PERIODS = 'till_periods';

type Trx = Transaction<Database & TillTables>;

// Every order event: the shared fold of `foldOrder` relies on each model folding all of a stream's events.
const ORDER_EVENTS = Object.keys(ORDER_EVENT_VERSIONS) as OrderEvent['type'][];

const HANDLES: ReadonlySet<DecodedEventType> = new Set<DecodedEventType>([
  ...TENANT_SETTINGS_EVENTS,
  'BranchOpened', 'BranchRenamed', 'DeviceRegistered', 'DeviceRenamed',
  ...ORDER_EVENTS,
  'DrawerOpened', 'CashInRecorded', 'CashOutRecorded', 'DrawerClosed',
  'TillDayClosed',
]);

type Drawer = Readonly<{ tenant_id: string; drawer_id: string; device_id: string; employee_id: string }>;
type Period = { -readonly [K in keyof TillPeriodRow]: TillPeriodRow[K] } & { figures: TillFigures };

/**
 * The till periods behind X- and Z-reports (issue 9). Every fact of a till (a completed sale, a
 * void, a refund, a drawer's float, cash movements and closing) is kept as an entry at its log
 * position, and the till's open period is the fold of its entries after the last Z's position.
 *
 * Periods follow arrival in the log, not business dates: a sale synced after its day's Z is an
 * entry after that Z, so it counts in the next one (daily sales still file it under its own
 * date). A Z records the position it counted through, so a sale that arrived between the
 * command's read and the Z's append stays open for the next Z, neither lost nor counted twice:
 * on TillDayClosed the open period is refolded from the entries after that position.
 *
 * A refund counts at the till whose drawer paid it out, else (card, or no drawer) at the till
 * that made the sale. Voids count at the order's till with the order's value when voided.
 */
export const tillPeriodsModel: ReadModel<TillTables> = {
  kind: 'read_model',
  name: TILL_PERIODS,
  version: 2,
  handles: HANDLES,
  createTables: createTillTables,
  async applyBatch(trx, events) {
    if (events.length === 0) return;
    const batch = await TillBatch.load(trx, events);
    for (const event of events) await batch.apply(event);
    await batch.save();
  },
};

class TillBatch {
  private readonly entries: TillEntryRow[] = [];
  private readonly zReports: ZReportRow[] = [];
  private readonly touchedOrders = new Set<string>();
  private readonly newDrawers = new Set<string>();
  private readonly names = new Map<string, TillTables['till_names']>();
  private readonly dirty = new Set<string>();

  private constructor(
    private readonly trx: Trx,
    private readonly tenants: TenantSettingsFold,
    private readonly orders: Map<string, Readonly<{ snapshot: SnapshotOrNone; tenant: string; id: string }>>,
    private readonly drawers: Map<string, Drawer>,
    private readonly periods: Map<string, Period>,
  ) {}

  static async load(trx: Trx, events: readonly DecodedEvent[]): Promise<TillBatch> {
    const tenants = await TenantSettingsFold.load(settingsView(trx), events);
    const orderKeys = uniquePairs(events.flatMap((e) => (e.category === 'order' ? [[e.tenantId, e.entityId] as const] : [])));
    const orderRows = orderKeys.length === 0 ? [] : await trx.selectFrom('till_orders').selectAll().where(pairsIn(['tenant_id', 'order_id'], orderKeys)).execute();
    const orders = new Map(orderRows.map((r) => [pairKey(r.tenant_id, r.order_id), { snapshot: JSON.parse(r.snapshot) as SnapshotOrNone, tenant: r.tenant_id, id: r.order_id }]));
    const drawerKeys = uniquePairs(events.flatMap((e) => (e.category === 'employee' && 'drawerId' in e.data ? [[e.tenantId, e.data.drawerId] as const] : e.type === 'OrderRefunded' && e.data.drawerId ? [[e.tenantId, e.data.drawerId] as const] : [])));
    const drawerRows = drawerKeys.length === 0 ? [] : await trx.selectFrom('till_drawers').selectAll().where(pairsIn(['tenant_id', 'drawer_id'], drawerKeys)).execute();
    const drawers = new Map(drawerRows.map((r) => [pairKey(r.tenant_id, r.drawer_id), r]));
    // Every till the batch may touch, from what its events and the loaded orders and drawers name.
    const devices = uniquePairs([
      ...[...orders.values()].flatMap(({ snapshot, tenant }) => (snapshot.status === 'none' ? [] : [[tenant, snapshot.deviceId] as const])),
      ...drawerRows.map((d) => [d.tenant_id, d.device_id] as const),
      ...events.flatMap((e) => ('deviceId' in e.data && typeof e.data.deviceId === 'string' ? [[e.tenantId, e.data.deviceId] as const] : [])),
    ]);
    const periodRows = devices.length === 0 ? [] : await trx.selectFrom('till_periods').selectAll().where(pairsIn(['tenant_id', 'device_id'], devices)).execute();
    const periods = new Map(periodRows.map((r) => [pairKey(r.tenant_id, r.device_id), { ...r, figures: r.figures as TillFigures }]));
    return new TillBatch(trx, tenants, orders, drawers, periods);
  }

  async apply(event: DecodedEvent): Promise<void> {
    this.tenants.apply(event);
    const position = sortablePosition(event.envelope.position);
    switch (event.type) {
      case 'BranchOpened':
      case 'BranchRenamed':
        this.name(event.tenantId, 'branch', event.data.branchId, event.data.name);
        return;
      case 'DeviceRegistered':
        this.name(event.tenantId, 'device', event.data.deviceId, event.data.name);
        this.period(event.tenantId, event.data.deviceId, event.data.branchId);
        return;
      case 'DeviceRenamed':
        this.name(event.tenantId, 'device', event.data.deviceId, event.data.name);
        return;
      case 'DrawerOpened': {
        const { drawerId, deviceId, float, at } = event.data;
        const drawer = { tenant_id: event.tenantId, drawer_id: drawerId, device_id: deviceId, employee_id: event.entityId };
        this.drawers.set(pairKey(event.tenantId, drawerId), drawer);
        this.newDrawers.add(pairKey(event.tenantId, drawerId));
        this.entry(event.tenantId, deviceId, position, 'drawer_opened', at, drawerId, floatFigures(float));
        return;
      }
      case 'CashInRecorded':
      case 'CashOutRecorded': {
        const drawer = this.drawers.get(pairKey(event.tenantId, event.data.drawerId));
        if (!drawer) return;
        const direction = event.type === 'CashInRecorded' ? 'in' : 'out';
        this.entry(event.tenantId, drawer.device_id, position, direction === 'in' ? 'cash_in' : 'cash_out', event.data.at, drawer.drawer_id, cashMovementFigures(direction, event.data.amount));
        return;
      }
      case 'DrawerClosed':
        this.entry(event.tenantId, event.data.deviceId, position, 'drawer_closed', event.data.at, event.data.drawerId, drawerClosedFigures(event.entityId, event.data));
        return;
      case 'TillDayClosed':
        await this.closed(event.tenantId, event.data, position);
        return;
      default:
        if (event.category === 'order') this.order(event.tenantId, event.entityId, event, position);
    }
  }

  private order(tenant: string, orderId: string, event: OrderEvent, position: string): void {
    const key = pairKey(tenant, orderId);
    // The snapshot itself stays as `foldOrder` made it: the other models share it (and its pricing).
    const after = foldOrder(this.orders.get(key)?.snapshot, event);
    this.orders.set(key, { snapshot: after, tenant, id: orderId });
    this.touchedOrders.add(key);
    if (after.status === 'none') return;
    switch (event.type) {
      case 'OrderCompleted':
        if (after.status === 'completed') this.entry(tenant, after.deviceId, position, 'sale', event.data.at, orderId, saleFigures(after));
        return;
      case 'OrderVoided':
        if (after.status === 'voided') this.entry(tenant, after.deviceId, position, 'void', event.data.at, orderId, voidFigures(after));
        return;
      case 'OrderRefunded': {
        if (after.status !== 'completed') return;
        const drawer = event.data.drawerId ? this.drawers.get(pairKey(tenant, event.data.drawerId)) : undefined;
        this.entry(tenant, drawer?.device_id ?? after.deviceId, position, 'refund', event.data.at, orderId, refundFigures(after, event.data));
        return;
      }
      default:
        if (event.type === 'OrderOpened') this.period(tenant, after.deviceId, after.branchId);
    }
  }

  private name(tenant: string, kind: 'branch' | 'device', id: string, name: string): void {
    this.names.set(`${pairKey(tenant, kind)}\u0000${id}`, { tenant_id: tenant, kind, id, name });
  }

  private period(tenant: string, device: string, branch?: string): Period {
    const key = pairKey(tenant, device);
    let period = this.periods.get(key);
    if (!period) {
      period = {
        tenant_id: tenant, device_id: device, branch_id: null, last_z: 0, last_period_end: null, covered_through: null,
        first_activity_at: null, last_fact: null, figures: EMPTY_FIGURES, grand_totals: null,
      };
      this.periods.set(key, period);
      this.dirty.add(key);
    }
    if (branch !== undefined && period.branch_id === null) {
      period.branch_id = branch;
      this.dirty.add(key);
    }
    return period;
  }

  private entry(tenant: string, device: string, position: string, kind: TillEntryRow['kind'], at: string, subject: string, figures: TillFigures): void {
    const period = this.period(tenant, device);
    this.entries.push({ tenant_id: tenant, device_id: device, position, kind, at, subject_id: subject, figures });
    period.figures = addFigures(period.figures, figures);
    period.first_activity_at ??= at;
    period.last_fact = position;
    this.dirty.add(pairKey(tenant, device));
  }

  /** The Z's position ends its period: what came after it (few facts, if any) is the new open period. */
  private async closed(tenant: string, z: TillDayClosed['data'], position: string): Promise<void> {
    const period = this.period(tenant, z.deviceId, z.branchId);
    const through = z.through === null ? null : sortableFromFormatted(z.through);
    const after = (p: string): boolean => through === null || p > through;
    const stored = await this.trx
      .selectFrom('till_entries')
      .select(['position', 'at', 'figures'])
      .where('tenant_id', '=', tenant)
      .where('device_id', '=', z.deviceId)
      .$if(through !== null, (q) => q.where('position', '>', through ?? ''))
      .orderBy('position')
      .execute();
    const pending = this.entries.filter((e) => e.tenant_id === tenant && e.device_id === z.deviceId && after(e.position));
    const open = [...stored, ...pending];
    period.figures = open.reduce((sum, e) => addFigures(sum, e.figures as TillFigures), EMPTY_FIGURES);
    period.first_activity_at = open[0]?.at ?? null;
    period.last_fact = open.at(-1)?.position ?? null;
    period.last_z = z.zNumber;
    period.last_period_end = z.periodEnd;
    period.covered_through = through;
    period.grand_totals = z.grandTotals;
    period.branch_id ??= z.branchId;
    this.dirty.add(pairKey(tenant, z.deviceId));
    this.zReports.push({
      tenant_id: tenant, device_id: z.deviceId, z_number: z.zNumber, branch_id: z.branchId, business_date: z.businessDate,
      period_start: z.periodStart, period_end: z.periodEnd, through: z.through, closed_by: z.closedBy.userId, closed_by_role: z.closedBy.role,
      receipts: z.figures.receipts.count, net: z.figures.net, tax: z.figures.tax, total: z.figures.total,
      header: z.header, figures: z.figures, grand_totals: z.grandTotals, position,
    });
  }

  async save(): Promise<void> {
    const { trx } = this;
    await this.tenants.save(settingsView(trx));
    await upsertRows(trx, 'till_orders', ['tenant_id', 'order_id'], [...this.touchedOrders].flatMap((key) => {
      const order = this.orders.get(key);
      if (!order) return [];
      return [{ tenant_id: order.tenant, order_id: order.id, snapshot: JSON.stringify(order.snapshot) }];
    }));
    await upsertRows(trx, 'till_drawers', ['tenant_id', 'drawer_id'], [...this.newDrawers].flatMap((key) => {
      const drawer = this.drawers.get(key);
      return drawer ? [drawer] : [];
    }));
    await upsertRows(trx, 'till_names', ['tenant_id', 'kind', 'id'], [...this.names.values()]);
    await upsertRows(trx, 'till_entries', ['tenant_id', 'device_id', 'position'], this.entries);
    await upsertRows(trx, 'z_reports', ['tenant_id', 'device_id', 'z_number'], this.zReports);
    await upsertRows(trx, 'till_periods', ['tenant_id', 'device_id'], [...this.dirty].flatMap((key) => {
      const p = this.periods.get(key);
      return p ? [p] : [];
    }));
  }
}

