import { randomUUID } from 'node:crypto';
import type { Clock } from '../application/ports/clock.js';
import type { IdGenerator } from '../application/ports/idGenerator.js';

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
