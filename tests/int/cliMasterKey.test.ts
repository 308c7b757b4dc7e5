import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';
import { openStorage } from '../../src/infrastructure/eventstore/createEventStore.js';
import { configuredMasterKeys } from '../../src/infrastructure/personalData/masterKeys.js';
import { cliInDirectory } from '../support/cli.js';

// `tillstream keys master-key` and `keys rewrap` as an operator runs them (ADR 0025), on an
// embedded database in a directory of its own; only the variables a test passes are set.
const { dataDir, cli } = cliInDirectory('tillstream-cli-master-', ({ dataDir }) => ({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));

const env = (masterKey: string, previous: readonly string[] = []) => ({ DATA_DIR: dataDir, PERSONAL_DATA_MASTER_KEY: masterKey, PERSONAL_DATA_PREVIOUS_MASTER_KEYS: previous.join(',') });

async function newMasterKey(): Promise<string> {
  const run = await cli(['keys', 'master-key']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  return run.stdout.trim();
}

// Each run starts a process that compiles the CLI's imports: seconds on a busy machine.
describe('tillstream keys master-key and keys rewrap', { timeout: 120_000 }, () => {
  it('prints a master key production accepts, alone on standard output, its id on standard error', async () => {
    const run = await cli(['keys', 'master-key']);
    const key = run.stdout.trim();
    expect(run.stderr).toContain(configuredMasterKeys({ masterKey: key, previousMasterKeys: [] }).currentId);
    expect(run.stderr).not.toContain(key);
    expect(loadConfig({ PERSONAL_DATA_MASTER_KEY: key }).personalData).toMatchObject({ masterKey: key, development: false });
    // Production has nothing to say against it (it wants other settings too, none about this key).
    const problems = ((): readonly string[] => {
      try {
        loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', PERSONAL_DATA_MASTER_KEY: key });
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    })();
    expect(problems.filter((problem) => problem.startsWith('PERSONAL_DATA'))).toEqual([]);
    expect(await newMasterKey()).not.toBe(key);
  });

  it('rotates: data keys rewrapped with the new key, which then reads alone; a start without a key still in use refuses', async () => {
    const oldKey = await newMasterKey();
    const newKey = await newMasterKey();
    const tenantId = `t-${randomUUID()}`;
    const employeeId = randomUUID();
    const streamId = streams.employee(tenantId, employeeId);
    const personalData = { name: 'Rotated Person', email: 'rotated@forget-me.example', phone: null };
    {
      const storage = await openStorage(loadConfig(env(oldKey)));
      await storage.eventStore.appendToStream(
        streamId,
        [{ eventId: randomUUID(), type: 'EmployeeHired', schemaVersion: 1, tenantId, occurredAt: new Date(), data: { employeeId, tenantId, personalData, role: 'cashier', branchIds: [], deviceIds: [] }, metadata: { actor: { userId: 'a', role: 'tenant_admin' }, correlationId: 'c', causationId: null, idempotencyKey: null, traceContext: null } }],
        { expectedRevision: 'no_stream' },
      );
      await storage.eventStore.close();
    }
    // Without the key that wraps the data key, a start refuses, naming it.
    await expect(openStorage(loadConfig(env(newKey)))).rejects.toThrow(configuredMasterKeys({ masterKey: oldKey, previousMasterKeys: [] }).currentId);

    const refused = await cli(['keys', 'rewrap'], env(newKey));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PERSONAL_DATA_PREVIOUS_MASTER_KEYS');

    const rewrapped = await cli(['keys', 'rewrap'], env(newKey, [oldKey]));
    expect(rewrapped.code, rewrapped.stderr).toBe(0);
    expect(rewrapped.stdout).toContain('1 data keys rewrapped');
    expect((await cli(['keys', 'rewrap'], env(newKey, [oldKey]))).stdout).toContain('0 data keys rewrapped');

    const storage = await openStorage(loadConfig(env(newKey)));
    try {
      expect((await storage.eventStore.readStream(streamId))[0]?.data.personalData).toEqual(personalData);
    } finally {
      await storage.eventStore.close();
    }
  });
});
