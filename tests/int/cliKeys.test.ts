import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/infrastructure/auth/signingKeySet.js';
import { loadSigningKeys } from '../../src/infrastructure/auth/signingKeys.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { cliInDirectory } from '../support/cli.js';

// The CLI as an operator runs it (`npm run -s cli -- keys ...`), in an empty directory so no
// developer's .env leaks in; only the variables a test passes are set.
const { cli } = cliInDirectory('tillstream-cli-');

// With a master key of personal data and a sealing key that are not the development ones, which production refuses.
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://tillstream@db:5432/tillstream', PERSONAL_DATA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64url'), SEALING_KEY: Buffer.alloc(32, 8).toString('base64url') };

/** What the API would do with AUTH_SIGNING_KEYS at a production start. */
async function startWith(keys: string): Promise<Awaited<ReturnType<typeof loadSigningKeys>>> {
  return loadSigningKeys(loadConfig({ ...PRODUCTION, AUTH_SIGNING_KEYS: keys }).auth.signingKeys);
}

function parseSet(stdout: string): JWK[] {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as JWK[];
}

// Each run starts a process that compiles the CLI's imports: seconds on a busy machine.
describe('tillstream keys generate', { timeout: 90_000 }, () => {
  it('prints, alone on standard output, a private key set that a production start accepts', async () => {
    const run = await cli(['keys', 'generate']);
    expect(run.code).toBe(0);
    const keys = parseSet(run.stdout);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    const loaded = await startWith(run.stdout.trim());
    expect(loaded.development).toBe(false);
    expect(loaded.signer.kid).toBe(keys[0]?.kid);
    // Standard error tells which key it is, never its secret half.
    expect(run.stderr).toContain(String(keys[0]?.kid));
    expect(run.stderr).not.toContain(String(keys[0]?.d));
  });

  it('rotates in three steps, each one a set a production start accepts', async () => {
    const old = await generateSigningKey(new Date());
    const first = JSON.stringify([old]);

    const rotated = await cli(['keys', 'generate', '--rotate'], { ...PRODUCTION, AUTH_SIGNING_KEYS: first });
    expect(rotated.code).toBe(0);
    const [kept, added] = parseSet(rotated.stdout);
    expect(kept).toEqual(old);
    const afterStep1 = await startWith(rotated.stdout.trim());
    expect(afterStep1.signer.kid).toBe(old.kid);
    expect(afterStep1.jwks.keys.map((key) => key.kid)).toEqual([old.kid, added?.kid]);

    const promoted = await cli(['keys', 'promote', String(added?.kid)], { ...PRODUCTION, AUTH_SIGNING_KEYS: rotated.stdout.trim() });
    expect(promoted.code).toBe(0);
    expect((await startWith(promoted.stdout.trim())).signer.kid).toBe(added?.kid);

    const retired = await cli(['keys', 'retire', String(old.kid)], { ...PRODUCTION, AUTH_SIGNING_KEYS: promoted.stdout.trim() });
    expect(retired.code).toBe(0);
    expect(parseSet(retired.stdout).map((key) => key.kid)).toEqual([added?.kid]);
    await startWith(retired.stdout.trim());
  });

  it('refuses to retire the signing key, and lists kids without key material', async () => {
    const key = await generateSigningKey(new Date());
    const env = { ...PRODUCTION, AUTH_SIGNING_KEYS: JSON.stringify([key]) };
    const [retire, list] = await Promise.all([cli(['keys', 'retire', String(key.kid)], env), cli(['keys', 'list'], env)]);
    expect(retire).toMatchObject({ code: 1, stdout: '' });
    expect(retire.stderr).toMatch(/signs access tokens: promote another key first/);
    expect(list).toMatchObject({ code: 0, stdout: `${String(key.kid)}\tEdDSA\tsigns and verifies\n` });
  });

  it('says what is missing: no key set to rotate, or no subcommand', async () => {
    const [rotate, bare] = await Promise.all([cli(['keys', 'generate', '--rotate']), cli(['keys'])]);
    expect(rotate).toMatchObject({ code: 1, stdout: '' });
    expect(rotate.stderr).toMatch(/AUTH_SIGNING_KEYS is not set/);
    expect(bare.code).toBe(64);
  });
});
