import type { ColumnType, Generated } from 'kysely';

/**
 * Every table Tillstream keeps in PostgreSQL. Table types live only here; other
 * modules take `Kysely<Database>` and use the aliases below.
 */
export interface Database {
  events: EventsTable;
  accounts: AccountsTable;
  refresh_tokens: RefreshTokensTable;
  deactivated_devices: DeactivatedDevicesTable;
  idempotency_keys: IdempotencyKeysTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_failures: ProjectionFailuresTable;
  login_throttle: LoginThrottleTable;
  personal_data_keys: PersonalDataKeysTable;
}

/**
 * Data keys of personal data, wrapped by a master key (migration 0012, ADR 0025); a destroyed one
 * is a tombstone with no key material.
 */
export interface PersonalDataKeysTable {
  tenant_id: string;
  /** `employee:<employeeId>`. */
  subject_id: string;
  version: number;
  /** Fingerprint of the master key that wrapped it; null once destroyed. */
  master_key_id: string | null;
  /** nonce | AES-256-GCM wrapped key | tag; null once destroyed. */
  wrapped_key: Uint8Array | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  rewrapped_at: Date | null;
  destroyed_at: Date | null;
}

/** Sign-in attempts per account or address in their current window (migration 0005). */
export interface LoginThrottleTable {
  key: string;
  attempts: number;
  ends_at: ColumnType<Date, Date, Date>;
}

/**
 * One row per read model generation and per reactor (migrations 0004, 0008). Read models' own
 * tables are declared beside each model: they live in the generation's schema (ADR 0016).
 */
export interface ProjectionCheckpointsTable {
  name: string;
  /** 0 for a reactor; 1, 2, ... for the generations of a read model. */
  generation: ColumnType<number, number | undefined, number>;
  /** The model's code version that built it; null for a reactor. */
  version: number | null;
  /** `rm_<name>_<generation>`; null for a reactor. */
  schema_name: string | null;
  state: ColumnType<'building' | 'live' | 'retired', 'building' | 'live' | 'retired' | undefined, 'building' | 'live' | 'retired'>;
  retired_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** `<commit>.<prepare>` of the last event applied; null before the first. */
  position: string | null;
  updated_at: ColumnType<Date, Date, Date>;
}

/** Poison events that halted a projection, and how each was resolved (migration 0008). */
export interface ProjectionFailuresTable {
  id: Generated<Int8>;
  name: string;
  generation: number;
  position: string;
  event_id: string;
  event_type: string;
  error: string;
  attempts: number;
  failed_at: ColumnType<Date, Date, never>;
  resolution: 'resumed' | 'skipped' | null;
  resolved_at: Date | null;
  resolved_by: string | null;
}

/** Bigints arrive as strings from `pg` and as `bigint` from PGlite. */
type Int8 = ColumnType<string | bigint, string | bigint | number, never>;

export interface EventsTable {
  global_position: Generated<Int8>;
  /** xid8 of the writing transaction; the first key of the global order (ADR 0003). */
  transaction_id: ColumnType<string, never, never>;
  event_id: string;
  stream_id: string;
  stream_revision: Int8;
  tenant_id: string;
  type: string;
  schema_version: number;
  data: ColumnType<Record<string, unknown>, string, never>;
  metadata: ColumnType<Record<string, unknown>, string, never>;
  occurred_at: ColumnType<Date, Date | string, never>;
  recorded_at: ColumnType<Date, never, never>;
}

/** Logins, outside the event log (migration 0002). */
export interface AccountsTable {
  user_id: string;
  tenant_id: string | null;
  employee_id: string | null;
  /** Lower-cased; unique per tenant, and among platform owners (migration 0007); null once forgotten. */
  email: string | null;
  role: string;
  /** `pending` (a hire's reserved login, migration 0007), `active`, `suspended` or `terminated`. */
  status: ColumnType<string, string | undefined, string>;
  branch_ids: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  device_ids: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  /** scrypt, encoded with its parameters. */
  password_hash: string | null;
  pin_hash: string | null;
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
}

export interface RefreshTokensTable {
  /** SHA-256 (hex) of the opaque token; the token itself is never stored. */
  token_hash: string;
  family_id: string;
  user_id: string;
  device_id: string | null;
  issued_at: ColumnType<Date, Date, never>;
  expires_at: ColumnType<Date, Date, never>;
  replaced_by: string | null;
  revoked_at: Date | null;
}

export interface DeactivatedDevicesTable {
  tenant_id: string;
  device_id: string;
  deactivated_at: ColumnType<Date, Date, never>;
}

/** One Idempotency-Key of a tenant's device (migration 0003). */
export interface IdempotencyKeysTable {
  tenant_id: string;
  /** '' for a caller without a device. */
  device_id: string;
  key: string;
  /** SHA-256 (hex) of method, URL and canonical body. */
  request_hash: string;
  state: 'in_flight' | 'completed';
  claim_token: string;
  response_status: number | null;
  /** JSON text in, parsed JSON out (read it as `::text` to replay the stored bytes). */
  response_body: ColumnType<unknown, string | null, string | null>;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  locked_until: Date;
  created_at: ColumnType<Date, Date, Date>;
  expires_at: Date;
}
