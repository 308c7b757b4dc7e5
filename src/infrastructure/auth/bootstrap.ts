import { sql, type Kysely } from 'kysely';
import { ApplicationError } from '../../application/errors.js';
import type { Clock } from '../../application/ports/clock.js';
import type { IdGenerator } from '../../application/ports/idGenerator.js';
import type { UserId } from '../../domain/shared/ids.js';
import type { Database } from '../postgres/database.js';
import { passwordProblem } from './credentialRules.js';
import { createPostgresAccounts } from './postgresAccounts.js';

export class BootstrapRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapRefused';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Creates the first platform owner, the one login that exists before any tenant; later owners
 * are created through the API. Refused once a platform owner exists, so the command cannot be
 * used to add a back door to a running platform.
 */
export async function bootstrapPlatformOwner(
  db: Kysely<Database>,
  clock: Clock,
  ids: IdGenerator,
  owner: Readonly<{ email: string; password: string }>,
): Promise<UserId> {
  if (!EMAIL.test(owner.email)) throw new BootstrapRefused('--email must be an email address');
  const weak = passwordProblem(owner.password);
  if (weak !== undefined) throw new BootstrapRefused(`Refused: ${weak}`);
  return db.transaction().execute(async (trx) => {
    // Two bootstraps at once must not both see "no owner yet".
    await sql`SELECT pg_advisory_xact_lock(hashtext('tillstream:bootstrap'))`.execute(trx);
    const existing = await trx.selectFrom('accounts').select('user_id').where('role', '=', 'platform_owner').executeTakeFirst();
    if (existing) throw new BootstrapRefused('A platform owner already exists; bootstrap runs only once');
    const userId = ids.uuid() as UserId;
    try {
      await createPostgresAccounts(trx, clock).create({
        userId,
        tenantId: null,
        employeeId: null,
        email: owner.email,
        role: 'platform_owner',
        branchIds: [],
        deviceIds: [],
        password: owner.password,
        pin: null,
      });
    } catch (error) {
      if (error instanceof ApplicationError && error.kind === 'conflict') throw new BootstrapRefused('This email is already used by another account');
      throw error;
    }
    return userId;
  });
}
