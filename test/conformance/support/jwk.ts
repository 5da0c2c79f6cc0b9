import { createHash, createPublicKey, type JsonWebKey as NodeJwk, type KeyObject } from "node:crypto";
import type { JsonWebKey, KeyCurveName } from "@azure/keyvault-keys";

/**
 * Bridges between the Azure SDK's JsonWebKey (binary members as Uint8Array, Key Vault curve names) and
 * node:crypto's JWKs (base64url strings, OpenSSL's name for secp256k1), so node:crypto can check what the
 * server produced and the server can be handed keys node:crypto made.
 */

/** Key Vault's curve names → node:crypto's JWK `crv`. */
const NODE_CURVE: Readonly<Record<string, string>> = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521", "P-256K": "secp256k1" };
const VAULT_CURVE: Readonly<Record<string, KeyCurveName>> = {
  "P-256": "P-256",
  "P-384": "P-384",
  "P-521": "P-521",
  secp256k1: "P-256K",
};

const RSA_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;

function b64url(bytes: Uint8Array | undefined, member: string): string {
  if (bytes === undefined) throw new Error(`the JWK has no '${member}'`);
  return Buffer.from(bytes).toString("base64url");
}

function bytes(text: string | undefined, member: string): Uint8Array {
  if (text === undefined) throw new Error(`the JWK has no '${member}'`);
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/** The public key a Key Vault key bundle carries, as a node:crypto KeyObject. */
export function publicKeyOf(jwk: JsonWebKey | undefined): KeyObject {
  if (jwk === undefined) throw new Error("the key bundle has no key material");
  const kty = jwk.kty?.replace(/-HSM$/, "");
  if (kty === "RSA") {
    return createPublicKey({ key: { kty: "RSA", n: b64url(jwk.n, "n"), e: b64url(jwk.e, "e") }, format: "jwk" });
  }
  if (kty === "EC") {
    const crv = NODE_CURVE[jwk.crv ?? ""];
    if (crv === undefined) throw new Error(`unknown curve ${String(jwk.crv)}`);
    return createPublicKey({ key: { kty: "EC", crv, x: b64url(jwk.x, "x"), y: b64url(jwk.y, "y") }, format: "jwk" });
  }
  throw new Error(`no public key for kty ${String(jwk.kty)}`);
}

/** A node:crypto private JWK (`keyObject.export({ format: "jwk" })`) as the SDK's JsonWebKey, ready for importKey. */
export function toVaultJwk(nodeJwk: NodeJwk): JsonWebKey {
  if (nodeJwk.kty === "RSA") {
    const jwk: JsonWebKey = { kty: "RSA" };
    for (const member of RSA_MEMBERS) jwk[member] = bytes(nodeJwk[member], member);
    return jwk;
  }
  if (nodeJwk.kty === "EC") {
    const crv = VAULT_CURVE[nodeJwk.crv ?? ""];
    if (crv === undefined) throw new Error(`unknown curve ${String(nodeJwk.crv)}`);
    return { kty: "EC", crv, x: bytes(nodeJwk.x, "x"), y: bytes(nodeJwk.y, "y"), d: bytes(nodeJwk.d, "d") };
  }
  throw new Error(`unsupported kty ${String(nodeJwk.kty)}`);
}

/** An AES/HMAC key for importKey. */
export function octJwk(key: Uint8Array): JsonWebKey {
  return { kty: "oct", k: key };
}

export type HashName = "sha256" | "sha384" | "sha512";

export function digest(hash: HashName, data: Uint8Array | string): Buffer {
  return createHash(hash).update(data).digest();
}

/** Bytes as hex, so byte-for-byte comparisons print readably when they fail. */
export function hex(data: Uint8Array | undefined): string {
  return data === undefined ? "(none)" : Buffer.from(data).toString("hex");
}
