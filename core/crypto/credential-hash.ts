import { base64UrlToBytes, bytesToBase64Url, timingSafeEqual, utf8 } from "./bytes.ts";

/**
 * Client secrets and identity-header secrets are 256-bit random values generated here, so a plain
 * SHA-256 is enough to store them (no password stretching needed); comparison is constant-time.
 */
export function newCredentialSecret(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashCredential(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(secret)));
}

export async function credentialMatches(secret: string, storedHash: Uint8Array): Promise<boolean> {
  return timingSafeEqual(await hashCredential(secret), storedHash);
}

/** Managed-identity headers carry tenant and principal so the token endpoint can route them. */
export function identityHeader(tenantId: string, principalId: string, secret: string): string {
  return `mi1.${tenantId}.${principalId}.${secret}`;
}

export function parseIdentityHeader(header: string): { tenantId: string; principalId: string; secret: string } | null {
  const parts = header.split(".");
  if (parts.length !== 4 || parts[0] !== "mi1") return null;
  const [, tenantId, principalId, secret] = parts as [string, string, string, string];
  if (base64UrlToBytes(secret)?.length !== 32) return null;
  return { tenantId, principalId, secret };
}
