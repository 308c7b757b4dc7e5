import { afterAll, beforeAll } from 'vitest';
import type { FullApp } from '../support/fullApp.js';
import { startFullAppOn, type OpenedStorage } from '../support/storageTargets.js';
import { runGoldenDay, type GoldenDay } from './goldenDay.js';

/** The real app on fresh storage with the golden day run on it before the enclosing describe's tests. */
export function withGoldenDay(openStorage: () => Promise<OpenedStorage>): () => { full: FullApp; day: GoldenDay } {
  let full: FullApp | undefined;
  let day: GoldenDay | undefined;
  beforeAll(async () => {
    full = await startFullAppOn(await openStorage());
    day = await runGoldenDay(full);
  }, 120_000);
  afterAll(async () => {
    await full?.close();
  });
  return () => {
    if (!full || !day) throw new Error('the golden day runs in beforeAll');
    return { full, day };
  };
}
