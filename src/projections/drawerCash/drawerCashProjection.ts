import { sql, type Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModel } from '../readModel.js';

export const DRAWER_CASH = 'drawer_cash';

/** Bigints arrive as strings from `pg` and as `bigint` from PGlite. */
type Amount = string | bigint | number;

export type DrawerCashTables = {
  /** Net cash that sales moved through each drawer, in minor units. */
  drawer_cash: { tenant_id: string; drawer_id: string; cash_tendered: Amount; change_given: Amount; cash_returned: Amount; cash_refunded: Amount };
  /**
   * Cash payments of orders still open: a removal, a void or the change at completion needs to
   * know which drawer the cash went into. Rows go when the order completes or is voided.
   */
  drawer_cash_open_payments: { stream_id: string; payment_id: string; tenant_id: string; drawer_id: string; amount: Amount; stream_revision: Amount };
};

type Trx = Transaction<Database & DrawerCashTables>;
type Counters = { cash_tendered: number; change_given: number; cash_returned: number; cash_refunded: number };
type OpenPayment = Readonly<{ paymentId: string; tenantId: string; drawerId: string; amount: number; revision: number }>;

const HANDLES: ReadonlySet<DecodedEventType> = new Set<DecodedEventType>(['PaymentAdded', 'PaymentRemoved', 'OrderCompleted', 'OrderVoided', 'OrderRefunded']);
/** Events that read or change an order's open payments: their orders' stored rows are loaded once. */
const TOUCHES_OPEN: ReadonlySet<DecodedEventType> = new Set<DecodedEventType>(['PaymentAdded', 'PaymentRemoved', 'OrderCompleted', 'OrderVoided']);

/**
 * Cash that sales move through each drawer, from the Order streams: a cash tender goes into the
 * drawer it names; removing that payment or voiding its order hands it back; the change of a
 * completed order comes out of the drawer of its last cash payment (change is given when the sale
 * completes, at the till that took the cash); a cash refund comes out of the drawer it names.
 *
 * Set-based: the open payments of the batch's orders are read once, the batch is folded in
 * memory, then each touched drawer gets one upsert of its deltas and each touched order's open
 * payments are rewritten once.
 */
export const drawerCashProjection: ReadModel<DrawerCashTables> = {
  kind: 'read_model',
  name: DRAWER_CASH,
  version: 1,
  handles: HANDLES,
  async createTables(trx) {
    await sql`
      CREATE TABLE drawer_cash (
        tenant_id     text   NOT NULL,
        drawer_id     text   NOT NULL,
        cash_tendered bigint NOT NULL DEFAULT 0,
        change_given  bigint NOT NULL DEFAULT 0,
        cash_returned bigint NOT NULL DEFAULT 0,
        cash_refunded bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, drawer_id)
      )`.execute(trx);
    await sql`
      CREATE TABLE drawer_cash_open_payments (
        stream_id       text   NOT NULL,
        payment_id      text   NOT NULL,
        tenant_id       text   NOT NULL,
        drawer_id       text   NOT NULL,
        amount          bigint NOT NULL,
        stream_revision bigint NOT NULL,
        PRIMARY KEY (stream_id, payment_id)
      )`.execute(trx);
  },
  async applyBatch(trx, events) {
    const open = await loadOpenPayments(trx, events);
    const touched = new Set<string>();
    const drawers = new Map<string, Readonly<{ tenantId: string; drawerId: string; counters: Counters }>>();
    const move = (tenantId: string, drawerId: string, column: keyof Counters, amount: number): void => {
      const key = `${tenantId}\u0000${drawerId}`;
      let drawer = drawers.get(key);
      if (!drawer) {
        drawer = { tenantId, drawerId, counters: { cash_tendered: 0, change_given: 0, cash_returned: 0, cash_refunded: 0 } };
        drawers.set(key, drawer);
      }
      drawer.counters[column] += amount;
    };
    const paymentsOf = (streamId: string): Map<string, OpenPayment> => {
      let payments = open.get(streamId);
      if (!payments) {
        payments = new Map();
        open.set(streamId, payments);
      }
      return payments;
    };
    /** The order's open cash payments in the order they were taken, gone from the order. */
    const closeOrder = (streamId: string): readonly OpenPayment[] => {
      const payments = [...paymentsOf(streamId).values()].sort((a, b) => a.revision - b.revision);
      paymentsOf(streamId).clear();
      touched.add(streamId);
      return payments;
    };
    for (const event of events) {
      if (event.category !== 'order') continue;
      const streamId = event.envelope.streamId;
      switch (event.type) {
        case 'PaymentAdded': {
          const { paymentId, tender, drawerId } = event.data;
          if (tender.method !== 'cash' || drawerId === null) break;
          paymentsOf(streamId).set(paymentId, { paymentId, tenantId: event.tenantId, drawerId, amount: tender.amount, revision: event.envelope.streamRevision });
          touched.add(streamId);
          move(event.tenantId, drawerId, 'cash_tendered', tender.amount);
          break;
        }
        case 'PaymentRemoved': {
          const payments = paymentsOf(streamId);
          const removed = payments.get(event.data.paymentId);
          if (!removed) break;
          payments.delete(event.data.paymentId);
          touched.add(streamId);
          move(event.tenantId, removed.drawerId, 'cash_returned', removed.amount);
          break;
        }
        case 'OrderCompleted': {
          const last = closeOrder(streamId).at(-1);
          if (last && event.data.change > 0) move(event.tenantId, last.drawerId, 'change_given', event.data.change);
          break;
        }
        case 'OrderVoided':
          for (const payment of closeOrder(streamId)) move(event.tenantId, payment.drawerId, 'cash_returned', payment.amount);
          break;
        case 'OrderRefunded': {
          const { method, drawerId, amount } = event.data;
          if (method === 'cash' && drawerId !== null) move(event.tenantId, drawerId, 'cash_refunded', amount);
          break;
        }
        default:
          break;
      }
    }
    await writeOpenPayments(trx, open, touched);
    await addToDrawers(trx, [...drawers.values()]);
  },
};

