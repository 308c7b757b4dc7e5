import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/eventStore.js';

let counter = 0;

/**
 * A realistic till event: a line added to a ticket, with the full envelope
 * (actor, correlation, causation, idempotency key, trace context). The same
 * object is stored in both stores; Emmett gets the envelope fields that our
 * store keeps in columns (tenant, occurredAt, schemaVersion) in its metadata.
 */
export function benchEvent(tenantId = 'tenant-1'): NewEvent {
  counter += 1;
  const quantity = 1 + (counter % 3);
  return {
    eventId: randomUUID(),
    type: 'TicketLineAdded',
    schemaVersion: 1,
    tenantId,
    occurredAt: new Date(Date.UTC(2026, 10, 22, 9, 30, 0, counter % 1000)),
    data: {
      ticketId: randomUUID(),
      lineId: counter,
      sku: `SKU-${(counter * 7919) % 100000}`,
      name: 'Café crème grande ✓',
      quantity,
      unitPrice: { minor: 1999, currency: 'EUR' },
      total: { minor: 1999 * quantity, currency: 'EUR' },
      taxRate: '0.20',
      discounts: [{ code: 'HAPPYHOUR', amount: { minor: 200, currency: 'EUR' } }],
    },
    metadata: {
      actor: { userId: `user-${counter % 50}`, role: 'cashier', deviceId: `till-${counter % 12}` },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      idempotencyKey: `key-${counter}`,
      traceContext: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    },
  };
}

/** Events of one append: all of one tenant, as our store requires. */
export function benchEvents(count: number): NewEvent[] {
  const tenantId = `tenant-${counter % 7}`;
  return Array.from({ length: count }, () => benchEvent(tenantId));
}

export function benchStreamId(prefix = 'ticket'): string {
  return `${prefix}-${randomUUID()}`;
}
