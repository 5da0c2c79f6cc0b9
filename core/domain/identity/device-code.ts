/**
 * Device authorization (RFC 8628) as Entra answers it: a user code people type on the verification page, a polling
 * interval and a lifetime (Entra's are 5 s and 15 minutes).
 */
export const DEVICE_CODE_LIFETIME_SECONDS = 900;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/**
 * Live device authorizations one tenant holds at most. `/devicecode` takes no credential (RFC 8628 §3.1, a public
 * client), so without a bound a flood of it would grow the tenant's and the registry's storage for 15 minutes a
 * request; beyond it new ones wait for old ones to expire (about one a second sustained, far above people's use).
 */
export const MAX_LIVE_DEVICE_CODES = 1000;

/**
 * RFC 8628 §6.1: 8 characters of a 20-letter alphabet without vowels (no words) and without look-alikes: 20^8 ≈ 2^34.6,
 * against guesses that each also need a valid sign-in, during 15 minutes.
 */
const ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LENGTH = 8;

export function newUserCode(): string {
  // Rejection sampling keeps every letter equally likely: 256 is not a multiple of 20.
  const letters: string[] = [];
  while (letters.length < USER_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      if (byte < 240 && letters.length < USER_CODE_LENGTH) letters.push(ALPHABET[byte % 20] as string);
    }
  }
  return letters.join("");
}

/** What a person typed, as stored: case, spaces and dashes ignored (RFC 8628 §6.1); null if it cannot be a code. */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  return code.length === USER_CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

/** Entra's message, which clients print as is. */
export function deviceCodeMessage(verificationUri: string, userCode: string): string {
  return `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`;
}