/** The stored open payments of every order of the batch whose events touch them. */
async function loadOpenPayments(trx: Trx, events: readonly DecodedEvent[]): Promise<Map<string, Map<string, OpenPayment>>> {
  const streams = [...new Set(events.filter((event) => TOUCHES_OPEN.has(event.type)).map((event) => event.envelope.streamId))];
  const open = new Map<string, Map<string, OpenPayment>>();
  if (streams.length === 0) return open;
  const rows = await trx.selectFrom('drawer_cash_open_payments').selectAll().where('stream_id', 'in', streams).execute();
  for (const row of rows) {
    const payments = open.get(row.stream_id) ?? new Map<string, OpenPayment>();
    payments.set(row.payment_id, { paymentId: row.payment_id, tenantId: row.tenant_id, drawerId: row.drawer_id, amount: Number(row.amount), revision: Number(row.stream_revision) });
    open.set(row.stream_id, payments);
  }
  return open;
}

/** Each touched order's open payments, as they stand after the batch: deleted, then written once. */
async function writeOpenPayments(trx: Trx, open: ReadonlyMap<string, ReadonlyMap<string, OpenPayment>>, touched: ReadonlySet<string>): Promise<void> {
  if (touched.size === 0) return;
  await trx.deleteFrom('drawer_cash_open_payments').where('stream_id', 'in', [...touched]).execute();
  const rows = [...touched].flatMap((streamId) =>
    [...(open.get(streamId)?.values() ?? [])].map((payment) => ({
      stream_id: streamId,
      payment_id: payment.paymentId,
      tenant_id: payment.tenantId,
      drawer_id: payment.drawerId,
      amount: payment.amount,
      stream_revision: payment.revision,
    })),
  );
  for (let start = 0; start < rows.length; start += 5_000) await trx.insertInto('drawer_cash_open_payments').values(rows.slice(start, start + 5_000)).execute();
}

async function addToDrawers(trx: Trx, drawers: readonly Readonly<{ tenantId: string; drawerId: string; counters: Counters }>[]): Promise<void> {
  for (let start = 0; start < drawers.length; start += 5_000) {
    const values = drawers.slice(start, start + 5_000).map(({ tenantId, drawerId, counters }) => ({ tenant_id: tenantId, drawer_id: drawerId, ...counters }));
    await trx
      .insertInto('drawer_cash')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'drawer_id']).doUpdateSet({
          cash_tendered: sql`drawer_cash.cash_tendered + excluded.cash_tendered`,
          change_given: sql`drawer_cash.change_given + excluded.change_given`,
          cash_returned: sql`drawer_cash.cash_returned + excluded.cash_returned`,
          cash_refunded: sql`drawer_cash.cash_refunded + excluded.cash_refunded`,
        }),
      )
      .execute();
  }
}
