import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../application/ports/eventStore.js';
import { upcastOrderEvent, type OrderEvent } from '../../domain/order/index.js';
import type { Database } from '../../infrastructure/postgres/database.js';
import type { ReadModelProjection } from '../projection.js';

export const DRAWER_CASH = 'drawer_cash';

type Movement = 'cash_tendered' | 'change_given' | 'cash_returned' | 'cash_refunded';

/**
 * Cash that sales move through each drawer, from the Order streams: a cash tender goes into the
 * drawer it names; removing that payment or voiding its order hands it back; the change of a
 * completed order comes out of the drawer of its last cash payment (change is given when the sale
 * completes, at the till that took the cash); a cash refund comes out of the drawer it names.
 */
export const drawerCashProjection: ReadModelProjection = {
  kind: 'read_model',
  name: DRAWER_CASH,
  tables: ['drawer_cash', 'drawer_cash_open_payments'],
  async apply(trx, recorded) {
    if (!recorded.streamId.startsWith('order-')) return;
    const event = orderEventOf(recorded);
    const streamId = recorded.streamId;
    switch (event.type) {
      case 'PaymentAdded': {
        const { paymentId, tender, drawerId } = event.data;
        if (tender.method !== 'cash' || drawerId === null) return;
        await trx
          .insertInto('drawer_cash_open_payments')
          .values({ stream_id: streamId, payment_id: paymentId, tenant_id: recorded.tenantId, drawer_id: drawerId, amount: tender.amount, stream_revision: recorded.streamRevision })
          .execute();
        await move(trx, recorded.tenantId, drawerId, 'cash_tendered', tender.amount);
        return;
      }
      case 'PaymentRemoved': {
        const removed = await trx
          .deleteFrom('drawer_cash_open_payments')
          .where('stream_id', '=', streamId)
          .where('payment_id', '=', event.data.paymentId)
          .returning(['drawer_id', 'amount'])
          .executeTakeFirst();
        if (removed) await move(trx, recorded.tenantId, removed.drawer_id, 'cash_returned', Number(removed.amount));
        return;
      }
      case 'OrderCompleted': {
        const payments = await closeOrder(trx, streamId);
        const last = payments.at(-1);
        if (last && event.data.change > 0) await move(trx, recorded.tenantId, last.drawer_id, 'change_given', event.data.change);
        return;
      }
      case 'OrderVoided': {
        for (const payment of await closeOrder(trx, streamId)) {
          await move(trx, recorded.tenantId, payment.drawer_id, 'cash_returned', Number(payment.amount));
        }
        return;
      }
      case 'OrderRefunded': {
        const { method, drawerId, amount } = event.data;
        if (method === 'cash' && drawerId !== null) await move(trx, recorded.tenantId, drawerId, 'cash_refunded', amount);
        return;
      }
      default:
        return;
    }
  },
};

/** The order's open cash payments in the order they were taken, removed from the table. */
async function closeOrder(trx: Transaction<Database>, streamId: string): Promise<readonly Readonly<{ drawer_id: string; amount: string | bigint }>[]> {
  const rows = await trx.deleteFrom('drawer_cash_open_payments').where('stream_id', '=', streamId).returning(['drawer_id', 'amount', 'stream_revision']).execute();
  return rows.sort((a, b) => Number(a.stream_revision) - Number(b.stream_revision));
}

async function move(trx: Transaction<Database>, tenantId: string, drawerId: string, column: Movement, amount: number): Promise<void> {
  const counter = sql.ref(column);
  await sql`
    INSERT INTO drawer_cash (tenant_id, drawer_id, ${counter}) VALUES (${tenantId}, ${drawerId}, ${amount})
    ON CONFLICT (tenant_id, drawer_id) DO UPDATE SET ${counter} = drawer_cash.${counter} + excluded.${counter}`.execute(trx);
}

function orderEventOf(recorded: RecordedEvent): OrderEvent {
  const data = upcastOrderEvent(recorded.type, recorded.schemaVersion, recorded.data);
  return { type: recorded.type, data } as unknown as OrderEvent;
}
