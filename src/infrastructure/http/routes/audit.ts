import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { exportTenantEvents, parseEventTypes } from '../../../application/audit/export.js';
import { readStateAsOf, readStreamHistory } from '../../../application/audit/history.js';
import { notFound } from '../../../application/errors.js';
import { QueryRefusal } from '../../../application/queries/errors.js';
import type { EventStore } from '../../../application/ports/eventStore.js';
import type { AuditLog } from '../../../application/ports/auditLog.js';
import type { SealVerifier } from '../../../application/ports/sealingKeys.js';
import { listSeals, readSeal, sealHistory, type SealDeps } from '../../../application/audit/seals.js';
import { verifyTenant } from '../../../application/audit/verify.js';
import { STREAM_CATEGORIES, parseStreamId, streams } from '../../../application/events/streams.js';
import { decodeEvent } from '../../../application/events/decodeEvent.js';
import { principalOf, type RoutePermission } from '../plugins/access.js';
import { emptyBody, zodApp } from './commandRoute.js';
import { ndjsonChunks } from '../ndjson.js';

export type AuditRouteDeps = Readonly<{
  eventStore: Pick<EventStore, 'readStream' | 'readAll' | 'headPosition'>;
  auditLog: Pick<AuditLog, 'storedEvents' | 'sealDirectory' | 'listStreams'>;
  /** Makes seals on demand (the signer is the configured sealing key). */
  sealing: SealDeps;
  verifier: SealVerifier;
}>;

/** Seals on demand: whoever runs the tenant; a seal changes no business fact, but the auditor only reads. */
const SEALERS: RoutePermission = { roles: ['tenant_admin', 'platform_owner'], scope: 'tenant' };
export const MAX_STREAM_PAGE = 200;
export const MAX_SEAL_PAGE = 200;

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
  hash: z.string().nullable().describe('Hex SHA-256 over the predecessor’s hash and this event’s RFC 8785 envelope (ADR 0023)'),
});

export const sealResponse = z.object({
  tenantId: z.string(),
  sealNumber: z.number().int(),
  through: z.string().nullable().describe('Log position of the tenant’s last event covered'),
  eventCount: z.number().int(),
  streamCount: z.number().int(),
  root: z.string().describe('Hex RFC 6962 Merkle root over the stream heads (stream, last revision, head hash) in stream-id byte order'),
  sealedAt: z.string(),
  reason: z.union([
    z.object({ kind: z.literal('z_closure'), deviceId: z.string(), zNumber: z.number().int() }),
    z.object({ kind: z.literal('on_demand'), userId: z.string() }),
  ]),
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  signature: z.string().describe('base64url Ed25519 signature over the RFC 8785 text of every other field'),
});

const brokenLink = z.object({
  kind: z.string().describe('hash_mismatch, revision_gap, out_of_order, unhashed, tail_missing, stream_missing, not_sealed, head_mismatch, seal_signature, seal_tenant, seal_directory, event_count'),
  message: z.string(),
  streamId: z.string().nullable(),
  revision: z.number().int().nullable(),
  expected: z.string().nullable(),
  found: z.string().nullable(),
});

const verifyResponse = z.object({
  tenantId: z.string(),
  ok: z.boolean(),
  eventsChecked: z.number().int(),
  streamsChecked: z.number().int(),
  seal: z.object({ sealNumber: z.number().int(), through: z.string().nullable(), eventCount: z.number().int(), keyId: z.string(), sealedAt: z.string() }).nullable(),
  unsealedEvents: z.number().int().describe('Events after the seal’s position: chained and checked, not sealed yet'),
  problem: brokenLink.nullable().describe('The first broken link; null when the history verifies'),
});

