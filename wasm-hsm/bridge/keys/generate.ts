/**
 * Key generation on the token (docs/decisions.md §4.1: RSA 2048–4096, EC P-256/P-384/P-521/secp256k1, AES
 * 128/192/256; HMAC 256/384/512 as generic secrets, keys/oct-kinds.ts). The id is 16 random bytes, CKA_ID of
 * every object of the key; the caller stores it and never sees a handle.
 * C_GenerateKeyPair creates both halves or neither; if reading the new key back fails, both are destroyed, so a
 * failed create leaves no half-made key behind.
 */
import { randomBytes } from "node:crypto";
import type { GenerateKeyRequest, KeyInfo } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { pkcs11js, type Handle, type Mechanism, type Template } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { CURVE_SPECS } from "./curves.ts";
import { keyInfo } from "./key-info.ts";
import { OCT_KINDS } from "./oct-kinds.ts";
import { publicTemplate, secretTemplate, type ObjectNaming } from "./templates.ts";

export const KEY_ID_BYTES = 16;
/** F4 = 65537, the exponent every RSA key here gets (Azure's keys use it too). */
const RSA_PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

/**
 * `label`, when given, marks the objects so that the same idempotent request finds its key again even after the
 * bridge restarted and forgot its answer (http/idempotency.ts keeps answers in memory only).
 */
export async function generateKey(context: BridgeContext, request: GenerateKeyRequest, label?: string): Promise<KeyInfo> {
  const { keys, pool, token } = context;
  return pool.use(async (session) => {
    if (label !== undefined) {
      const existing = keys.findIdByLabel(session, label);
      if (existing !== undefined) return keyInfo(keys.lookup(session, existing));
    }
    const idBytes = randomBytes(KEY_ID_BYTES);
    const id = bytesToBase64Url(idBytes);
    const naming: ObjectNaming = { id: idBytes, ...(label === undefined ? {} : { label }) };
    const created = await create(context, session, request, naming);
    try {
      return keyInfo(keys.lookup(session, id));
    } catch (error) {
      for (const handle of created) {
        try {
          token.module.C_DestroyObject(session, handle);
        } catch {
          // Best effort: the lookup failure is what the caller needs to hear about.
        }
      }
      throw error;
    }
  });
}

async function create(context: BridgeContext, session: Handle, request: GenerateKeyRequest, naming: ObjectNaming): Promise<Handle[]> {
  const { module } = context.token;
  try {
    if (request.kty === "oct") {
      const purpose = request.purpose ?? "aes";
      const kind = OCT_KINDS[purpose];
      const template: Template = [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: kind.keyType },
        { type: pkcs11js.CKA_VALUE_LEN, value: request.size / 8 },
        ...secretTemplate(purpose, naming, request.exportable === true),
      ];
      return [await module.C_GenerateKeyAsync(session, { mechanism: kind.generation }, template)];
    }
    let mechanism: Mechanism;
    let publicAttributes: Template;
    if (request.kty === "RSA") {
      mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN };
      publicAttributes = [
        { type: pkcs11js.CKA_MODULUS_BITS, value: request.size },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: RSA_PUBLIC_EXPONENT },
      ];
    } else {
      mechanism = { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN };
      publicAttributes = [{ type: pkcs11js.CKA_EC_PARAMS, value: CURVE_SPECS[request.curve].ecParams }];
    }
    const pair = await module.C_GenerateKeyPairAsync(
      session,
      mechanism,
      [...publicAttributes, ...publicTemplate(request.kty, naming)],
      secretTemplate(request.kty, naming, request.exportable === true),
    );
    return [pair.privateKey, pair.publicKey];
  } catch (error) {
    throw failureFromPkcs11(error, "key generation");
  }
}
