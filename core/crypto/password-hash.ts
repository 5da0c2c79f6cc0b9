import { pbkdf2Async } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { timingSafeEqual, utf8 } from "./bytes.ts";

/**
 * Passwords are stretched with PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) at 600,000 iterations, OWASP's current floor for
 * it (Password Storage Cheat Sheet), with a 16-byte random salt, through WebCrypto. Measured in workerd on this
 * machine: ~76 ms per hash (100,000 iterations: ~14 ms). The iteration count is stored with each hash, so it can be
 * raised later and old hashes still verify (and are re-hashed at the next successful sign-in).
 */
export const PASSWORD_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface PasswordHash {
  readonly hash: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
}

export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<PasswordHash> {
  const salt = newPasswordSalt();
  return { hash: await derive(password, salt, iterations), salt, iterations };
}

export const newPasswordSalt = (): Uint8Array => crypto.getRandomValues(new Uint8Array(SALT_BYTES));

/** A salt for a name that is no user: the same on every ask, unguessable without the deployment's key. */
export async function decoyPasswordSalt(key: CryptoKey, userPrincipalName: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(userPrincipalName))).slice(0, SALT_BYTES);
}

/**
 * What stretching needs, handed out by the tenant object so the Worker can stretch (docs/sign-in.md "Where passwords
 * are stretched"): the stored hash's salt and count — or, for a name that is no user, a salt derived from the name
 * under a deployment key, so asking cannot tell names apart — and fresh ones when the stored count is below today's.
 */
export interface PasswordParameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly upgrade: { readonly salt: Uint8Array; readonly iterations: number } | null;
}

/** A typed password stretched with the parameters given: all the tenant object sees of it. */
export interface PasswordProof {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly hash: Uint8Array;
  /** The same password under the fresh parameters, stored in place of the old hash after a successful sign-in. */
  readonly upgrade: PasswordHash | null;
}

export async function passwordProof(password: string, parameters: PasswordParameters): Promise<PasswordProof> {
  const { salt, iterations, upgrade } = parameters;
  return {
    salt,
    iterations,
    hash: await derive(password, salt, iterations),
    upgrade: upgrade === null ? null : { ...upgrade, hash: await derive(password, upgrade.salt, upgrade.iterations) },
  };
}

/** Constant-time in the hash; a proof made with another salt or count (the password changed meanwhile) never matches. */
export function proofMatches(proof: PasswordProof, stored: PasswordHash): boolean {
  const sameParameters = proof.iterations === stored.iterations && timingSafeEqual(proof.salt, stored.salt);
  return timingSafeEqual(proof.hash, stored.hash) && sameParameters;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  try {
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations }, key, HASH_BITS);
    return new Uint8Array(bits);
  } catch (err) {
    // workerd refuses iteration counts above a configured cap (checkPbkdfLimits; 100,000 on some deployments,
    // cloudflare/workerd#1346) with NotSupportedError. The local runtime accepts 600,000; where one does not, the same
    // PBKDF2 runs in JavaScript — identical output, so stored hashes verify either way, at a higher CPU cost.
    if (!(err instanceof DOMException) || err.name !== "NotSupportedError") throw err;
    return derivePortable(password, salt, iterations);
  }
}

/** PBKDF2-HMAC-SHA-256 in JavaScript (@noble/hashes), for runtimes whose WebCrypto caps the iteration count. */
export function derivePortable(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return pbkdf2Async(sha256, utf8(password), salt, { c: iterations, dkLen: HASH_BITS / 8 });
}
