import type { SealEvent } from './events.js';
import type { SealState } from './state.js';

export function evolve(_state: SealState, event: SealEvent): SealState {
  const { tenantId, sealNumber, through, eventCount } = event.data;
  return { status: 'sealed', tenantId, lastSeal: sealNumber, through, eventCount };
}
