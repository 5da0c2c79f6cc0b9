import { timingSafeEqual, utf8 } from "./bytes.ts";
import { bytesToBase32 } from "./base32.ts";

/** RFC 6238 with the parameters every authenticator app defaults to: HMAC-SHA-1, 6 digits, 30-second steps. */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
/** RFC 6238 §5.2: one step either side absorbs clock drift and the time it takes to type the code. */
const SKEW_STEPS = 1;
/** RFC 4226 §4 R6: at least 128 bits, 160 recommended (the HMAC-SHA-1 block's natural size). */
export const TOTP_SECRET_BYTES = 20;

/** The code of one time step (RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, dynamic truncation). */
export async function totpCode(secret: Uint8Array, step: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const counter = new DataView(new ArrayBuffer(8));
  counter.setUint32(0, Math.floor(step / 2 ** 32));
  counter.setUint32(4, step >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter.buffer));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = (((mac[offset] ?? 0) & 0x7f) << 24) | ((mac[offset + 1] ?? 0) << 16) | ((mac[offset + 2] ?? 0) << 8) | (mac[offset + 3] ?? 0);
  return String(binary % 10 ** DIGITS).padStart(DIGITS, "0");
}

/**
 * The time step a typed code is for, within ±1 step of `nowSeconds` and later than `lastStep` (each code is accepted
 * once, RFC 6238 §5.2), or null. Every candidate is computed and compared in constant time.
 */
export async function acceptedStep(secret: Uint8Array, typed: string, nowSeconds: number, lastStep: number): Promise<number | null> {
  if (!/^\d{6}$/.test(typed)) return null;
  const current = Math.floor(nowSeconds / TOTP_STEP_SECONDS);
  let accepted: number | null = null;
  for (let step = current - SKEW_STEPS; step <= current + SKEW_STEPS; step++) {
    const matches = timingSafeEqual(utf8(await totpCode(secret, step)), utf8(typed));
    if (matches && step > lastStep && accepted === null) accepted = step;
  }
  return accepted;
}

/** The enrollment URI authenticator apps scan (Google Authenticator's Key Uri Format), shown once. */
export function otpauthUri(issuer: string, account: string, secret: Uint8Array): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret: bytesToBase32(secret), issuer, algorithm: "SHA1", digits: String(DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
