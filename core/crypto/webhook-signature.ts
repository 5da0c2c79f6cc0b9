import { bytesToBase64Url, utf8 } from "./bytes.ts";

/**
 * Webhook deliveries are signed so a receiver can tell them from forgeries and replays: HMAC-SHA256
 * (RFC 2104) keyed with the subscription's secret over `{timestamp}.{body}`, where the timestamp is the
 * Unix second of the attempt. Binding the time into the MAC lets receivers refuse old deliveries; the
 * `v1=` label leaves room for a second scheme, and several `v1=` values for a secret in rotation.
 *
 *   X-Vault-Signature: t=1735689600,v1={64 lower-case hex digits}
 *   X-Vault-Timestamp: 1735689600
 *
 * The key is the UTF-8 of the secret string exactly as the API returned it, so any HMAC library verifies
 * with one line (`createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")`).
 */
export const SIGNATURE_HEADER = "X-Vault-Signature";
export const TIMESTAMP_HEADER = "X-Vault-Timestamp";

/** How far a receiver should let the timestamp drift from its own clock before refusing. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";

/** 256 random bits; the prefix makes a leaked secret recognisable to secret scanners. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

function importSecret(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

const signedContent = (timestampSeconds: number, body: string) => utf8(`${timestampSeconds}.${body}`);

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length !== 64 || !/^[0-9a-f]+$/.test(text)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The header value for one attempt. */
export async function signWebhook(secret: string, timestampSeconds: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await importSecret(secret, "sign"), signedContent(timestampSeconds, body));
  return `t=${timestampSeconds},v1=${toHex(new Uint8Array(mac))}`;
}

export interface ParsedSignature {
  readonly timestamp: number;
  readonly v1: readonly string[];
}

/** `t=…,v1=…[,v1=…]`; unknown labels are ignored (a later scheme), a missing or malformed `t` is not. */
export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return null;
    const label = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (label === "t") {
      if (!/^\d{1,12}$/.test(value) || timestamp !== null) return null;
      timestamp = Number(value);
    } else if (label === "v1") {
      v1.push(value.toLowerCase());
    }
  }
  return timestamp === null || v1.length === 0 ? null : { timestamp, v1 };
}

export interface VerifyInput {
  readonly secret: string;
  /** The raw request body, exactly as received. */
  readonly body: string;
  /** The X-Vault-Signature header. */
  readonly header: string | null;
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

/**
 * For receivers (and tests): true when one of the header's v1 MACs is right for this body and secret
 * and its timestamp is within the tolerance. `crypto.subtle.verify` compares in constant time.
 */
export async function verifyWebhookSignature(input: VerifyInput): Promise<boolean> {
  const parsed = input.header === null ? null : parseSignatureHeader(input.header);
  if (parsed === null) return false;
  if (Math.abs(input.nowSeconds - parsed.timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const key = await importSecret(input.secret, "verify");
  const content = signedContent(parsed.timestamp, input.body);
  let valid = false;
  // Every candidate is checked, so the time taken does not reveal which one matched.
  for (const candidate of parsed.v1) {
    const mac = fromHex(candidate);
    if (mac !== null && (await crypto.subtle.verify("HMAC", key, mac, content))) valid = true;
  }
  return valid;
}
