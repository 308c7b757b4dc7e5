import { DEFAULT_HASHING_LIMITS } from '../../src/infrastructure/auth/hashingGate.js';
import { DEFAULT_RATE_LIMITS } from '../../src/infrastructure/http/plugins/rateLimit.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, DEVELOPMENT_MASTER_KEY, loadConfig } from '../../src/infrastructure/config/config.js';
import { DEVELOPMENT_SEALING_SEED } from '../../src/infrastructure/audit/sealingKeys.js';

/** A syntactically valid Ed25519 private JWK (config checks shape; the key is imported at start). */
const SIGNING_KEYS = JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', kid: 'key-1', alg: 'EdDSA', x: 'x', d: 'd' }]);
/** A master key of personal data (32 bytes, base64url) that is not the development one. */
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64url');
const SEALING_KEY = Buffer.alloc(32, 3).toString('base64url');
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', AUTH_SIGNING_KEYS: SIGNING_KEYS, PERSONAL_DATA_MASTER_KEY: MASTER_KEY, SEALING_KEY };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('defaults to the embedded database and a local listener', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'embedded', dataDir: './.data' });
    expect(config.eventStore).toBe('postgres');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, corsOrigins: [], trustProxy: false, rateLimits: DEFAULT_RATE_LIMITS });
    expect(config.nodeEnv).toBe('development');
  });

  it('uses a PostgreSQL server when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/tillstream', DATABASE_POOL_SIZE: '7' });
    expect(config.database).toEqual({
      kind: 'server',
      connectionString: 'postgres://app@db:5432/tillstream',
      poolSize: 7,
      timeouts: { connectMs: 2_000, statementMs: 5_000, idleInTransactionMs: 10_000 },
    });
  });

  it('reads the database timeouts, and refuses ones too short to work', () => {
    const env = { DATABASE_URL: 'postgres://db/x', DATABASE_CONNECT_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '8000', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '20000' };
    expect(loadConfig(env).database).toMatchObject({ timeouts: { connectMs: 1_500, statementMs: 8_000, idleInTransactionMs: 20_000 } });
    expect(() => loadConfig({ ...env, DATABASE_STATEMENT_TIMEOUT_MS: '10' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('embedded');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    [{ NATS_URL: 'http://localhost:4222' }, 'NATS_URL'],
    [{ PUBLIC_URL: 'ftp://api.shop.example' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://api.shop.example/?x=1' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'kurrentdb' }, 'KURRENTDB_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('refuses %o naming %s', (env, variable) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it('refuses the embedded database in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_SIGNING_KEYS: SIGNING_KEYS, PERSONAL_DATA_MASTER_KEY: MASTER_KEY, SEALING_KEY })).toEqual([
      'DATABASE_URL: is required in production: the embedded PGlite database is for development only',
    ]);
    expect(loadConfig({ ...PRODUCTION, DATABASE_URL: 'postgres://db/x' }).database.kind).toBe('server');
  });

  it('lists every variable in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  describe('trusted proxies', () => {
    it('trust none by default, or a hop count, or listed addresses and CIDRs', () => {
      expect(loadConfig({}).http.trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
      expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback, ::1, fd00::/8' }).http.trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1', 'fd00::/8']);
    });

    it.each(['true', '*', '0', '11', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1', '::1/129'])('refuses %s, which would let a client choose its own address', (value) => {
      expect(problemsOf({ TRUST_PROXY: value })).toEqual([
        'TRUST_PROXY: must be false, a hop count from 1 to 10, or a comma-separated list of IP addresses or CIDRs (or loopback, linklocal, uniquelocal)',
      ]);
    });
  });

  describe('master keys of personal data', () => {
    it('default to the development key, which only development and tests accept', () => {
      expect(loadConfig({}).personalData).toEqual({ masterKey: DEVELOPMENT_MASTER_KEY, previousMasterKeys: [], development: true });
      const previous = Buffer.alloc(32, 9).toString('base64url');
      expect(loadConfig({ PERSONAL_DATA_MASTER_KEY: MASTER_KEY, PERSONAL_DATA_PREVIOUS_MASTER_KEYS: ` ${previous} , ` }).personalData).toEqual({
        masterKey: MASTER_KEY,
        previousMasterKeys: [previous],
        development: false,
      });
    });

    it('production refuses no key, the development key as current or previous one', () => {
      const { PERSONAL_DATA_MASTER_KEY: _unset, ...withoutKey } = PRODUCTION;
      expect(problemsOf(withoutKey).filter((p) => p.startsWith('PERSONAL_DATA'))).toEqual([
        'PERSONAL_DATA_MASTER_KEY: is required in production: the development master key is published in the source',
      ]);
      expect(problemsOf({ ...PRODUCTION, PERSONAL_DATA_MASTER_KEY: DEVELOPMENT_MASTER_KEY }).filter((p) => p.startsWith('PERSONAL_DATA'))).toEqual([
        'PERSONAL_DATA_MASTER_KEY: must not be the development master key in production',
      ]);
      expect(problemsOf({ ...PRODUCTION, PERSONAL_DATA_PREVIOUS_MASTER_KEYS: DEVELOPMENT_MASTER_KEY }).filter((p) => p.startsWith('PERSONAL_DATA'))).toEqual([
        'PERSONAL_DATA_PREVIOUS_MASTER_KEYS: must not hold the development master key in production',
      ]);
    });

    it.each([
      [{ PERSONAL_DATA_MASTER_KEY: 'c2hvcnQ' }, 'PERSONAL_DATA_MASTER_KEY'],
      [{ PERSONAL_DATA_MASTER_KEY: `${MASTER_KEY}==` }, 'PERSONAL_DATA_MASTER_KEY'],
      [{ PERSONAL_DATA_PREVIOUS_MASTER_KEYS: `${MASTER_KEY},nope` }, 'PERSONAL_DATA_PREVIOUS_MASTER_KEYS'],
      [{ PERSONAL_DATA_MASTER_KEY: MASTER_KEY, PERSONAL_DATA_PREVIOUS_MASTER_KEYS: MASTER_KEY }, 'PERSONAL_DATA_PREVIOUS_MASTER_KEYS'],
    ])('refuses %o naming %s', (env, variable) => {
      const problems = problemsOf(env);
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).toMatch(new RegExp(`^${variable}[.:]`));
    });
  });

  describe('authentication settings', () => {
    it('default to a generated development key, 15-minute access and 30-day refresh tokens, no CORS origin', () => {
      const config = loadConfig({});
      expect(config.auth).toEqual({ signingKeys: null, issuer: 'tillstream', audience: 'tillstream-api', accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30, sessionCacheMs: 1000, hashing: DEFAULT_HASHING_LIMITS });
      expect(config.http.corsOrigins).toEqual([]);
    });

    it('read the keys, issuer, audience, lifetimes and CORS origins', () => {
      const config = loadConfig({
        ...PRODUCTION,
        AUTH_ISSUER: 'https://auth.shop.example',
        AUTH_AUDIENCE: 'pos',
        ACCESS_TOKEN_TTL_SECONDS: '300',
        REFRESH_TOKEN_TTL_DAYS: '7',
        CORS_ORIGINS: 'https://backoffice.shop.example, http://localhost:5173',
      });
      expect(config.auth.signingKeys?.map((key) => key.kid)).toEqual(['key-1']);
      expect(config.auth).toMatchObject({ issuer: 'https://auth.shop.example', audience: 'pos', accessTokenTtlSeconds: 300, refreshTokenTtlDays: 7 });
      expect(config.http.corsOrigins).toEqual(['https://backoffice.shop.example', 'http://localhost:5173']);
    });

    it.each([
      [{ ACCESS_TOKEN_TTL_SECONDS: '901' }, 'ACCESS_TOKEN_TTL_SECONDS'],
      [{ REFRESH_TOKEN_TTL_DAYS: '0' }, 'REFRESH_TOKEN_TTL_DAYS'],
      [{ AUTH_SIGNING_KEYS: 'not json' }, 'AUTH_SIGNING_KEYS'],
      [{ AUTH_SIGNING_KEYS: '[]' }, 'AUTH_SIGNING_KEYS'],
      [{ AUTH_SIGNING_KEYS: JSON.stringify([{ kty: 'oct', kid: 'k', alg: 'HS256', k: 'secret' }]) }, 'AUTH_SIGNING_KEYS'],
      [{ AUTH_SIGNING_KEYS: JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', kid: 'k', alg: 'EdDSA', x: 'x' }]) }, 'AUTH_SIGNING_KEYS'],
      [{ CORS_ORIGINS: 'https://shop.example/path' }, 'CORS_ORIGINS'],
    ])('refuses %o naming %s', (env, variable) => {
      const problems = problemsOf(env);
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).toMatch(new RegExp(`^${variable}[.:]`));
    });

    it('production refuses a missing signing key, a development key and a wildcard CORS origin', () => {
      expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', PERSONAL_DATA_MASTER_KEY: MASTER_KEY, SEALING_KEY })).toEqual([
        'AUTH_SIGNING_KEYS: is required in production: generated development keys die with the process',
      ]);
      const devKey = JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', kid: 'dev-123', alg: 'EdDSA', x: 'x', d: 'd' }]);
      expect(problemsOf({ ...PRODUCTION, AUTH_SIGNING_KEYS: devKey })).toEqual([
        'AUTH_SIGNING_KEYS: must not hold a development key (kid starting with dev-) in production',
      ]);
      expect(problemsOf({ ...PRODUCTION, CORS_ORIGINS: 'https://a.example,*' })).toEqual(['CORS_ORIGINS: must not be * in production: list the allowed origins']);
      expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toEqual(['*']);
    });
  });
});

