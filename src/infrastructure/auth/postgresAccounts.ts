import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ApplicationError, notFound } from '../../application/errors.js';
import type { Accounts, LoginStatus, LoginSummary, NewLogin } from '../../application/ports/accounts.js';
import type { Clock } from '../../application/ports/clock.js';
import type { BranchId, DeviceId, EmployeeId, TenantId, UserId } from '../../domain/shared/ids.js';
import { isRole } from '../../domain/shared/roles.js';
import type { AccountsTable, Database } from '../postgres/database.js';
import { normalizeEmail, type AccountDirectory, type AccountRecord } from './accountDirectory.js';
import { passwordProblem, pinProblem } from './credentialRules.js';
import { hashSecret } from './secretHash.js';
import { emailAccountKey, forgetThrottledAccount } from './loginThrottle.js';

export type PostgresAccounts = Accounts & AccountDirectory;

const STATUSES: readonly string[] = ['pending', 'active', 'suspended', 'terminated'] satisfies LoginStatus[];
const UNIQUE_VIOLATION = '23505';

/** The `Accounts` port and the reads authentication needs, on the `accounts` tables (migration 0002). */
export function createPostgresAccounts(db: Kysely<Database>, clock: Clock): PostgresAccounts {
  const byColumn = async (column: 'user_id' | 'email' | 'employee_id', value: string): Promise<AccountRecord | undefined> => {
    const row = await db.selectFrom('accounts').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toRecord(row);
  };

  return {
    async create(account) {
      try {
        await insertLogin(db, account, await credentialHashes(account), 'active', clock.now());
      } catch (error) {
        if (isUniqueViolation(error)) throw new ApplicationError('conflict', 'ACCOUNT_EXISTS', 'An account with this email, user or employee already exists');
        throw error;
      }
    },

    async reserve(login) {
      // Hashed (and weak credentials refused) before anything is written.
      const hashes = await credentialHashes(login);
      const email = normalizeEmail(login.email);
      try {
        await insertLogin(db, login, hashes, 'pending', clock.now());
        return { outcome: 'reserved' };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const own = await db.selectFrom('accounts').selectAll().where('user_id', '=', login.userId).executeTakeFirst();
      if (own) {
        if (own.tenant_id !== login.tenantId || own.employee_id !== login.employeeId || own.email !== email) {
          throw new ApplicationError('conflict', 'ACCOUNT_EXISTS', 'This employee id already has another login');
        }
        // A retry of a hire that did not finish: the retry's credentials are the ones meant now.
        if (own.status === 'pending') {
          await db
            .updateTable('accounts')
            .set({ password_hash: hashes.password ?? null, pin_hash: hashes.pin ?? null, updated_at: clock.now() })
            .where('user_id', '=', login.userId)
            .where('status', '=', 'pending')
            .execute();
        }
        return { outcome: 'held', status: toRecord(own).status };
      }
      // Only this tenant's logins: another tenant's email is never a conflict (migration 0007).
      const holder = await db.selectFrom('accounts').selectAll().where('tenant_id', '=', login.tenantId).where('email', '=', email).executeTakeFirst();
      if (!holder) throw new ApplicationError('conflict', 'ACCOUNT_EXISTS', 'This employee id already has another login');
      return { outcome: 'email_taken', holder: toSummary(holder) };
    },

    async release(userId, reservedBefore) {
      let query = db.deleteFrom('accounts').where('user_id', '=', userId).where('status', '=', 'pending');
      if (reservedBefore) query = query.where('created_at', '<', reservedBefore);
      const deleted = await query.executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },

    async pendingBefore(before, limit) {
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .where('status', '=', 'pending')
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toSummary);
    },

    async update(userId, change) {
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('accounts')
          .set({
            updated_at: clock.now(),
            ...(change.role !== undefined && { role: change.role }),
            ...(change.branchIds !== undefined && { branch_ids: change.branchIds }),
            ...(change.deviceIds !== undefined && { device_ids: change.deviceIds }),
            ...(change.status !== undefined && { status: change.status }),
          })
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) throw notFound('Account');
        if (change.status === 'suspended' || change.status === 'terminated') await revokeTokensOf(trx, userId, clock.now());
      });
    },

    async setCredentials(userId, credentials) {
      const hashes = await credentialHashes(credentials);
      const updated = await db
        .updateTable('accounts')
        .set({
          updated_at: clock.now(),
          ...(hashes.password !== undefined && { password_hash: hashes.password }),
          ...(hashes.pin !== undefined && { pin_hash: hashes.pin }),
        })
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw notFound('Account');
    },

    async deactivateDevice(tenantId, deviceId) {
      await db
        .insertInto('deactivated_devices')
        .values({ tenant_id: tenantId, device_id: deviceId, deactivated_at: clock.now() })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'device_id']).doNothing())
        .execute();
    },

    async forget(userId) {
      await db.transaction().execute(async (trx) => {
        // What sign-in throttled this login under goes with it (ADR 0025): the email's digest, the employee's PIN key.
        const before = await trx.selectFrom('accounts').select(['email', 'employee_id']).where('user_id', '=', userId).forUpdate().executeTakeFirst();
        const updated = await trx
          .updateTable('accounts')
          .set({ email: null, password_hash: null, pin_hash: null, updated_at: clock.now() })
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) throw notFound('Account');
        if (before?.email) await forgetThrottledAccount(trx, emailAccountKey(before.email));
        if (before?.employee_id) await forgetThrottledAccount(trx, `employee:${before.employee_id}`);
        await revokeTokensOf(trx, userId, clock.now());
      });
    },

    findById: (userId) => byColumn('user_id', userId),
    async sessionOf(userId, deviceId) {
      const { rows } = await sql<Selectable<AccountsTable> & { device_deactivated: boolean }>`/*prepare:ts_session_of*/
        SELECT a.*, EXISTS (SELECT 1 FROM deactivated_devices d WHERE d.tenant_id = a.tenant_id AND d.device_id = ${deviceId ?? ''}) AS device_deactivated
          FROM accounts a
         WHERE a.user_id = ${userId}`.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      const { device_deactivated: deviceDeactivated, ...account } = row;
      return { account: toRecord(account), deviceDeactivated: deviceId !== null && deviceDeactivated };
    },
    async findByEmail(email, tenantId) {
      let query = db.selectFrom('accounts').selectAll().where('email', '=', normalizeEmail(email));
      if (tenantId === undefined) query = query.where('status', '=', 'active');
      else if (tenantId === null) query = query.where('tenant_id', 'is', null);
      else query = query.where('tenant_id', '=', tenantId);
      // Two rows at most: one is the login meant, two is an email that names no single login.
      const rows = await query.limit(2).execute();
      return rows.length === 1 && rows[0] ? toRecord(rows[0]) : undefined;
    },
    findByEmployeeId: (employeeId) => byColumn('employee_id', employeeId),

    async isDeviceDeactivated(tenantId, deviceId) {
      const row = await db
        .selectFrom('deactivated_devices')
        .select('device_id')
        .where('tenant_id', '=', tenantId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

/** Every live refresh token of the user stops working (suspension, termination, erasure). */
async function revokeTokensOf(trx: Transaction<Database>, userId: string, now: Date): Promise<void> {
  await trx.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

async function insertLogin(db: Kysely<Database>, login: NewLogin, hashes: Hashes, status: LoginStatus, now: Date): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      user_id: login.userId,
      tenant_id: login.tenantId,
      employee_id: login.employeeId,
      email: normalizeEmail(login.email),
      role: login.role,
      status,
      branch_ids: login.branchIds,
      device_ids: login.deviceIds,
      password_hash: hashes.password ?? null,
      pin_hash: hashes.pin ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

type Hashes = Readonly<{ password?: string; pin?: string }>;

async function credentialHashes(credentials: Readonly<{ password?: string | null; pin?: string | null }>): Promise<Hashes> {
  const { password, pin } = credentials;
  const problem = (typeof password === 'string' ? passwordProblem(password) : undefined) ?? (typeof pin === 'string' ? pinProblem(pin) : undefined);
  if (problem !== undefined) throw new ApplicationError('invalid', 'WEAK_CREDENTIAL', `Refused: ${problem}`);
  return {
    ...(typeof password === 'string' && { password: await hashSecret(password) }),
    ...(typeof pin === 'string' && { pin: await hashSecret(pin) }),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === UNIQUE_VIOLATION;
}

function toSummary(row: Selectable<AccountsTable>): LoginSummary {
  const record = toRecord(row);
  return { userId: record.userId, tenantId: row.tenant_id as TenantId, employeeId: record.employeeId, status: record.status, createdAt: row.created_at };
}

function toRecord(row: Selectable<AccountsTable>): AccountRecord {
  if (!isRole(row.role) || !STATUSES.includes(row.status)) throw new Error(`account ${row.user_id} has an unknown role or status`);
  return {
    userId: row.user_id as UserId,
    tenantId: row.tenant_id as TenantId | null,
    employeeId: row.employee_id as EmployeeId | null,
    email: row.email,
    role: row.role,
    status: row.status as LoginStatus,
    branchIds: row.branch_ids as BranchId[],
    deviceIds: row.device_ids as DeviceId[],
    passwordHash: row.password_hash,
    pinHash: row.pin_hash,
  };
}
