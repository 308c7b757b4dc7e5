import { invalidToken, verifiedAccessToken, type AccessClaims, type TokenSettings, type VerifiedToken } from './accessTokens.js';
import type { SigningKeys } from './signingKeys.js';

/** Tokens held at most: a till keeps one for up to 15 minutes; a few MB. */
const MAX_TOKENS = 10_000;

export type TokenVerifier = (token: string, now: Date) => Promise<AccessClaims>;

/**
 * verifyAccessToken, with the signature of each token checked once per process: an Ed25519
 * verification was about a tenth of the API's CPU under load (a till sends the same token for up
 * to 15 minutes). A token seen before is the very same string, signed by a key this process
 * still holds (keys only change at start), so only its time window is checked again, by the
 * same rules (expiry, age, not before). Refused tokens are not held.
 */
export function createTokenVerifier(keys: SigningKeys, settings: TokenSettings): TokenVerifier {
  const verified = new Map<string, VerifiedToken>();
  return async (token, now) => {
    const seconds = Math.floor(now.getTime() / 1000);
    const held = verified.get(token);
    if (held) {
      if (seconds >= held.validFrom && seconds <= held.validThrough) return held.claims;
      // Expired (or not valid yet, on a clock set back): checked in full, as the first time.
      verified.delete(token);
    }
    const fresh = await verifiedAccessToken(keys, settings, token, now);
    if (verified.size >= MAX_TOKENS) {
      // Oldest first in a Map: the token verified longest ago goes.
      const oldest = verified.keys().next();
      if (oldest.done !== true) verified.delete(oldest.value);
    }
    verified.set(token, fresh);
    if (seconds < fresh.validFrom || seconds > fresh.validThrough) throw invalidToken();
    return fresh.claims;
  };
}
