/**
 * Refusals that the same request would meet again: replaying them is what the till must see.
 * 401 (token expired: refresh and retry), 429 (retry later) and 5xx (our failure) are not here;
 * those release the key so the retry runs.
 */
const DETERMINISTIC_REFUSALS: ReadonlySet<number> = new Set([400, 403, 404, 409, 410, 412, 422]);

/** Problem codes that say "try again": storing them would turn a passing race into a lasting no. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['CONCURRENT_MODIFICATION']);

/** Whether a response with this status and JSON body is the settled outcome of the request. */
export function isReplayable(status: number, body: string | null): boolean {
  if (status >= 200 && status < 300) return true;
  if (!DETERMINISTIC_REFUSALS.has(status)) return false;
  return !TRANSIENT_CODES.has(problemCodeOf(body) ?? '');
}

function problemCodeOf(body: string | null): string | undefined {
  if (body === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'code' in parsed && typeof parsed.code === 'string') return parsed.code;
  } catch {
    // Not JSON: no problem code to read.
  }
  return undefined;
}
