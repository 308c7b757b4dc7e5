import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/eventStore.js';

let counter = 0;

/** A complete event envelope with every field set, so round trips check them all. */
export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  counter += 1;
  return {
    eventId: randomUUID(),
    type: 'SomethingHappened',
    schemaVersion: 1,
    tenantId: 'tenant-1',
    occurredAt: new Date(Date.UTC(2026, 10, 22, 9, 30, 0, counter % 1000)),
    data: { counter, amount: { minor: 1999, currency: 'EUR' }, note: 'ünïcødé ✓', nested: [1, { a: null }] },
    metadata: {
      actor: { userId: 'user-1', role: 'cashier', deviceId: 'device-1' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      idempotencyKey: `key-${counter}`,
      traceContext: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    },
    ...overrides,
  };
}

export function someEvents(count: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: count }, () => anEvent(overrides));
}

export function aStreamId(prefix = 'order'): string {
  return `${prefix}-${randomUUID()}`;
}
