import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { z } from 'zod';
import { ApplicationError } from '../../src/application/errors.js';
import { formatPosition, type EventStore } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../src/domain/shared/ids.js';
import { buildApp, type AppDeps } from '../../src/infrastructure/http/app.js';
import { principalOf } from '../../src/infrastructure/http/plugins/access.js';
import { registerSyncRoutes } from '../../src/infrastructure/http/routes/sync.js';
import { createBatchLock } from '../../src/infrastructure/idempotency/batchLock.js';
import { createIdempotencyStore, type IdempotencyStore } from '../../src/infrastructure/idempotency/idempotencyStore.js';
import { idempotencyKeyOf } from '../../src/infrastructure/idempotency/key.js';
import { findCommittedByKey } from '../../src/infrastructure/idempotency/recovery.js';
import { registerIdempotency } from '../../src/infrastructure/idempotency/registerIdempotency.js';
import type { Postgres } from '../../src/infrastructure/postgres/connect.js';
import { openEmbeddedStorage } from '../support/storage.js';

/**
 * An app with the idempotency hooks, the sync route and a dummy command route that appends to a
 * real (PGlite) event store, for the idempotency and sync tests. The principal comes from an
 * `x-test-principal` JSON header.
 */

export const TEST_PRINCIPAL_HEADER = 'x-test-principal';

export const cashier: Principal = {
  userId: 'user-cashier' as UserId,
  role: 'cashier',
  tenantId: 'tenant-a' as TenantId,
  employeeId: 'employee-1' as EmployeeId,
  deviceId: 'till-1' as DeviceId,
  branchIds: ['branch-1' as BranchId],
  support: null,
};

export const manager: Principal = {
  userId: 'user-manager' as UserId,
  role: 'branch_manager',
  tenantId: 'tenant-a' as TenantId,
  employeeId: 'employee-2' as EmployeeId,
  deviceId: null,
  branchIds: ['branch-1' as BranchId],
  support: null,
};

export function as(principal: Principal, key?: string): Record<string, string> {
  return { [TEST_PRINCIPAL_HEADER]: JSON.stringify(principal), ...(key === undefined ? {} : { 'idempotency-key': key }) };
}

const authenticate: AppDeps['authenticate'] = (request) => {
  const header = request.headers[TEST_PRINCIPAL_HEADER];
  if (typeof header !== 'string') return Promise.reject(new ApplicationError('unauthorized', 'UNAUTHENTICATED', 'no test principal'));
  return Promise.resolve(JSON.parse(header) as Principal);
};

const lineSchema = z.object({
  sku: z.string().min(1),
  quantity: z.number().int(),
  /** 'server': the handler throws after nothing was written (a 500). */
  fail: z.literal('server').optional(),
});

export type Harness = Readonly<{
  app: FastifyInstance;
  eventStore: EventStore;
  postgres: Postgres;
  /** A second view of the keys table, for setting up crashed attempts. */
  keys: IdempotencyStore;
  clock: { now: () => Date; set: (at: Date) => void };
  /** How often the dummy command's handler ran. */
  calls: () => number;
  /** Until resolved, the dummy handler waits before writing (a request held in flight). */
  hold: (gate: Promise<void> | null) => void;
  streamOf: (orderId: string) => string;
  /** Between tests sharing one harness: counts, gate and clock back to the start. */
  reset: () => void;
  close: () => Promise<void>;
}>;

export async function startHarness(): Promise<Harness> {
  const { postgres, eventStore } = await openEmbeddedStorage();
  const start = new Date('2026-11-22T10:00:00.000Z');
  let now = start;
  const clock = { now: () => now, set: (at: Date) => void (now = at) };
  let calls = 0;
  let gate: Promise<void> | null = null;
  const streamOf = (orderId: string): string => `test-order-${orderId}`;

  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    authenticate,
    readinessChecks: {},
    routes: (app) => {
      const store = registerIdempotency(app, { db: postgres.db, clock });
      app.withTypeProvider<ZodTypeProvider>().post(
        '/v1/test/orders/:id/lines',
        {
          config: { permission: { roles: ['cashier', 'branch_manager', 'tenant_admin'], scope: 'device' }, idempotency: 'required-for-cashiers' },
          schema: { params: z.object({ id: z.string() }), body: lineSchema },
        },
        async (request, reply) => {
          calls++;
          if (gate) await gate;
          const principal = principalOf(request);
          const key = idempotencyKeyOf(request);
          const streamId = streamOf(request.params.id);
          const tenantId = principal.tenantId ?? '';
          if (key !== null) {
            // What a command handler does first: a lapsed earlier attempt may already have committed.
            const committed = await findCommittedByKey(eventStore, streamId, key, { tenantId, deviceId: principal.deviceId });
            if (committed) {
              return reply
                .code(201)
                .header('etag', `"${committed.revision}"`)
                .send({ id: request.params.id, revision: committed.revision, position: formatPosition(committed.position) });
            }
          }
          if (request.body.fail === 'server') throw new Error('database went away');
          if (request.body.quantity < 1) throw new ApplicationError('invalid', 'QUANTITY_OUT_OF_RANGE', 'quantity must be at least 1');
          const clientTime = request.headers['x-client-time'];
          const result = await eventStore.appendToStream(
            streamId,
            [
              {
                eventId: randomUUID(),
                type: 'TestLineAdded',
                schemaVersion: 1,
                tenantId,
                occurredAt: typeof clientTime === 'string' ? new Date(clientTime) : now,
                data: { sku: request.body.sku, quantity: request.body.quantity },
                metadata: {
                  actor: { userId: principal.userId, role: principal.role, deviceId: principal.deviceId ?? undefined },
                  correlationId: request.id,
                  causationId: null,
                  idempotencyKey: key,
                  traceContext: null,
                },
              },
            ],
            { expectedRevision: 'any' },
          );
          return reply
            .code(201)
            .header('etag', `"${result.nextExpectedRevision}"`)
            .send({ id: request.params.id, revision: result.nextExpectedRevision, position: formatPosition(result.position) });
        },
      );
      // A command that does not honour Idempotency-Key: sync must refuse to dispatch to it.
      app.post('/v1/test/plain', { config: { permission: { roles: ['cashier'], scope: 'device' } } }, () => ({ ok: true }));
      registerSyncRoutes(app, { batchLock: createBatchLock(store, clock), forwardHeaders: ['authorization', TEST_PRINCIPAL_HEADER] });
    },
  });

  return {
    app,
    eventStore,
    postgres,
    keys: createIdempotencyStore(postgres.db),
    clock,
    calls: () => calls,
    hold: (next) => void (gate = next),
    streamOf,
    reset() {
      calls = 0;
      gate = null;
      now = start;
    },
    async close() {
      await app.close();
      // Also closes the database.
      await eventStore.close();
    },
  };
}

/** A promise and the function that settles it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
