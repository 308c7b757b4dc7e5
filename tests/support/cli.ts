import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export type CliRun = Readonly<{ code: number; stdout: string; stderr: string }>;

/**
 * `tillstream` as an operator runs it: a process of its own from the source, in a directory of its
 * own (removed after the file's tests), with only PATH and the variables given set, so nothing of
 * the test runner's environment leaks into the configuration it validates.
 */
export function cliInDirectory(prefix: string, baseEnv: (dir: Readonly<{ cwd: string; dataDir: string }>) => Readonly<Record<string, string>> = () => ({})): Readonly<{
  cwd: string;
  dataDir: string;
  cli: (args: readonly string[], env?: Readonly<Record<string, string>>) => Promise<CliRun>;
}> {
  const cwd = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(cwd, 'data');
  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });
  const base = baseEnv({ cwd, dataDir });
  const cli = (args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...base, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  return { cwd, dataDir, cli };
}
