import { env, runInDurableObject } from "cloudflare:test";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK } from "jose";
import type { TokenSigner } from "../../core/crypto/token-signer.ts";
import { base64UrlJson } from "./identity.ts";

/**
 * Token forgeries for the refusal table (test/api/security/token-refusal.test.ts), each one of the attacks RFC 8725
 * (JWT Best Current Practices) §2 lists, or a well-formed token signed by the tenant's real key but wrong in one claim.
 */

/**
 * Signs `claims` with the tenant's own token key, as its token service would, at `issuedAt` (Unix seconds) for
 * `lifetime` seconds: the only way to get a correctly signed token whose iss, tid, aud, exp or nbf is wrong.
 */
export function signWithTenantKey(tenantId: string, claims: Record<string, unknown>, issuedAt: number, lifetime = 3600): Promise<string> {
  return runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), async (instance) => {
    const signer = (await instance["openSigner"](tenantId)) as TokenSigner;
    return signer.sign(claims, issuedAt, lifetime);
  });
}

/** `header.payload.` with `alg: none` (RFC 8725 §2.1). */
export function unsigned(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${base64UrlJson({ alg: "none", typ: "JWT", ...header })}.${base64UrlJson(claims)}.`;
}

/** HS256 keyed with bytes an attacker can know, such as the issuer's published public key (RFC 8725 §2.1, §3.1). */
export function hmacSigned(claims: Record<string, unknown>, secret: string | Uint8Array, header: Record<string, unknown> = {}): Promise<string> {
  const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header }).sign(key);
}

export interface ForeignKey {
  readonly sign: (claims: Record<string, unknown>, header: Record<string, unknown>) => Promise<string>;
  readonly publicJwk: JWK;
}

/** An ES256 key the tenant never published: its tokens may name any kid, jku, x5u or embedded jwk. */
export async function foreignKey(): Promise<ForeignKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    publicJwk,
    sign: (claims, header) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "JWT", ...header }).sign(privateKey),
  };
}

/** The issuer's public key as PEM (SPKI), the usual HMAC secret of the algorithm-confusion attack. */
export async function publicKeyPem(jwk: JWK): Promise<string> {
  return exportSPKI((await importJWK({ ...jwk, alg: "ES256" }, "ES256", { extractable: true })) as CryptoKey);
}
