import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../postgres/database.js';
import type { KeyScope } from './key.js';

/** Tills may stay offline for a week and then retry; a key must outlive that. */
export const DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * How long an attempt holds its key without renewing it. Short, so that the key of an attempt
 * whose process died is taken over within seconds; a running attempt renews it by a heartbeat
 * (every third of the lease, see heartbeat.ts), however long it takes. A retry that takes a
 * lapsed key over runs the handler again, which finds a committed result by its key.
 */
export const DEFAULT_LEASE_MS = 3 * 1000;

export type IdempotencyStoreOptions = Readonly<{ ttlMs?: number; leaseMs?: number }>;

/** The attempt that holds a key; only it may complete or release it. */
export type Claim = Readonly<{ scope: KeyScope; token: string }>;

/** A response kept to be replayed: the body as the JSON text that was sent. */
export type StoredResponse = Readonly<{
  status: number;
  body: string | null;
  headers: Readonly<Record<string, string>>;
}>;

export type ClaimOutcome =
  /** Run the request; `takenOver` when an earlier attempt's lease lapsed (it may have committed). */
  | Readonly<{ kind: 'claimed'; claim: Claim; takenOver: boolean }>
  | Readonly<{ kind: 'replay'; response: StoredResponse }>
  /** The key was used for a different request. */
  | Readonly<{ kind: 'mismatch' }>
  | Readonly<{ kind: 'in_flight'; lockedUntil: Date }>;

export interface IdempotencyStore {
  claim(scope: KeyScope, requestHash: string, now: Date): Promise<ClaimOutcome>;
  /** Keeps the response for replays; false when the claim was lost meanwhile (nothing stored). */
  complete(claim: Claim, response: StoredResponse, now: Date): Promise<boolean>;
  /** Gives the key up so a retry runs afresh (the outcome was not one to replay). */
  release(claim: Claim): Promise<void>;
  /** Extends the lease of a claim still held; false when it was lost (taken over, completed, released). */
  renew(claim: Claim, now: Date): Promise<boolean>;
  /** The lease length, for heartbeats. */
  readonly leaseMs: number;
  /** Forgets keys past their time; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

// A row can vanish or change between the failed insert and the read (released, purged, taken
// over); a few rounds settle it, as each round either decides or saw someone else make progress.
const MAX_ROUNDS = 5;

export function createIdempotencyStore(db: Kysely<Database>, options: IdempotencyStoreOptions = {}): IdempotencyStore {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const later = (now: Date, ms: number): Date => new Date(now.getTime() + ms);

  const byScope = ({ tenantId, deviceId, key }: KeyScope) =>
    sql<boolean>`tenant_id = ${tenantId} AND device_id = ${deviceId} AND key = ${key}`;

  async function claim(scope: KeyScope, requestHash: string, now: Date): Promise<ClaimOutcome> {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const token = randomUUID();
      // The hot statement of every keyed command: fixed text, prepared once per connection,
      // times as ISO text (pg's Date formatting showed in the profile).
      const { rows } = await sql<{ claim_token: string }>`/*prepare:ts_claim_key*/
        INSERT INTO idempotency_keys (tenant_id, device_id, key, request_hash, state, claim_token, locked_until, created_at, expires_at)
        VALUES (${scope.tenantId}, ${scope.deviceId}, ${scope.key}, ${requestHash}, 'in_flight', ${token}::uuid,
                ${later(now, leaseMs).toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${later(now, ttlMs).toISOString()}::timestamptz)
        ON CONFLICT DO NOTHING
        RETURNING claim_token`.execute(db);
      const inserted = rows[0];
      if (inserted) return { kind: 'claimed', claim: { scope, token }, takenOver: false };

      const row = await db
        .selectFrom('idempotency_keys')
        .select([
          'request_hash',
          'state',
          'claim_token',
          'response_status',
          'response_headers',
          'locked_until',
          'expires_at',
          // As text: the bytes that were sent, not a re-serialisation of them.
          sql<string | null>`response_body::text`.as('response_body'),
        ])
        .where(byScope(scope))
        .executeTakeFirst();
      if (!row) continue;

      if (row.expires_at.getTime() <= now.getTime()) {
        // Past its time but not purged yet: forgotten, as if the purge had run.
        await db.deleteFrom('idempotency_keys').where(byScope(scope)).where('claim_token', '=', row.claim_token).execute();
        continue;
      }
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.state === 'completed') {
        return {
          kind: 'replay',
          response: { status: row.response_status ?? 500, body: row.response_body, headers: row.response_headers ?? {} },
        };
      }
      if (row.locked_until.getTime() > now.getTime()) return { kind: 'in_flight', lockedUntil: row.locked_until };

      // The holder's lease lapsed: it crashed, before or after committing. Take the key over;
      // matching the old token makes exactly one of several retries win.
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ claim_token: token, locked_until: later(now, leaseMs) })
        .where(byScope(scope))
        .where('state', '=', 'in_flight')
        .where('claim_token', '=', row.claim_token)
        .returning('claim_token')
        .executeTakeFirst();
      if (taken) return { kind: 'claimed', claim: { scope, token }, takenOver: true };
    }
    // Still contended after several rounds: another attempt is making progress right now.
    return { kind: 'in_flight', lockedUntil: later(now, 1000) };
  }

  async function complete(held: Claim, response: StoredResponse, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('idempotency_keys')
      .set({
        state: 'completed',
        response_status: response.status,
        response_body: response.body,
        response_headers: JSON.stringify(response.headers),
        locked_until: now,
      })
      .where(byScope(held.scope))
      .where('state', '=', 'in_flight')
      .where('claim_token', '=', held.token)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async function release(held: Claim): Promise<void> {
    await db
      .deleteFrom('idempotency_keys')
      .where(byScope(held.scope))
      .where('state', '=', 'in_flight')
      .where('claim_token', '=', held.token)
      .execute();
  }

  async function renew(held: Claim, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('idempotency_keys')
      .set({ locked_until: later(now, leaseMs) })
      .where(byScope(held.scope))
      .where('state', '=', 'in_flight')
      .where('claim_token', '=', held.token)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async function purgeExpired(now: Date): Promise<number> {
    const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { claim, complete, release, renew, purgeExpired, leaseMs };
}