describe('the sealing key (ADR 0024)', () => {
  it('reads the seed and the trusted public keys; unset is the development key', () => {
    const trusted = Buffer.alloc(32, 4).toString('base64url');
    expect(loadConfig({ SEALING_KEY, SEALING_TRUSTED_KEYS: ` ${trusted} ,` }).sealing).toEqual({ seed: Buffer.alloc(32, 3), trusted: [Buffer.alloc(32, 4)] });
    expect(loadConfig({}).sealing).toEqual({ seed: null, trusted: [] });
  });

  it('production refuses no key and the development key', () => {
    const { SEALING_KEY: _unset, ...withoutKey } = PRODUCTION;
    const problem = 'SEALING_KEY: is required in production and must not be the development key: seals signed with a published key prove nothing';
    expect(problemsOf(withoutKey)).toEqual([problem]);
    expect(problemsOf({ ...PRODUCTION, SEALING_KEY: DEVELOPMENT_SEALING_SEED.toString('base64url') })).toEqual([problem]);
    expect(loadConfig(PRODUCTION).sealing.seed).toEqual(Buffer.alloc(32, 3));
  });

  it('refuses a key that is not 32 bytes of base64url', () => {
    for (const bad of ['c2hvcnQ', `${SEALING_KEY}==`, 'not base64url at all, and long enough to be 43'] as const) {
      expect(problemsOf({ SEALING_KEY: bad }).some((p) => p.startsWith('SEALING_KEY:')), bad).toBe(true);
    }
    expect(problemsOf({ SEALING_TRUSTED_KEYS: 'abc' }).some((p) => p.startsWith('SEALING_TRUSTED_KEYS'))).toBe(true);
  });
});
