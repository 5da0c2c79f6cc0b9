/**
 * What a BYOK target key becomes on the token, per declared type. The token parses the plaintext itself through the unwrap template — CKO_PRIVATE_KEY with CKK_RSA or CKK_EC takes
 * PKCS#8, CKK_AES the raw bytes — so a blob holding another type fails in the unwrap. `finish` then checks the new
 * object against the declaration on the token, and makes the public half the key store needs beside a private
 * key. Every mismatch is the one generic failure (docs/decisions.md §6.4); the detail is for the log.
 */
import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";
import type { ByokTarget, EcCurve } from "../../../core/hsm/bridge-client/types.ts";
import { AES_KEY_SIZES, RSA_KEY_SIZES } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import { pkcs11js, type Handle, type PKCS11, type Template } from "../pkcs11/binding.ts";
import { HASHES } from "../ops/sign-algorithms.ts";
import { CURVE_SPECS } from "./curves.ts";
import { pointAttribute } from "./ec-point.ts";
import { recoverEcPublicPoint } from "./ec-public-recovery.ts";
import { ulong } from "./key-store.ts";
import { publicTemplate, secretTemplate, sizeLabel } from "./templates.ts";

export interface TargetPlan {
  /** The whole unwrap template for the target object. */
  readonly template: Template;
  /** Checks the unwrapped object and returns the objects it created next to it. */
  finish(module: PKCS11, session: Handle, target: Handle): Promise<Handle[]>;
}

/** `wrappedBytes`: the length of the RFC 5649 part, which bounds the target's own length (§4.1: 8·⌈m/8⌉ + 8). */
export function planTarget(target: ByokTarget, id: Buffer, wrappedBytes: number, exportable: boolean): TargetPlan {
  if (target.kty === "RSA") return rsaPlan(id, exportable);
  if (target.kty === "EC") return ecPlan(target.curve, id, exportable);
  return octPlan(id, wrappedBytes, exportable);
}

function refused(detail: string): BridgeFailure {
  return new BridgeFailure("BadParameter", DECRYPTION_FAILED, `BYOK: ${detail}`);
}

function rsaPlan(id: Buffer, exportable: boolean): TargetPlan {
  return {
    template: [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      ...secretTemplate("RSA", { id }, exportable),
    ],
    async finish(module, session, target) {
      const [n, e] = module.C_GetAttributeValue(session, target, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
      if (n === undefined || e === undefined) throw refused("RSA key without modulus or exponent");
      const bits = BigInt(`0x${n.value.toString("hex") || "0"}`).toString(2).length;
      if (!RSA_KEY_SIZES.some((size) => size === bits)) throw refused(`RSA key of ${bits} bits`);
      // The token stores CRT values it was given without checking them (keys/import.ts): one signature made on the
      // token and checked with (n, e) here proves the private key matches the public half about to be made.
      const message = randomBytes(32);
      const digest = createHash("sha256").update(message).digest();
      module.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, target);
      const signature = await module.C_SignAsync(
        session,
        Buffer.concat([HASHES["SHA-256"].digestInfoPrefix, digest]),
        Buffer.alloc(n.value.length),
      );
      const publicKey = createPublicKey({ key: { kty: "RSA", n: n.value.toString("base64url"), e: e.value.toString("base64url") }, format: "jwk" });
      if (!verify("sha256", message, publicKey, signature)) throw refused("RSA private key does not match its modulus");
      return [
        module.C_CreateObject(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
          { type: pkcs11js.CKA_MODULUS, value: n.value },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: e.value },
          ...publicTemplate("RSA", { id }),
        ]),
      ];
    },
  };
}

function ecPlan(curveName: EcCurve, id: Buffer, exportable: boolean): TargetPlan {
  const curve = CURVE_SPECS[curveName];
  return {
    template: [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
      ...secretTemplate("EC", { id }, exportable),
    ],
    async finish(module, session, target) {
      const [params] = module.C_GetAttributeValue(session, target, [{ type: pkcs11js.CKA_EC_PARAMS }]);
      if (params === undefined || !params.value.equals(curve.ecParams)) throw refused(`EC key is not on ${curve.name}`);
      const { x, y } = await recoverEcPublicPoint(module, session, target, curve);
      return [
        module.C_CreateObject(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
          { type: pkcs11js.CKA_EC_PARAMS, value: curve.ecParams },
          { type: pkcs11js.CKA_EC_POINT, value: pointAttribute(x, y) },
          ...publicTemplate("EC", { id }),
        ]),
      ];
    },
  };
}

/**
 * RFC 5649 §4.1 rounds the key up to whole semiblocks, so the wrap's length names one 8-byte range of key lengths,
 * which holds exactly one AES size (9–16 → 128, 17–24 → 192, 25–32 → 256). An AES operation on the token then
 * proves the key is an AES size (the token refuses AES with any other key length), hence that one.
 */
function octPlan(id: Buffer, wrappedBytes: number, exportable: boolean): TargetPlan {
  const bits = (wrappedBytes - 8) * 8;
  if (!AES_KEY_SIZES.some((size) => size === bits)) throw refused(`oct wrap of ${wrappedBytes} bytes`);
  return {
    template: [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      ...secretTemplate("aes", { id, label: sizeLabel(bits) }, exportable),
    ],
    async finish(module, session, target) {
      const [length] = module.C_GetAttributeValue(session, target, [{ type: pkcs11js.CKA_VALUE_LEN }]);
      const bytes = ulong(length?.value);
      if (bytes > 0 && bytes * 8 !== bits) throw refused(`AES key of ${bytes} bytes in a ${bits}-bit wrap`);
      module.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_ECB }, target);
      module.C_Encrypt(session, Buffer.alloc(16), Buffer.alloc(16));
      return [];
    },
  };
}
