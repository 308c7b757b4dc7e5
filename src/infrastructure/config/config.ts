import { isIP } from 'node:net';
import type { JWK } from 'jose';
import { z } from 'zod';
import { DEFAULT_SESSION_CACHE_MS } from '../auth/accountCache.js';
import { DEFAULT_HASHING_LIMITS, type HashingLimits } from '../auth/hashingGate.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../http/plugins/rateLimit.js';
import { DEVELOPMENT_SEALING_SEED } from '../audit/sealingKeys.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
  .optional();

/** Algorithms a signing key may use: asymmetric only, so verifiers never hold a secret. */
export const SIGNING_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256'] as const;

/** Kids of keys generated at start in development; production refuses them. */
export const DEVELOPMENT_KID_PREFIX = 'dev-';

const privateJwk = z.looseObject({
  kid: z.string({ error: 'each key needs a kid' }).min(1, 'each key needs a kid'),
  alg: z.enum(SIGNING_ALGORITHMS, `each key's alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`),
  kty: z.enum(['OKP', 'EC'], 'each key must be an OKP (Ed25519) or EC (P-256) JWK'),
  d: z.string({ error: 'each key must be a private JWK (with d)' }).min(1, 'each key must be a private JWK (with d)'),
});

const signingKeys = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of private JWKs' });
      return z.NEVER;
    }
  })
  .pipe(z.array(privateJwk, 'must be a JSON array of private JWKs').min(1, 'must list at least one key'))
  .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, 'kids must be unique')
  .optional();

/**
 * The master key of personal data when none is configured (ADR 0025). It is in the source, so it
 * protects nothing: development and tests only; production refuses it.
 */
export const DEVELOPMENT_MASTER_KEY = 'TuLKSWC1y9N455vBF5FEvtCWA_A1dXa1beSZ_Gvudws';

/** A 256-bit AES key as unpadded base64url (43 characters): what `tillstream keys master-key` prints. */
const masterKey = z.string().trim().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes as base64url (43 characters); make one with tillstream keys master-key');

const previousMasterKeys = z
  .string()
  .transform((text) => text.split(',').map((key) => key.trim()).filter((key) => key !== ''))
  .pipe(z.array(masterKey))
  .default([]);

/** An Ed25519 key as 32 bytes of unpadded base64url (43 characters): a private seed or a raw public key. */
const ed25519Key = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes as base64url (43 characters); make one with tillstream audit sealing-key')
  .transform((text) => Buffer.from(text, 'base64url'));

const ed25519PublicKeys = z
  .string()
  .transform((text) => text.split(',').map((key) => key.trim()).filter((key) => key !== ''))
  .pipe(z.array(ed25519Key))
  .default([]);

