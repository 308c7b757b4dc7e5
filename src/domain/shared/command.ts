import type { DeviceId, UserId } from './ids.js';
import type { Role } from './roles.js';
import type { Instant } from './time.js';

/** Who asks, and the business time they ask at; every command carries it. */
export type CommandMeta = Readonly<{
  actor: Readonly<{ userId: UserId; role: Role; deviceId?: DeviceId | undefined }>;
  /** Business time of the command (the till's clock, bounded by the application). */
  at: Instant;
}>;

/** A command of an aggregate: imperative `type`, its `data`, and `meta`. */
export type Command<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  meta: CommandMeta;
}>;

/** A domain event: past-tense `type` and its `data`. The envelope is the application's. */
export type Event<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

/** Reads an older schema version of an event's data as the current one. */
export type Upcaster = (data: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;
