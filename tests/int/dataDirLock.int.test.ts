import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/infrastructure/postgres/dataDirLock.js';
import { connectPostgres } from '../../src/infrastructure/postgres/connect.js';

const dirs: string[] = [];
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tillstream-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('embedded data directory lock', () => {
  it('refuses a second opener while a live process holds the directory', async () => {
    const dir = await scratchDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(join(dir, 'tillstream.lock'), String(holder.pid));
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirInUseError);
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that is gone, and releases it', async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, 'tillstream.lock'), '2147483646');
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, 'tillstream.lock'), 'utf8')).toBe(String(process.pid));
    await release();
    await expect(readFile(join(dir, 'tillstream.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('holds the lock while the embedded database is open and frees it on close', async () => {
    const dir = await scratchDir();
    const { db } = await connectPostgres({ kind: 'embedded', dataDir: dir });
    expect(await readFile(join(dir, 'tillstream.lock'), 'utf8')).toBe(String(process.pid));
    await db.destroy();
    await expect(readFile(join(dir, 'tillstream.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
