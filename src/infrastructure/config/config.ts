import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
  .optional();

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
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
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
  });

export type Env = z.infer<typeof schema>;

export type Config = Readonly<{
  nodeEnv: Env['NODE_ENV'];
  eventStore: Env['EVENT_STORE'];
  database:
    | Readonly<{ kind: 'server'; connectionString: string; poolSize: number }>
    | Readonly<{ kind: 'embedded'; dataDir: string }>;
  kurrentdbUrl: string | undefined;
  natsUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  http: Readonly<{ host: string; port: number }>;
  shutdownGraceMs: number;
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
      ? { kind: 'server', connectionString: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'embedded', dataDir: env.DATA_DIR },
    kurrentdbUrl: env.KURRENTDB_URL,
    natsUrl: env.NATS_URL,
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.PORT },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
}

/** Names of every variable the config reads, for `.env.example` and the README table test. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
