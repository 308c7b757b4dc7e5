import type { SealCommand } from './commands.js';
import { sealError } from './errors.js';
import type { SealEvent } from './events.js';
import type { SealState } from './state.js';

/**
 * Seals follow one another: number n + 1 after n, over at least the events the one before
 * counted. A history with fewer events than it once sealed lost some, and sealing it would sign
 * the loss: refused, so the loss stays visible to verify.
 */
export function decide(command: SealCommand, state: SealState): readonly SealEvent[] {
  const { data } = command;
  const expected = state.status === 'sealed' ? state.lastSeal + 1 : 1;
  if (state.status === 'sealed' && state.tenantId !== data.tenantId) {
    throw sealError('SEAL_TENANT_MISMATCH', 'This seal stream belongs to another tenant', { tenantId: state.tenantId });
  }
  if (data.sealNumber !== expected) {
    throw sealError('SEAL_OUT_OF_ORDER', `The next seal is number ${expected}`, { expected, sealNumber: data.sealNumber });
  }
  if (state.status === 'sealed' && data.eventCount < state.eventCount) {
    throw sealError('SEAL_HISTORY_SHRANK', 'The history holds fewer events than the previous seal counted', { previous: state.eventCount, eventCount: data.eventCount });
  }
  return [{ type: 'HistorySealed', data }];
}
