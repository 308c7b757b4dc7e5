import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/** Logins of auditors (issue 11): a tenant's read-only role for history, exports and verification. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE accounts
      DROP CONSTRAINT accounts_role_check,
      ADD CONSTRAINT accounts_role_check CHECK (role IN ('auditor', 'cashier', 'branch_manager', 'tenant_admin', 'platform_owner'))`.execute(db);
}
