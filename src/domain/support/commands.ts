import type { Command } from '../shared/command.js';
import type { SupportSessionId, UserId } from '../shared/ids.js';
import type { Instant } from '../shared/time.js';

// Commands carry input as received (after the edge's schema): the decider validates every field.
// The tenant is the stream's (`support-<tenantId>`), so no command names it.

/** A platform owner asks to read one tenant's data, for a stated reason, until `endsAt`. */
export type StartSupportSession = Command<
  'StartSupportSession',
  {
    sessionId: SupportSessionId;
    /** The platform owner who will hold the session's tokens. */
    ownerId: UserId;
    /** Why: shown to the tenant and kept for auditors. Trimmed, 10 to 500 characters. */
    reason: string;
    /** After `meta.at`, and at most 60 minutes after it. */
    endsAt: Instant;
  }
>;

/** Ends a session before its time: its tokens stop working at once. */
export type EndSupportSession = Command<'EndSupportSession', { sessionId: SupportSessionId }>;

export type SupportCommand = StartSupportSession | EndSupportSession;
