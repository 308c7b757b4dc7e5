import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { exportTenantEvents, parseEventTypes } from '../../../application/audit/export.js';
import { readStateAsOf, readStreamHistory } from '../../../application/audit/history.js';
import { notFound } from '../../../application/errors.js';
import { QueryRefusal } from '../../../application/queries/errors.js';
import type { EventStore } from '../../../application/ports/eventStore.js';
import { STREAM_CATEGORIES } from '../../../application/events/streams.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { zodApp } from './commandRoute.js';
import { ndjsonChunks } from '../ndjson.js';

export type AuditRouteDeps = Readonly<{ eventStore: Pick<EventStore, 'readStream' | 'readAll' | 'headPosition'> }>;

/**
 * Who reads the record itself: the tenant's auditor and its admin (and support, who sees what the
 * admin sees, ADR 0009). Never a command: the auditor is in no command's roles.
 */
const AUDIT_READERS: RoutePermission = { roles: ['auditor', 'tenant_admin', 'platform_owner'], scope: 'tenant', support: 'read' };

const TAGS = ['audit'];
export const MAX_HISTORY_PAGE = 1_000;

const streamParams = z.object({
  streamId: z
    .string()
    .min(1)
    .max(300)
    .describe('A stream id as events name it, URL-encoded (`order-<tenant>/<order>` is `order-<tenant>%2F<order>`): tenant-<tenant>, order-, employee-, till-, support-'),
});

const eventSchema = z.object({
  eventId: z.string(),
  streamId: z.string(),
  revision: z.number().int(),
  position: z.string().describe('Global position `<commit>.<prepare>`'),
  type: z.string(),
  schemaVersion: z.number().int(),
  tenantId: z.string(),
  occurredAt: z.string().describe('Business time, as the till said (bounded by the server)'),
  recordedAt: z.string().describe('When the store accepted it (server time)'),
  actor: z.object({ userId: z.string(), role: z.string(), deviceId: z.string().nullable() }),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  traceContext: z.object({ traceparent: z.string(), tracestate: z.string().nullable() }).nullable(),
  data: z.record(z.string(), z.unknown()).describe('As stored, in its own schema version'),
});

const category = z.enum(STREAM_CATEGORIES);

const typesSchema = z
  .string()
  .max(4_000)
  .transform((text) => parseEventTypes(text))
  .refine(({ unknown }) => unknown.length === 0, 'a comma-separated list of event types Tillstream writes (e.g. OrderCompleted,OrderRefunded)')
  .transform(({ types }) => types);

/** The audit routes: a stream's history and its state as of a revision or a time; the tenant's export. */
export function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const zapp = zodApp(app);

  zapp.get(
    '/v1/audit/streams/:streamId/events',
    {
      schema: {
        summary: 'A stream’s events in order, each with its whole envelope (actor, device, correlation, causation, idempotency key, trace, business and recorded time)',
        description: `Paged by revision: \`fromRevision\` (default 0), \`limit\` 1 to ${MAX_HISTORY_PAGE} (default 100); \`nextRevision\` is the next page's \`fromRevision\`, null on the last page. Another tenant's stream, or one that does not exist, is 404.`,
        tags: TAGS,
        params: streamParams,
        querystring: z.strictObject({
          fromRevision: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 1).default(0),
          limit: z.coerce.number().int().min(1).max(MAX_HISTORY_PAGE).default(100),
        }),
        response: { 200: z.object({ streamId: z.string(), category, events: z.array(eventSchema), nextRevision: z.number().int().nullable() }) },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 404: ['NOT_FOUND'] } } },
    },
    async (request) => {
      const page = await readStreamHistory(deps.eventStore, principalOf(request), request.params.streamId, request.query);
      return { ...page, events: [...page.events] };
    },
  );

  zapp.get(
    '/v1/audit/streams/:streamId/state',
    {
      schema: {
        summary: 'The aggregate’s state as of a revision or a recorded time, folded from its events by the same decider',
        description:
          '`asOfRevision`: the state after that revision (a revision past the end is the state now). `asOf` (ISO 8601): after the last event recorded at or before it (recorded time, the server’s). ' +
          'At most one of them; neither: the state now. `revision` is the last event folded, null when the stream had none yet then.',
        tags: TAGS,
        params: streamParams,
        querystring: z.strictObject({
          asOfRevision: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 1).optional(),
          asOf: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({ streamId: z.string(), category, revision: z.number().int().nullable(), recordedAt: z.string().nullable(), state: z.unknown() }),
        },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED', 'ONE_POINT_IN_TIME'], 404: ['NOT_FOUND'] } } },
    },
    async (request) => {
      const { asOfRevision, asOf } = request.query;
      if (asOfRevision !== undefined && asOf !== undefined) {
        throw new QueryRefusal('ONE_POINT_IN_TIME', 'Give asOfRevision or asOf, not both');
      }
      return readStateAsOf(deps.eventStore, principalOf(request), request.params.streamId, { asOfRevision, asOf: asOf === undefined ? undefined : new Date(asOf) });
    },
  );

  zapp.get(
    '/v1/audit/export',
    {
      schema: {
        summary: 'The tenant’s events as NDJSON, streamed: one line per event with its whole envelope, then a last line saying what the file covers',
        description:
          'Lines `{"kind":"event", ...}` in global order (the envelope of the history route), then `{"kind":"end","count":...,"through":"<position>",...}`: a file without it was cut. ' +
          '`from` (inclusive) and `to` (exclusive) bound the recorded time (ISO 8601); `types` is a comma-separated list of event types. ' +
          'Streamed in constant memory at the pace the client reads; the log is taken as far as its end when the export began.',
        tags: TAGS,
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          types: typesSchema.optional(),
        }),
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'] } } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Tenant');
      const { from, to, types } = request.query;
      const lines = exportTenantEvents(deps.eventStore, principal.tenantId, {
        from: from === undefined ? undefined : new Date(from),
        to: to === undefined ? undefined : new Date(to),
        types: types === undefined ? undefined : new Set(types),
      });
      // Readable.from pulls a line only when the socket takes more; a client that goes away
      // destroys the stream, which ends the generators and the reads with them.
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="tillstream-${principal.tenantId}-events.ndjson"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(ndjsonChunks(lines), { objectMode: false, highWaterMark: 64 * 1024 }));
    },
  );
}