const corsOrigins = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
  .pipe(z.array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin must be *, or scheme://host[:port] with no path')])))
  .default([]);

/**
 * Which proxies may name the client in X-Forwarded-For: a hop count, or addresses/CIDRs (and
 * proxy-addr's names loopback, linklocal, uniquelocal). Never "trust everyone": a client could then
 * pick its own address and walk around the per-address login throttle.
 */
const trustProxy = z
  .string()
  .transform((text, ctx): false | number | string[] => {
    const trimmed = text.trim();
    if (trimmed === 'false') return false;
    if (/^\d+$/.test(trimmed)) {
      const hops = Number(trimmed);
      if (hops >= 1 && hops <= 10) return hops;
    }
    const entries = trimmed.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
    ctx.addIssue({ code: 'custom', message: 'must be false, a hop count from 1 to 10, or a comma-separated list of IP addresses or CIDRs (or loopback, linklocal, uniquelocal)' });
    return z.NEVER;
  })
  .default(false);

function isProxyAddress(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    EVENT_STORE: z.enum(['postgres', 'kurrentdb']).default('postgres'),
    DATABASE_URL: postgresUrl,
    DATA_DIR: z.string().min(1).default('./.data'),
    KURRENTDB_URL: z
      .string()
      .regex(/^(kurrentdb|kdb|esdb|kurrentdb\+discover|esdb\+discover):\/\//, 'must be a kurrentdb:// connection string')
      .optional(),
    NATS_URL: z.url({ protocol: /^(nats|tls)$/, error: 'must be a nats:// or tls:// URL' }).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(3000),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100).max(60_000).default(2_000),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(5_000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(10_000),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    CORS_ORIGINS: corsOrigins,
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine((url) => !/[?#]/.test(url), 'must have no query or fragment')
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    TRUST_PROXY: trustProxy,
    AUTH_SIGNING_KEYS: signingKeys,
    AUTH_ISSUER: z.string().min(1).default('tillstream'),
    AUTH_AUDIENCE: z.string().min(1).default('tillstream-api'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int()
      .min(30)
      .max(900, 'must be at most 900: access tokens live at most 15 minutes')
      .default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number({ error: 'must be a number of days' }).int().min(1).max(365).default(30),
    // How long a login's facts are trusted in memory when no write of this process dropped them (accountCache.ts).
    AUTH_SESSION_CACHE_MS: z.coerce.number({ error: 'must be a number of milliseconds (0: off)' }).int().min(0).max(60_000).default(DEFAULT_SESSION_CACHE_MS),
    // Sign-in hashing (scrypt) at once, and waiting; past both a sign-in answers 503 (hashingGate.ts).
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(1).max(3600).default(DEFAULT_RATE_LIMITS.windowSeconds),
    RATE_LIMIT_PER_ADDRESS: z.coerce.number({ error: 'must be a number (0: off)' }).int().min(0).max(10_000_000).default(DEFAULT_RATE_LIMITS.perAddress),
    RATE_LIMIT_PER_TENANT: z.coerce.number({ error: 'must be a number (0: off)' }).int().min(0).max(10_000_000).default(DEFAULT_RATE_LIMITS.perTenant),
    RATE_LIMIT_SYNC_PER_ADDRESS: z.coerce.number({ error: 'must be a number (0: off)' }).int().min(0).max(1_000_000).default(DEFAULT_RATE_LIMITS.syncPerAddress),
    RATE_LIMIT_SYNC_PER_TENANT: z.coerce.number({ error: 'must be a number (0: off)' }).int().min(0).max(1_000_000).default(DEFAULT_RATE_LIMITS.syncPerTenant),
    SIGN_IN_HASH_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int().min(1).max(64).default(DEFAULT_HASHING_LIMITS.concurrency),
    SIGN_IN_HASH_QUEUE: z.coerce.number({ error: 'must be a number' }).int().min(0).max(10_000).default(DEFAULT_HASHING_LIMITS.queue),
    // Wraps the per-person data keys of personal data (ADR 0025); the previous ones only unwrap, during a rotation.
    PERSONAL_DATA_MASTER_KEY: masterKey.optional(),
    PERSONAL_DATA_PREVIOUS_MASTER_KEYS: previousMasterKeys,
    // Signs the seals over each tenant's history (ADR 0024); the trusted public keys verify seals of retired keys.
    SEALING_KEY: ed25519Key.optional(),
    SEALING_TRUSTED_KEYS: ed25519PublicKeys,
  })
  .superRefine((env, ctx) => {
    if (env.EVENT_STORE === 'kurrentdb' && !env.KURRENTDB_URL) {
      ctx.addIssue({ code: 'custom', path: ['KURRENTDB_URL'], message: 'is required when EVENT_STORE=kurrentdb' });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required in production: the embedded PGlite database is for development only',
      });
    }
    if (env.NODE_ENV === 'production') refuseDevelopmentSecurity(env, ctx);
    if (env.NODE_ENV === 'production' && (!env.SEALING_KEY || env.SEALING_KEY.equals(DEVELOPMENT_SEALING_SEED))) {
      ctx.addIssue({ code: 'custom', path: ['SEALING_KEY'], message: 'is required in production and must not be the development key: seals signed with a published key prove nothing' });
    }
    if (env.PERSONAL_DATA_MASTER_KEY !== undefined && env.PERSONAL_DATA_PREVIOUS_MASTER_KEYS.includes(env.PERSONAL_DATA_MASTER_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_PREVIOUS_MASTER_KEYS'], message: 'must not list PERSONAL_DATA_MASTER_KEY itself' });
    }
  });

/** Production must not run on a key anyone could have, nor answer every origin. */
function refuseDevelopmentSecurity(
  env: Readonly<{
    AUTH_SIGNING_KEYS?: readonly { kid: string }[] | undefined;
    CORS_ORIGINS: readonly string[];
    PERSONAL_DATA_MASTER_KEY?: string | undefined;
    PERSONAL_DATA_PREVIOUS_MASTER_KEYS: readonly string[];
  }>,
  ctx: z.RefinementCtx,
): void {
  if (!env.AUTH_SIGNING_KEYS) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_SIGNING_KEYS'], message: 'is required in production: generated development keys die with the process' });
  } else if (env.AUTH_SIGNING_KEYS.some((key) => key.kid.startsWith(DEVELOPMENT_KID_PREFIX))) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_SIGNING_KEYS'], message: `must not hold a development key (kid starting with ${DEVELOPMENT_KID_PREFIX}) in production` });
  }
  if (env.CORS_ORIGINS.includes('*')) {
    ctx.addIssue({ code: 'custom', path: ['CORS_ORIGINS'], message: 'must not be * in production: list the allowed origins' });
  }
  if (env.PERSONAL_DATA_MASTER_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_MASTER_KEY'], message: 'is required in production: the development master key is published in the source' });
  } else if (env.PERSONAL_DATA_MASTER_KEY === DEVELOPMENT_MASTER_KEY) {
    ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_MASTER_KEY'], message: 'must not be the development master key in production' });
  }
  if (env.PERSONAL_DATA_PREVIOUS_MASTER_KEYS.includes(DEVELOPMENT_MASTER_KEY)) {
    ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_PREVIOUS_MASTER_KEYS'], message: 'must not hold the development master key in production' });
  }
}

export type Env = z.infer<typeof schema>;

export type Config = Readonly<{
  nodeEnv: Env['NODE_ENV'];
  eventStore: Env['EVENT_STORE'];
  database:
    | Readonly<{ kind: 'server'; connectionString: string; poolSize: number; timeouts: DatabaseTimeoutsConfig }>
    | Readonly<{ kind: 'embedded'; dataDir: string }>;
  kurrentdbUrl: string | undefined;
  natsUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  http: Readonly<{
    host: string;
    port: number;
    corsOrigins: readonly string[];
    /** Where clients reach the API (PUBLIC_URL, no trailing slash): the OpenAPI document's server. */
    publicUrl: string | undefined;
    /** Proxies trusted to name the client (X-Forwarded-For): none, a hop count, or addresses. */
    trustProxy: false | number | readonly string[];
    /** Requests per window per client address and per tenant (RATE_LIMIT_*). */
    rateLimits: RateLimits;
  }>;
  shutdownGraceMs: number;
  auth: AuthConfig;
  personalData: PersonalDataConfig;
  /** Ed25519 seed of the sealing key (null: the development key) and earlier keys' public keys (ADR 0024). */
  sealing: Readonly<{ seed: Uint8Array | null; trusted: readonly Uint8Array[] }>;
}>;

/** Master keys of personal data (ADR 0025), each 32 bytes as base64url; secret. */
export type PersonalDataConfig = Readonly<{
  /** Wraps new data keys, and unwraps those it wrapped. */
  masterKey: string;
  /** Only unwrap: keys being rotated out (`tillstream keys rewrap` moves their data keys to `masterKey`). */
  previousMasterKeys: readonly string[];
  /** `masterKey` is DEVELOPMENT_MASTER_KEY because none was set (never in production). */
  development: boolean;
}>;

/** Bounds on every wait for the PostgreSQL server, in milliseconds (ADR 0012). */
export type DatabaseTimeoutsConfig = Readonly<{ connectMs: number; statementMs: number; idleInTransactionMs: number }>;

export type AuthConfig = Readonly<{
  /** Private JWKs, the first signs and all verify; null: generate a development key at start. */
  signingKeys: readonly JWK[] | null;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** How long a login's facts may be held in memory without a write dropping them (AUTH_SESSION_CACHE_MS; 0: not held). */
  sessionCacheMs: number;
  /** Bound on scrypt derivations at once and waiting (SIGN_IN_HASH_CONCURRENCY, SIGN_IN_HASH_QUEUE). */
  hashing: HashingLimits;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at start. Every problem names its variable; an
 * empty value counts as unset so `.env` templates can leave lines blank.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const env = parsed.data;
  return {
    nodeEnv: env.NODE_ENV,
    eventStore: env.EVENT_STORE,
    database: env.DATABASE_URL
      ? {
          kind: 'server',
          connectionString: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          timeouts: {
            connectMs: env.DATABASE_CONNECT_TIMEOUT_MS,
            statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
            idleInTransactionMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
          },
        }
      : { kind: 'embedded', dataDir: env.DATA_DIR },
    kurrentdbUrl: env.KURRENTDB_URL,
    natsUrl: env.NATS_URL,
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.PORT, corsOrigins: env.CORS_ORIGINS, publicUrl: env.PUBLIC_URL, trustProxy: env.TRUST_PROXY,
      rateLimits: {
        windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
        perAddress: env.RATE_LIMIT_PER_ADDRESS,
        perTenant: env.RATE_LIMIT_PER_TENANT,
        syncPerAddress: env.RATE_LIMIT_SYNC_PER_ADDRESS,
        syncPerTenant: env.RATE_LIMIT_SYNC_PER_TENANT,
      },
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    auth: {
      signingKeys: env.AUTH_SIGNING_KEYS ?? null,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      sessionCacheMs: env.AUTH_SESSION_CACHE_MS,
      hashing: { concurrency: env.SIGN_IN_HASH_CONCURRENCY, queue: env.SIGN_IN_HASH_QUEUE },
    },
    personalData: {
      masterKey: env.PERSONAL_DATA_MASTER_KEY ?? DEVELOPMENT_MASTER_KEY,
      previousMasterKeys: env.PERSONAL_DATA_PREVIOUS_MASTER_KEYS,
      development: env.PERSONAL_DATA_MASTER_KEY === undefined,
    },
    sealing: { seed: env.SEALING_KEY ?? null, trusted: env.SEALING_TRUSTED_KEYS },
  };
}

/** Names of every variable the config reads, for `.env.example` and the README table test. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
