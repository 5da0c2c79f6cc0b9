/**
 * Which path each operation takes on this token. The mechanism list alone cannot tell whether CKM_RSA_PKCS_OAEP
 * accepts SHA-256 (SoftHSM2 2.6.1 lists the mechanism but allows only SHA-1 and answers CKR_ARGUMENTS_BAD), so the
 * bridge asks the token once at start-up with a throwaway session key, and uses the native mechanism whenever a
 * better token has it (docs/decisions.md §4.1).
 * Likewise CKM_AES_KEY_WRAP_PAD: SoftHSM2 2.6.1 lists it but its wrap is not RFC 5649 for keys whose length is not
 * a multiple of 8 (ops/aes-kwp-wrap.ts), so a known answer is checked once. Its unwrap is checked too, against
 * RFC 5649's own example: BYOK (keys/byok-import.ts) depends on it and has no fallback outside the token.
 */
import { createCipheriv } from "node:crypto";
import type { ByokUnwrapPath, ImplementationPath } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure } from "../failure.ts";
import { CKZ_DATA_SPECIFIED, pkcs11js, type Handle, type RsaOAEP } from "./binding.ts";
import { destroyQuietly } from "./destroy-quietly.ts";
import type { SessionPool } from "./session-pool.ts";
import type { Token } from "./token.ts";

export interface Capabilities {
  readonly rsaOaepSha256: ImplementationPath;
  /** RFC 5649 wrapping (unwrapping is always the token's CKM_AES_KEY_WRAP_PAD). */
  readonly aesKeyWrapPad: ImplementationPath;
  readonly rsaAesKeyWrap: ByokUnwrapPath;
}

/** Big enough that any token allows it (many refuse RSA below 2048 bits); made once, never stored. */
const PROBE_RSA_BITS = 2048;

export async function detectCapabilities(
  token: Token,
  pool: SessionPool,
  oaepSha256: "auto" | "native" | "emulated",
): Promise<Capabilities> {
  const has = (mechanism: number) => token.mechanisms.has(mechanism);
  let rsaOaepSha256: ImplementationPath;
  if (oaepSha256 === "auto") {
    const native = has(pkcs11js.CKM_RSA_PKCS_OAEP) && (await pool.use(async (session) => acceptsOaepSha256(token, session)));
    rsaOaepSha256 = native ? "native" : "emulated";
  } else {
    rsaOaepSha256 = oaepSha256;
  }
  if (rsaOaepSha256 === "emulated" && !has(pkcs11js.CKM_RSA_X_509)) {
    throw new BridgeFailure("Unavailable", "token has neither OAEP with SHA-256 nor raw RSA (CKM_RSA_X_509)");
  }
  const aesKeyWrapPad: ImplementationPath =
    has(pkcs11js.CKM_AES_KEY_WRAP_PAD) && (await pool.use(async (session) => wrapsRfc5649(token, session)))
      ? "native"
      : "emulated";
  if (aesKeyWrapPad === "emulated" && !has(pkcs11js.CKM_AES_ECB)) {
    throw new BridgeFailure("Unavailable", "token has neither RFC 5649 key wrap nor AES-ECB to build it from");
  }
  // The one-mechanism CKM_RSA_AES_KEY_WRAP is not used even where listed: its parameters hold a pointer to the OAEP
  // parameters (PKCS#11 v2.40 CK_RSA_AES_KEY_WRAP_PARAMS.pOAEPParams), which pkcs11js 2.1.7 cannot pass.
  const rsaAesKeyWrap: ByokUnwrapPath =
    has(pkcs11js.CKM_RSA_PKCS_OAEP) &&
    has(pkcs11js.CKM_AES_KEY_WRAP_PAD) &&
    (await pool.use(async (session) => unwrapsRfc5649(token, session)))
      ? "two-step"
      : "unavailable";
  return { rsaOaepSha256, aesKeyWrapPad, rsaAesKeyWrap };
}

/** RFC 5649 §6, first example: 20 octets (padding and more than one semiblock) under a 192-bit KEK. */
const RFC5649_EXAMPLE = {
  kek: Buffer.from("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "hex"),
  key: Buffer.from("c37b7e6492584340bed12207808941155068f738", "hex"),
  wrapped: Buffer.from("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a", "hex"),
};

/** Known answer: the token's CKM_AES_KEY_WRAP_PAD unwrap of the RFC's wrapped key gives back the RFC's key. */
async function unwrapsRfc5649(token: Token, session: Handle): Promise<boolean> {
  const { module } = token;
  const created: Handle[] = [];
  try {
    const kek = module.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_VALUE, value: RFC5649_EXAMPLE.kek },
      { type: pkcs11js.CKA_UNWRAP, value: true },
    ]);
    created.push(kek);
    const key = module.C_UnwrapKey(session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, kek, RFC5649_EXAMPLE.wrapped, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_SENSITIVE, value: false },
      { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    ]);
    created.push(key);
    const [value] = module.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }]);
    return value?.value.equals(RFC5649_EXAMPLE.key) === true;
  } catch {
    return false;
  } finally {
    for (const handle of created) destroyQuietly(token.module, session, handle);
  }
}

/** Known answer: a 7-byte key under a throwaway session KEK, compared with OpenSSL's RFC 5649 (via node:crypto). */
async function wrapsRfc5649(token: Token, session: Handle): Promise<boolean> {
  const { module } = token;
  const kekValue = Buffer.alloc(16, 0x5a);
  const keyValue = Buffer.from("466f7250617369", "hex"); // RFC 5649 §6's second example's key
  const cipher = createCipheriv("id-aes128-wrap-pad", kekValue, Buffer.from("a65959a6", "hex"));
  const expected = Buffer.concat([cipher.update(keyValue), cipher.final()]);
  const created: Handle[] = [];
  try {
    const kek = module.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_VALUE, value: kekValue },
      { type: pkcs11js.CKA_WRAP, value: true },
    ]);
    created.push(kek);
    const key = module.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_VALUE, value: keyValue },
      { type: pkcs11js.CKA_EXTRACTABLE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: false },
    ]);
    created.push(key);
    const wrapped = module.C_WrapKey(session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, kek, key, Buffer.alloc(64));
    return wrapped.equals(expected);
  } catch {
    return false;
  } finally {
    for (const handle of created) destroyQuietly(token.module, session, handle);
  }
}

async function acceptsOaepSha256(token: Token, session: Handle): Promise<boolean> {
  const { module } = token;
  const pair = await module.C_GenerateKeyPairAsync(
    session,
    { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
    [
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_MODULUS_BITS, value: PROBE_RSA_BITS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
    ],
    [
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ],
  );
  const parameter: RsaOAEP = {
    type: pkcs11js.CK_PARAMS_RSA_OAEP,
    hashAlg: pkcs11js.CKM_SHA256,
    mgf: pkcs11js.CKG_MGF1_SHA256,
    source: CKZ_DATA_SPECIFIED,
  };
  let native = true;
  try {
    module.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter }, pair.privateKey);
  } catch {
    native = false;
  }
  if (native) {
    // An initialized operation must end before the session is used again; a decrypt of junk ends it (v2.40 §5.2).
    try {
      module.C_Decrypt(session, Buffer.alloc(PROBE_RSA_BITS / 8), Buffer.alloc(PROBE_RSA_BITS / 8));
    } catch {
      // Expected: the probe's only purpose was the Init.
    }
  }
  destroyQuietly(token.module, session, pair.privateKey);
  destroyQuietly(token.module, session, pair.publicKey);
  return native;
}
