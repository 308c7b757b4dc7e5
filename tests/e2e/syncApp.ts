import type { FullApp } from '../support/fullApp.js';
import { openTestStorage, startFullAppOn } from '../support/storageTargets.js';

/**
 * The real app as startFullApp wires it, over the embedded database or a scratch database on a
 * PostgreSQL server, so the sync tests run on both.
 */
export async function startSyncApp(serverUrl?: string): Promise<FullApp> {
  return startFullAppOn(await openTestStorage(serverUrl));
}