/** A stream-id cursor, opaque to clients. */
const streamCursor = z
  .string()
  .max(500)
  .transform((text, ctx) => {
    const id = Buffer.from(text, 'base64url').toString('utf8');
    if (id.length === 0 || Buffer.from(id, 'utf8').toString('base64url') !== text) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' });
      return z.NEVER;
    }
    return id;
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
    '/v1/audit/streams',
    {
      schema: {
        summary: 'The tenant’s streams, in stream-id order, each with its last revision and when it was last written',
        description: `\`category\` keeps one kind of stream; \`limit\` 1 to ${MAX_STREAM_PAGE} (default 50); \`nextCursor\` is the next page's \`cursor\`, null on the last page.`,
        tags: TAGS,
        querystring: z.strictObject({
          category: category.optional(),
          cursor: streamCursor.optional(),
          limit: z.coerce.number().int().min(1).max(MAX_STREAM_PAGE).default(50),
        }),
        response: {
          200: z.object({
            streams: z.array(z.object({ streamId: z.string(), category, lastRevision: z.number().int(), lastRecordedAt: z.string() })),
            nextCursor: z.string().nullable(),
          }),
        },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'] } } },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Tenant');
      const { category: only, cursor, limit } = request.query;
      const found = await deps.auditLog.listStreams(principal.tenantId, { after: cursor, limit: limit + 1, category: only });
      const shown = found.slice(0, limit);
      const last = shown.at(-1);
      return {
        streams: shown.map((s) => ({ streamId: s.streamId, category: parseStreamId(s.streamId)?.category ?? 'tenant', lastRevision: s.lastRevision, lastRecordedAt: s.lastRecordedAt.toISOString() })),
        nextCursor: found.length > limit && last ? Buffer.from(last.streamId, 'utf8').toString('base64url') : null,
      };
    },
  );

  zapp.get(
    '/v1/audit/support-sessions/:sessionId/reads',
    {
      schema: {
        summary: 'What a support session read: every route it was let through, with the ids in its path, in order',
        description: `Recorded before each read was answered (ADR 0026). Paged: \`fromRevision\` (default 0), \`limit\` 1 to ${MAX_HISTORY_PAGE} (default 100); \`nextRevision\` is the next page's \`fromRevision\`. A session of another tenant, or none, is 404.`,
        tags: TAGS,
        params: z.object({ sessionId: z.string().min(1).max(100) }),
        querystring: z.strictObject({
          fromRevision: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 1).default(0),
          limit: z.coerce.number().int().min(1).max(MAX_HISTORY_PAGE).default(100),
        }),
        response: {
          200: z.object({
            sessionId: z.string(),
            reads: z.array(z.object({ revision: z.number().int(), at: z.string(), ownerId: z.string(), method: z.string(), route: z.string(), params: z.record(z.string(), z.string()) })),
            nextRevision: z.number().int().nullable(),
          }),
        },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'], 404: ['NOT_FOUND'] } } },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Support session');
      const { sessionId } = request.params;
      const { fromRevision, limit } = request.query;
      const sessions = await deps.eventStore.readStream(streams.support(principal.tenantId));
      if (!sessions.some((event) => event.type === 'SupportSessionStarted' && event.data.sessionId === sessionId)) throw notFound('Support session');
      const events = await deps.eventStore.readStream(streams.access(principal.tenantId, sessionId), { fromRevision, maxCount: limit + 1 });
      const reads = events.slice(0, limit).flatMap((event) => {
        const decoded = decodeEvent(event);
        if (decoded?.type !== 'SupportDataRead') return [];
        const { at, ownerId, method, route, params } = decoded.data;
        return [{ revision: event.streamRevision, at, ownerId, method, route, params: { ...params } }];
      });
      return { sessionId, reads, nextRevision: events.length > limit ? fromRevision + limit : null };
    },
  );

  zapp.get(
    '/v1/audit/seals',
    {
      schema: {
        summary: 'The tenant’s signed seals, oldest first: each states how many events and which stream heads its history had at its position',
        description: `From seal \`fromNumber\` (default 1), \`limit\` 1 to ${MAX_SEAL_PAGE} (default 50); \`nextNumber\` is the next page's \`fromNumber\`, null on the last page. Keep a copy outside the database: \`tillstream audit verify --seal <file>\` checks the history against it.`,
        tags: TAGS,
        querystring: z.strictObject({
          fromNumber: z.coerce.number().int().min(1).max(2_147_483_647).default(1),
          limit: z.coerce.number().int().min(1).max(MAX_SEAL_PAGE).default(50),
        }),
        response: { 200: z.object({ seals: z.array(sealResponse), nextNumber: z.number().int().nullable() }) },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'] } } },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Tenant');
      const { fromNumber, limit } = request.query;
      const seals = await listSeals(deps.eventStore, principal.tenantId, { fromNumber, limit: limit + 1 });
      const shown = seals.slice(0, limit);
      return { seals: [...shown], nextNumber: seals.length > limit ? fromNumber + limit : null };
    },
  );

  zapp.get(
    '/v1/audit/seals/:sealNumber',
    {
      schema: {
        summary: 'One of the tenant’s seals',
        tags: TAGS,
        params: z.object({ sealNumber: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: sealResponse },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'], 404: ['NOT_FOUND'] } } },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Seal');
      const seal = await readSeal(deps.eventStore, principal.tenantId, request.params.sealNumber);
      if (!seal) throw notFound('Seal');
      return seal;
    },
  );

  zapp.post(
    '/v1/tenants/:tenantId/seals',
    {
      schema: {
        summary: 'Seal the tenant’s history now: sign the Merkle root of its stream heads and its event count as far as the log’s end',
        description: 'Seals are also made at every Z closure. Answers the new seal; sealing twice in a row is harmless (the second seal states the same history, later).',
        tags: TAGS,
        params: z.object({ tenantId: z.string().min(1).max(100) }),
        body: emptyBody,
        response: { 201: sealResponse },
      },
      config: { permission: SEALERS },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenantId } = request.params;
      // The tenant's own admin, or the platform owner; another tenant's admin learns nothing (404).
      if (principal.role !== 'platform_owner' && principal.tenantId !== tenantId) throw notFound('Tenant');
      const [tenant] = await deps.eventStore.readStream(streams.tenant(tenantId), { maxCount: 1 });
      if (!tenant) throw notFound('Tenant');
      const seal = await sealHistory(deps.sealing, tenantId, { kind: 'on_demand', userId: principal.userId }, {
        userId: principal.userId,
        role: principal.role,
        correlationId: request.id,
      });
      return reply.code(201).send(seal);
    },
  );

  zapp.get(
    '/v1/audit/verify',
    {
      schema: {
        summary: 'Verify the tenant’s history: every hash link of every stream, and the stream heads and event count against a signed seal',
        description:
          'Against the latest seal, or seal `sealNumber`. Answers 200 with `ok` and, when the history does not verify, the first broken link: its kind, stream, revision, and the expected and found hash. ' +
          'A seal whose signature does not hold under a trusted key is refused (`seal_signature`). Streamed through the history in constant memory.',
        tags: TAGS,
        querystring: z.strictObject({ sealNumber: z.coerce.number().int().min(1).max(2_147_483_647).optional() }),
        response: { 200: verifyResponse },
      },
      config: { permission: AUDIT_READERS, openapi: { problems: { 400: ['VALIDATION_FAILED'], 404: ['NOT_FOUND'] } } },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.tenantId === null) throw notFound('Tenant');
      const { sealNumber } = request.query;
      const seal = await readSeal(deps.eventStore, principal.tenantId, sealNumber);
      if (sealNumber !== undefined && !seal) throw notFound('Seal');
      return verifyTenant(deps.auditLog, principal.tenantId, { seal, verifier: deps.verifier });
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
