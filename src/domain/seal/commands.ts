import type { Command } from '../shared/command.js';
import type { HistorySealed } from './events.js';

/**
 * Records a seal the application computed and signed (the Merkle root, the count and the
 * signature are I/O and key work, never the decider's): the decider keeps seals numbered without
 * gaps and a tenant's history from shrinking between two of them.
 */
export type SealHistory = Command<'SealHistory', HistorySealed['data']>;

export type SealCommand = SealHistory;
