/**
 * Verifying tokens signed with vault keys, with any JOSE library and no Key Vault client (docs/edge-reads.md,
 * "Published key sets"): the vault's discovery document names its key set, and `jose` fetches, caches and rotates
 * through it. The vault must publish its keys (`PATCH /admin/tenants/{t}/vaults/{v}/settings {"publicJwks": true}`).
 *
 *   const verify = vaultTokenVerifier("https://dev.vault.localhost:8443");
 *   const { payload } = await verify(token, { audience: "my-api" });
 *
 * A token is signed through the vault by `POST /keys/{name}/{version}/sign` over the SHA-256 of its JWS signing input,
 * with the header's `kid` set to the key version's id (`https://{vault}/keys/{name}/{version}`): that is how the set
 * names its keys. test/api/published-key-sets-example.test.ts runs this file against the server, so it stays right.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyOptions, type JWTVerifyResult } from "jose";

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** A verifier for tokens signed with the vault's published keys; `fetchImpl` is for tests and unusual runtimes. */
export function vaultTokenVerifier(vaultUrl: string, fetchImpl: Fetch = (url, init) => fetch(url, init)) {
  let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (token: string, options: JWTVerifyOptions = {}): Promise<JWTVerifyResult> => {
    keySet ??= createRemoteJWKSet(new URL(await jwksUri(vaultUrl, fetchImpl)), { [customFetch]: fetchImpl });
    return jwtVerify(token, keySet, options);
  };
}

/** OpenID Connect Discovery §4: `{issuer}/.well-known/openid-configuration`, whose issuer must be the vault's URL. */
async function jwksUri(vaultUrl: string, fetchImpl: Fetch): Promise<string> {
  const issuer = vaultUrl.replace(/\/+$/, "");
  const response = await fetchImpl(`${issuer}/.well-known/openid-configuration`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`the vault publishes no keys (HTTP ${response.status})`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer || typeof document.jwks_uri !== "string") throw new Error("not this vault's discovery document");
  return document.jwks_uri;
}
