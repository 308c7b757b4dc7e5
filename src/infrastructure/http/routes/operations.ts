import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatPosition } from '../../../application/ports/eventStore.js';
import type { ProjectionRunner } from '../../../projections/runner.js';
import type { RoutePermission } from '../plugins/access.js';
import { zodApp } from './commandRoute.js';

export type OperationsRouteDeps = Readonly<{ projections: Pick<ProjectionRunner, 'status'> }>;

const PLATFORM: RoutePermission = { roles: ['platform_owner'], scope: 'platform' };

const position = z.string().nullable().describe('`<commit>.<prepare>` of the last event applied; null before the first');

const projectionSchema = z.object({
  name: z.string(),
  kind: z.enum(['read_model', 'reactor']),
  generation: z.number().int().describe('0 for a reactor; 1, 2, ... for the generations of a read model'),
  version: z.number().int().nullable().describe('Code version that built the generation'),
  state: z.enum(['building', 'live', 'retired', 'halted']).describe('halted: stopped on a poison event (see halt)'),
  position,
  updatedAt: z.string().describe('When its checkpoint last moved (ISO 8601)'),
  lagEvents: z.number().int().describe('Events committed after its checkpoint'),
  lagSeconds: z.number().describe('Age of the oldest event not yet applied; 0 when caught up'),
  halt: z
    .object({ position: z.string(), eventId: z.string(), eventType: z.string(), error: z.string(), attempts: z.number().int(), failedAt: z.string() })
    .nullable()
    .describe('The poison event it halted on: `projections resume <name>` after a fix, or `projections skip <name> <position>`'),
});

/** Operator views: where every projection is, how far behind, and what halted (platform owner only). */
export function registerOperationsRoutes(app: FastifyInstance, deps: OperationsRouteDeps): void {
  zodApp(app).get(
    '/v1/operations/projections',
    {
      schema: {
        summary: 'Projections: position, lag in events and seconds, and halts, per read model generation and reactor',
        description: 'The same figures as `npm run cli -- projections status`. Platform owners only.',
        tags: ['operations'],
        response: { 200: z.object({ projections: z.array(projectionSchema) }) },
      },
      config: { permission: PLATFORM },
    },
    async () => ({
      projections: (await deps.projections.status()).map((row) => ({
        name: row.name,
        kind: row.kind,
        generation: row.generation,
        version: row.version,
        state: row.halt ? ('halted' as const) : row.state,
        position: row.position && formatPosition(row.position),
        updatedAt: row.updatedAt.toISOString(),
        lagEvents: row.lagEvents,
        lagSeconds: row.lagSeconds,
        halt: row.halt && { ...row.halt, position: formatPosition(row.halt.position), failedAt: row.halt.failedAt.toISOString() },
      })),
    }),
  );
}
