import type { EcCurve } from "../../core/crypto/keys/key-types.ts";
import type { PublishedKey } from "../../core/contract/key-sets.ts";

/**
 * The wire shapes of the published key sets (docs/edge-reads.md, "Published key sets"): RFC 7517 JWK Sets for JOSE
 * libraries, not Azure's KeyBundle, so members are spelled as JOSE spells them.
 */

/**
 * RFC 7518 §3.4: an EC key's curve fixes its JWS algorithm, so `alg` is unambiguous and is given (a verifier then
 * refuses a token claiming another). An RSA key signs RS256/384/512 and PS256/384/512 alike (Keys – Sign), so naming
 * one would make libraries refuse tokens signed with the others: RSA JWKs carry no `alg`. secp256k1 is `P-256K` in
 * Azure and `secp256k1` in JOSE (RFC 8812 §3.1), with ES256K (§3.2).
 */
const CURVES: { readonly [C in EcCurve]: { readonly crv: string; readonly alg: string } } = {
  "P-256": { crv: "P-256", alg: "ES256" },
  "P-384": { crv: "P-384", alg: "ES384" },
  "P-521": { crv: "P-521", alg: "ES512" },
  "P-256K": { crv: "secp256k1", alg: "ES256K" },
};

/**
 * One public JWK. `kid` is the version's Azure key identifier, what a token signed through the vault names. `kty` is
 * the family (an RSA-HSM key is an RSA key to JOSE). `use: "sig"` and no `key_ops`: every published version is there to
 * verify signatures (key-sets.ts publishes only versions whose key_ops allow sign or verify), RFC 7517 §4.3 says the
 * two members should not be used together, and OpenID Connect Discovery §3 asks for `use` when a set is shared.
 */
export function publishedJwk(vaultBaseUrl: string, key: PublishedKey) {
  const kid = `${vaultBaseUrl}/keys/${key.name}/${key.version}`;
  const jwk = key.publicJwk;
  if (jwk.kty === "RSA") return { kty: "RSA", kid, use: "sig", n: jwk.n, e: jwk.e };
  const { crv, alg } = CURVES[jwk.crv];
  return { kty: "EC", kid, use: "sig", alg, crv, x: jwk.x, y: jwk.y };
}

/** RFC 7517 §5: a JWK Set, newest first as the vault object ordered it. */
export function jwkSetBody(vaultBaseUrl: string, keys: readonly PublishedKey[]) {
  return { keys: keys.map((key) => publishedJwk(vaultBaseUrl, key)) };
}

/** Where the vault's whole key set is published. */
export const VAULT_JWKS_PATH = "/.well-known/jwks.json";

/**
 * An OpenID-Connect-style discovery document (OpenID Connect Discovery 1.0 §3, §4) with the members that are true of a
 * vault, and no others: `issuer`, the vault's base URL as its key ids use it (§4.3: the URL this document was fetched
 * under, less `/.well-known/openid-configuration`), and `jwks_uri`. A vault authorizes nobody and issues no ID tokens,
 * so the provider members (authorization and token endpoints, response and subject types, ID-token algorithms) are
 * absent rather than made up.
 */
export function discoveryDocument(vaultBaseUrl: string) {
  return { issuer: vaultBaseUrl, jwks_uri: `${vaultBaseUrl}${VAULT_JWKS_PATH}` };
}
