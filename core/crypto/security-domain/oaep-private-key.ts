/**
 * The private half of an RSA-OAEP-256 recipient: a share holder's wrapping key (restore-blob) or the HSM's
 * transfer key (upload). Callers hold it as a WebCrypto key or as a JWK; a JWK is imported with only its
 * key members, since its own `alg`/`key_ops`/`use` (say "RSA-OAEP" or ["unwrapKey"]) would make WebCrypto
 * refuse an RSA-OAEP SHA-256 decryption import (W3C WebCrypto §14.3.10 importKey, jwk checks).
 */
import { VaultError } from "../../errors/vault-error.ts";
import type { RsaPrivateJwk } from "../keys/key-types.ts";

export type OaepPrivateKeyInput = CryptoKey | RsaPrivateJwk;

const OAEP_SHA256 = { name: "RSA-OAEP", hash: "SHA-256" } as const;

function isOaepSha256(key: CryptoKey): boolean {
  const algorithm = key.algorithm as { name?: unknown; hash?: { name?: unknown } };
  return algorithm.name === "RSA-OAEP" && algorithm.hash?.name === "SHA-256" && key.type === "private" && key.usages.includes("decrypt");
}

/** A private RSA-OAEP SHA-256 key allowed to decrypt, or BadParameter (`what` names the key). */
export async function importOaepPrivateKey(input: OaepPrivateKeyInput, what: string): Promise<CryptoKey> {
  const refused = new VaultError("BadParameter", `${what} must be an RSA private key usable for RSA-OAEP-256 decryption.`);
  // A JWK names its type; a CryptoKey has none (and `instanceof CryptoKey` has no value outside a browser-like global).
  if (!("kty" in input)) {
    if (!isOaepSha256(input)) throw refused;
    return input;
  }
  if (input.kty !== "RSA") throw refused;
  const { kty, n, e, d, p, q, dp, dq, qi } = input;
  try {
    return await crypto.subtle.importKey("jwk", { kty, n, e, d, p, q, dp, dq, qi }, OAEP_SHA256, false, ["decrypt"]);
  } catch {
    throw refused;
  }
}
