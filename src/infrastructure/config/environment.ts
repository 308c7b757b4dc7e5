import { existsSync } from 'node:fs';
import dotenv from 'dotenv';

/**
 * The process environment, with `.env` (when present) filling what it leaves
 * unset; real environment variables always win.
 */
export function readEnvironment(path = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(path) ? dotenv.config({ path, processEnv: {}, quiet: true }).parsed ?? {} : {};
  return { ...fromFile, ...process.env };
}
