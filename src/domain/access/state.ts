/** How many reads the session's stream holds: all a decider needs to know, since every read is recorded. */
export type AccessState = Readonly<{ reads: number }>;

export const initialAccessState: AccessState = { reads: 0 };
