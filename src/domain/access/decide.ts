import type { AccessCommand } from './commands.js';
import type { AccessEvent } from './events.js';
import type { AccessState } from './state.js';

/** A read that was let through is a fact to record, never refused here: the access check decided already. */
export function decide(command: AccessCommand, _state: AccessState): readonly AccessEvent[] {
  return [{ type: 'SupportDataRead', data: { ...command.data, at: command.meta.at } }];
}
