import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // An email is one login per tenant, not one on the whole platform: a person may work for two
  // shops, and a tenant admin hiring must not learn that an email exists in another tenant
  // (ADR 0013). Platform owners (no tenant) stay unique among themselves. Emails are stored
  // lower-cased (0002's CHECK), so both indexes are case-insensitive.
  await sql`ALTER TABLE accounts DROP CONSTRAINT accounts_email_key`.execute(db);
  await sql`CREATE UNIQUE INDEX accounts_tenant_email_key ON accounts (tenant_id, email) WHERE tenant_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX accounts_owner_email_key ON accounts (email) WHERE tenant_id IS NULL`.execute(db);

  // A hire reserves its login before it appends EmployeeHired: `pending` holds the hashes but
  // cannot sign in, until the hire is in the log (ADR 0013).
  await sql`ALTER TABLE accounts DROP CONSTRAINT accounts_status_check`.execute(db);
  await sql`ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN ('pending', 'active', 'suspended', 'terminated'))`.execute(db);
  // The sweep of abandoned reservations reads the old pending ones only.
  await sql`CREATE INDEX accounts_pending_idx ON accounts (created_at) WHERE status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX accounts_pending_idx`.execute(db);
  await sql`DELETE FROM accounts WHERE status = 'pending'`.execute(db);
  await sql`ALTER TABLE accounts DROP CONSTRAINT accounts_status_check`.execute(db);
  await sql`ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN ('active', 'suspended', 'terminated'))`.execute(db);
  await sql`DROP INDEX accounts_owner_email_key`.execute(db);
  await sql`DROP INDEX accounts_tenant_email_key`.execute(db);
  // Fails if an email is now held in two tenants: that is data the old schema cannot hold.
  await sql`ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email)`.execute(db);
}
