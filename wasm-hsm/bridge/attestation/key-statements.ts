/**
 * What the token says about a key's objects, read with C_GetAttributeValue at the moment of asking — the claims of
 * a key attestation statement (docs/key-release.md "Key attestation"). Attribute names and values are PKCS#11's
 * own (v2.40 §4.4–4.10): the flags that say where a key came from and whether it can leave the token in the clear
 * (CKA_LOCAL, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_EXTRACTABLE, CKA_SENSITIVE), where it lives
 * (CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE) and what it may do. Nothing is inferred or remembered by the bridge.
 */
import { createHash } from "node:crypto";
import type { KeyAttestationStatement, PublicJwk } from "../../../core/hsm/bridge-client/types.ts";
import { ulong, type StoredKey } from "../keys/key-store.ts";
import { pkcs11js, type Handle, type PKCS11 } from "../pkcs11/binding.ts";
import type { Token } from "../pkcs11/token.ts";

/** The flags every key object has (v2.40 §4.7 common key attributes and §4.4 storage attributes). */
const KEY_FLAGS = ["CKA_TOKEN", "CKA_PRIVATE", "CKA_MODIFIABLE", "CKA_LOCAL", "CKA_DERIVE"] as const;
/** Private and secret keys (v2.40 §4.9, §4.10). */
const SECRECY_FLAGS = ["CKA_SENSITIVE", "CKA_ALWAYS_SENSITIVE", "CKA_EXTRACTABLE", "CKA_NEVER_EXTRACTABLE"] as const;
const USAGE_FLAGS = {
  private: ["CKA_SIGN", "CKA_DECRYPT", "CKA_UNWRAP"],
  secret: ["CKA_SIGN", "CKA_VERIFY", "CKA_ENCRYPT", "CKA_DECRYPT", "CKA_WRAP", "CKA_UNWRAP"],
  public: ["CKA_VERIFY", "CKA_ENCRYPT", "CKA_WRAP"],
} as const;

const CLASS_NAMES = new Map<number, string>([
  [pkcs11js.CKO_PRIVATE_KEY, "CKO_PRIVATE_KEY"],
  [pkcs11js.CKO_PUBLIC_KEY, "CKO_PUBLIC_KEY"],
  [pkcs11js.CKO_SECRET_KEY, "CKO_SECRET_KEY"],
]);
const KEY_TYPE_NAMES = new Map<number, string>([
  [pkcs11js.CKK_RSA, "CKK_RSA"],
  [pkcs11js.CKK_EC, "CKK_EC"],
  [pkcs11js.CKK_AES, "CKK_AES"],
  [pkcs11js.CKK_GENERIC_SECRET, "CKK_GENERIC_SECRET"],
]);

export type ObjectRole = keyof typeof USAGE_FLAGS;

/** The claims about one object of the key; the caller adds who asked and when, and signs. */
export function objectStatement(token: Token, session: Handle, key: StoredKey, role: ObjectRole, handle: Handle): Omit<KeyAttestationStatement, "version" | "iat" | "subject"> {
  const flags = [...KEY_FLAGS, ...(role === "public" ? [] : SECRECY_FLAGS), ...USAGE_FLAGS[role]];
  const values = read(token.module, session, handle, [pkcs11js.CKA_CLASS, pkcs11js.CKA_KEY_TYPE, ...flags.map((name) => pkcs11js[name])]);
  const attributes: Record<string, string | boolean> = {
    CKA_CLASS: named(CLASS_NAMES, ulong(values[0])),
    CKA_KEY_TYPE: named(KEY_TYPE_NAMES, ulong(values[1])),
  };
  flags.forEach((name, index) => {
    attributes[name] = (values[index + 2]?.[0] ?? 0) !== 0;
  });
  return {
    keyId: key.id,
    object: role,
    kty: key.kty,
    ...(key.size === undefined ? {} : { size: key.size }),
    ...(key.curve === undefined ? {} : { crv: key.curve.name }),
    ...(key.publicJwk === undefined ? {} : { jwkThumbprint: jwkThumbprint(key.publicJwk) }),
    ...(role === "public" && key.publicJwk !== undefined ? { jwk: key.publicJwk } : {}),
    attributes,
    token: token.tokenInfo(),
    module: token.moduleInfo(),
  };
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const members = jwk.kty === "RSA" ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

function read(module: PKCS11, session: Handle, handle: Handle, types: number[]): Array<Buffer | undefined> {
  const result = module.C_GetAttributeValue(session, handle, types.map((type) => ({ type })));
  return types.map((type) => result.find((attribute) => attribute.type === type)?.value);
}

function named(names: ReadonlyMap<number, string>, value: number): string {
  return names.get(value) ?? `0x${value.toString(16).padStart(8, "0")}`;
}
