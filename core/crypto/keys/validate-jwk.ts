import { badParameter } from "../../errors/vault-error.ts";
import { bytesToBase64Url } from "../bytes.ts";
import { isJwkObject, readMember, type JwkObject } from "./jwk-members.ts";
import {
  KEY_TYPES,
  isOctKeySize,
  unsupportedSizeMessage,
  type EcPrivateJwk,
  type EcPublicJwk,
  type KeyFamily,
  type OctKey,
  type PrivateJwk,
  type PublicJwk,
  type RsaPrivateJwk,
  type RsaPublicJwk,
} from "./key-types.ts";
import { validateEcJwk } from "./validate-ec.ts";
import { validateRsaJwk } from "./validate-rsa.ts";

/** A symmetric key (RFC 7518 §6.4): AES-128/192/256 only, as Azure's oct keys are AES keys. */
function validateOctJwk(jwk: JwkObject): OctKey {
  const k = readMember(jwk, "oct", "k");
  if (!isOctKeySize(k.length * 8)) throw badParameter(unsupportedSizeMessage(k.length * 8, KEY_TYPES.oct.sizes));
  return { kty: "oct", k: bytesToBase64Url(k) };
}

const VALIDATORS: Readonly<Record<KeyFamily, (jwk: JwkObject) => PrivateJwk>> = {
  RSA: validateRsaJwk,
  EC: validateEcJwk,
  oct: validateOctJwk,
};

/**
 * The private key a client sends to Keys – Import (`key` in KeyImportParameters, keys.json), checked
 * and normalized, or BadParameter naming what is wrong. The caller maps `RSA-HSM`/`EC-HSM`/`oct-HSM`
 * to the bare `kty` first and handles `key_hsm` (BYOK) itself; members other than the key material
 * (kid, key_ops, alg, …) are the caller's business and do not appear in the result.
 */
export function validateImportedJwk(input: unknown): PrivateJwk {
  if (!isJwkObject(input)) throw badParameter("The key must be a JSON Web Key object");
  const kty = input["kty"];
  if (kty === undefined || kty === null) throw badParameter("The key is missing the 'kty' member");
  if (typeof kty !== "string" || !Object.hasOwn(VALIDATORS, kty)) {
    throw badParameter(`Unsupported key type (${String(kty)}). Supported types are [${Object.keys(VALIDATORS).join(", ")}]`);
  }
  return VALIDATORS[kty as KeyFamily](input);
}

/** The public part Azure returns in a KeyBundle (RFC 7517 §4); a symmetric key has none (Keys – Get). */
export function publicJwk(jwk: RsaPrivateJwk): RsaPublicJwk;
export function publicJwk(jwk: EcPrivateJwk): EcPublicJwk;
export function publicJwk(jwk: OctKey): null;
export function publicJwk(jwk: PrivateJwk): PublicJwk | null;
export function publicJwk(jwk: PrivateJwk): PublicJwk | null {
  if (jwk.kty === "RSA") return { kty: "RSA", n: jwk.n, e: jwk.e };
  if (jwk.kty === "EC") return { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  return null;
}
