import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { utf8 } from "./bytes.ts";
import { signingKeyAad } from "./envelope/aad.ts";
import type { DataKey } from "./envelope/data-key.ts";

/** Tokens are ES256 JWTs (RFC 7518 §3.4), like Entra's signed with a per-tenant key published as JWKS. */
export const TOKEN_ALG = "ES256";

export interface SigningKeyRecord {
  readonly kid: string;
  readonly publicJwk: string;
  readonly sealedPrivateJwk: Uint8Array;
}

/** A new key pair; the private JWK leaves only sealed under the tenant's data key. */
export async function newSigningKey(dataKey: DataKey, tenantId: string): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  const kid = crypto.randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALG, use: "sig" };
  const privateJwk = await exportJWK(privateKey);
  const sealedPrivateJwk = await dataKey.seal(utf8(JSON.stringify(privateJwk)), signingKeyAad(tenantId, kid));
  return { kid, publicJwk: JSON.stringify(publicJwk), sealedPrivateJwk };
}

export interface TokenSigner {
  sign(claims: Record<string, unknown>, issuedAt: number, lifetimeSeconds: number): Promise<string>;
}

/** Opens a sealed signing key once; the CryptoKey is non-extractable from then on. */
export async function openSigner(dataKey: DataKey, tenantId: string, record: SigningKeyRecord): Promise<TokenSigner> {
  const plain = await dataKey.open(record.sealedPrivateJwk, signingKeyAad(tenantId, record.kid));
  const key = await importJWK(JSON.parse(new TextDecoder().decode(plain)) as JWK, TOKEN_ALG, { extractable: false });
  return {
    sign: (claims, issuedAt, lifetimeSeconds) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: TOKEN_ALG, kid: record.kid, typ: "JWT" })
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(issuedAt + lifetimeSeconds)
        .setJti(crypto.randomUUID())
        .sign(key),
  };
}
