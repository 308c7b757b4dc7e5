import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../application/ports/clock.js';
import type { IdGenerator } from '../../application/ports/idGenerator.js';
import type { Database } from '../postgres/database.js';

export type RotationOutcome =
  | Readonly<{ outcome: 'rotated'; token: string; familyId: string; userId: string; deviceId: string | null }>
  /** Unknown, expired, or a replaced or revoked one (then its whole family is revoked). */
  | Readonly<{ outcome: 'refused'; reason: 'unknown' | 'expired' | 'reused' }>;

/**
 * Opaque refresh tokens (32 random bytes), stored only as their SHA-256: a leaked table holds no
 * usable token. Each use rotates the token; presenting one that was already rotated or revoked
 * means two parties hold it, so the whole family (the sign-in) is revoked.
 */
export interface RefreshTokens {
  /** Starts a family (a sign-in). */
  issue(session: Readonly<{ userId: string; deviceId: string | null }>): Promise<string>;
  rotate(token: string): Promise<RotationOutcome>;
  revokeFamily(familyId: string): Promise<void>;
  /** Revokes the family of `token`, if it is one (logout); unknown tokens are ignored. */
  revokeFamilyOf(token: string): Promise<void>;
}

export function createPostgresRefreshTokens(db: Kysely<Database>, clock: Clock, ids: IdGenerator, ttlDays: number): RefreshTokens {
  const insert = async (trx: Kysely<Database>, familyId: string, session: Readonly<{ userId: string; deviceId: string | null }>): Promise<{ token: string; hash: string }> => {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: hashOf(token),
        family_id: familyId,
        user_id: session.userId,
        device_id: session.deviceId,
        issued_at: now,
        expires_at: new Date(now.getTime() + ttlDays * 86_400_000),
      })
      .execute();
    return { token, hash: hashOf(token) };
  };
  const revoke = async (trx: Kysely<Database>, familyId: string): Promise<void> => {
    await trx.updateTable('refresh_tokens').set({ revoked_at: clock.now() }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  };

  return {
    async issue(session) {
      return (await insert(db, ids.uuid(), session)).token;
    },

    rotate(token) {
      // One transaction holding the row lock: two concurrent uses of one token cannot both rotate.
      return db.transaction().execute(async (trx: Transaction<Database>): Promise<RotationOutcome> => {
        const row = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hashOf(token)).forUpdate().executeTakeFirst();
        if (!row) return { outcome: 'refused', reason: 'unknown' };
        if (row.replaced_by !== null || row.revoked_at !== null) {
          await revoke(trx, row.family_id);
          return { outcome: 'refused', reason: 'reused' };
        }
        if (row.expires_at.getTime() <= clock.now().getTime()) return { outcome: 'refused', reason: 'expired' };
        const next = await insert(trx, row.family_id, { userId: row.user_id, deviceId: row.device_id });
        await trx.updateTable('refresh_tokens').set({ replaced_by: next.hash }).where('token_hash', '=', row.token_hash).execute();
        return { outcome: 'rotated', token: next.token, familyId: row.family_id, userId: row.user_id, deviceId: row.device_id };
      });
    },

    revokeFamily: (familyId) => revoke(db, familyId),

    async revokeFamilyOf(token) {
      const row = await db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', hashOf(token)).executeTakeFirst();
      if (row) await revoke(db, row.family_id);
    },
  };
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
