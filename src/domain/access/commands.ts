import type { Command } from '../shared/command.js';
import type { SupportDataRead } from './events.js';

/** Records a read the access check let through, before the route answers it. */
export type RecordSupportRead = Command<'RecordSupportRead', Omit<SupportDataRead['data'], 'at'>>;

export type AccessCommand = RecordSupportRead;
