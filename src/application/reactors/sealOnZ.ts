import { sealHistory, readSeal, type SealDeps } from '../audit/seals.js';
import type { DecodedEvent, DecodedEventType } from '../events/decodeEvent.js';
import { comparePositions, parsePosition } from '../ports/eventStore.js';
import type { Reactor } from './reactor.js';

export const SEAL_ON_Z = 'seal_on_z';

/**
 * A seal at every Z closure (issue 11, ADR 0024): after a till's day is closed the tenant's
 * history is sealed as far as the log's head, so every Z a fiscal auditor reads is covered by a
 * signed seal. Outside the Z's own commit (a seal reads the history since the last one): if the
 * process dies in between, this reactor seals when it reaches the Z again. Idempotent: a Z that a
 * seal already covers is not sealed twice.
 */
export function sealOnZReactor(deps: SealDeps): Reactor {
  return {
    kind: 'reactor',
    name: SEAL_ON_Z,
    handles: new Set<DecodedEventType>(['TillDayClosed']),
    async react(events: readonly DecodedEvent[]) {
      // The last Z of each tenant in the batch: one seal covers all of them.
      const lastZ = new Map<string, DecodedEvent & { type: 'TillDayClosed' }>();
      for (const event of events) if (event.type === 'TillDayClosed') lastZ.set(event.tenantId, event);
      for (const [tenantId, z] of lastZ) {
        const latest = await readSeal(deps.eventStore, tenantId);
        const covered = latest?.through ? parsePosition(latest.through) : undefined;
        if (covered && comparePositions(covered, z.envelope.position) >= 0) continue;
        await sealHistory(deps, tenantId, { kind: 'z_closure', deviceId: z.data.deviceId, zNumber: z.data.zNumber }, {
          userId: z.envelope.metadata.actor.userId,
          role: z.envelope.metadata.actor.role,
          correlationId: z.envelope.metadata.correlationId,
        });
      }
    },
  };
}
