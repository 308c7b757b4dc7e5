import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The compiled API (`node dist/src/main.js`) run the way an operator runs it: its own process,
 * NODE_ENV=production, a real signing key made by its own CLI, configured only through its
 * environment. The bench talks to it over HTTP and reads its CPU and memory from /proc.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = `${root}dist/src/main.js`;
export const CLI = `${root}dist/src/cli.js`;

/** `npm run build`; its exit code (others' work in progress may not type-check, tsc still emits). */
export async function build(): Promise<Readonly<{ exitCode: number; output: string }>> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return { exitCode: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (!existsSync(MAIN)) throw new Error(`npm run build failed and left no ${MAIN}:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
    return { exitCode: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** What every server process of one run shares: the database and the secrets made for this run. */
export type ServerSettings = Readonly<{
  databaseUrl: string;
  signingKeys: string;
  logLevel: string;
  poolSize: number | undefined;
  /** Working directory: no `.env` of the checkout must fill in anything. */
  workDir: string;
  /** Node options for the API processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them under the load. */
  nodeArgs: readonly string[];
}>;

/** The environment of the compiled API and CLI: production, nothing inherited but PATH and HOME. */
function environment(settings: ServerSettings, extra: Readonly<Record<string, string>>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? settings.workDir,
    NODE_ENV: 'production',
    DATABASE_URL: settings.databaseUrl,
    AUTH_SIGNING_KEYS: settings.signingKeys,
    LOG_LEVEL: settings.logLevel,
    HOST: '127.0.0.1',
    // Every till of the bench comes from 127.0.0.1 and one tenant: the per-address and per-tenant
    // request limits (meant for one till's retry storm, or one client's flood) would throttle the
    // load itself. 0 turns a limit off (README, Configuration); production accepts it.
    RATE_LIMIT_PER_ADDRESS: '0',
    RATE_LIMIT_PER_TENANT: '0',
    RATE_LIMIT_SYNC_PER_ADDRESS: '0',
    RATE_LIMIT_SYNC_PER_TENANT: '0',
    ...(settings.poolSize === undefined ? {} : { DATABASE_POOL_SIZE: String(settings.poolSize) }),
    ...extra,
  };
}

/** A fresh signing key set from the compiled CLI (`keys generate`), as an operator makes one. */
export async function generateSigningKeys(workDir: string): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'keys', 'generate'], { cwd: workDir, env: { PATH: process.env.PATH ?? '' } });
  return stdout.trim();
}

/** The first platform owner, through the compiled CLI (`bootstrap`, which also migrates). */
export async function bootstrapOwner(settings: ServerSettings, email: string, password: string): Promise<void> {
  await run(process.execPath, [CLI, 'bootstrap', '--email', email], { cwd: settings.workDir, env: environment(settings, { BOOTSTRAP_PASSWORD: password }) });
}

/** A random password no dictionary holds (the secret of this run's platform owner and staff). */
export function runSecret(): string {
  return `bench-${randomBytes(18).toString('base64url')}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export type ServerProcess = Readonly<{
  index: number;
  pid: number;
  base: string;
  logPath: string;
  /** Bytes the process has logged so far (stdout and stderr). */
  logBytes: () => number;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`; resolves with its exit code. */
  stop: (graceMs?: number) => Promise<number | null>;
  exited: () => boolean;
}>;

/** Starts one API process and waits until `/ready` answers 200. */
export async function startServer(settings: ServerSettings, index: number): Promise<ServerProcess> {
  const port = await freePort();
  const logPath = `${settings.workDir}/server-${index}.log`;
  // The log goes straight to a file: piping it through the bench would spend the bench's CPU.
  const fd = openSync(logPath, 'a');
  const child: ChildProcess = spawn(process.execPath, [...settings.nodeArgs, MAIN], {
    cwd: settings.workDir,
    env: environment(settings, { PORT: String(port) }),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server ${index} exited with code ${exitCode} before it was ready; see ${logPath}`);
    try {
      const response = await fetch(`${base}/ready`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server ${index} was not ready within 120 s; see ${logPath}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`server ${index} has no pid`);
  return {
    index,
    pid,
    base,
    logPath,
    logBytes: () => {
      try {
        return statSync(logPath).size;
      } catch {
        return 0;
      }
    },
    exited: () => exitCode !== undefined,
    stop: async (graceMs = 15_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
