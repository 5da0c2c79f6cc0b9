/**
 * Plaintext import (Azure's ImportKey with `hsm: true`): the key material enters the token as a sensitive,
 * non-extractable object and the bridge keeps no copy. The material is checked before it goes in — SoftHSM2
 * stores whatever it is given, and an inconsistent RSA key would only fail later, one signature at a time.
 * An oct key becomes an AES or an HMAC key by the request's `purpose` (keys/oct-kinds.ts). BYOK import, where the
 * material arrives wrapped for the token, is keys/byok-import.ts.
 */
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import type { EcPrivateJwk, ImportKeyRequest, KeyInfo, OctKey, OctPurpose, RsaPrivateJwk } from "../../../core/hsm/bridge-client/types.ts";
import { RSA_KEY_SIZES } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter } from "../failure.ts";
import { pkcs11js, type Handle, type Template } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { CURVE_SPECS } from "./curves.ts";
import { pointAttribute } from "./ec-point.ts";
import { KEY_ID_BYTES } from "./generate.ts";
import { keyInfo } from "./key-info.ts";
import { OCT_KINDS, sizeList } from "./oct-kinds.ts";
import { publicTemplate, secretTemplate, type ObjectNaming } from "./templates.ts";

export async function importKey(context: BridgeContext, request: ImportKeyRequest): Promise<KeyInfo> {
  const templates = objectTemplates(request);
  const { keys, pool, token } = context;
  return pool.use(async (session) => {
    const idBytes = randomBytes(KEY_ID_BYTES);
    const naming: ObjectNaming = { id: idBytes };
    const created: Handle[] = [];
    try {
      for (const template of templates(naming)) created.push(token.module.C_CreateObject(session, template));
      return keyInfo(keys.lookup(session, bytesToBase64Url(idBytes)));
    } catch (error) {
      // All objects of the key or none: a private key without its public half is no usable key.
      for (const handle of created) {
        try {
          token.module.C_DestroyObject(session, handle);
        } catch {
          // Best effort; the original failure is the one to report.
        }
      }
      throw failureFromPkcs11(error, "key import");
    }
  });
}

type Templates = (naming: ObjectNaming) => Template[];

function objectTemplates({ jwk, purpose, exportable }: ImportKeyRequest): Templates {
  const extractable = exportable === true;
  if (jwk.kty === "oct") return octTemplates(jwk, purpose ?? "aes", extractable);
  if (jwk.kty === "RSA") return rsaTemplates(jwk, extractable);
  return ecTemplates(jwk, extractable);
}

/** The token sets CKA_VALUE_LEN from CKA_VALUE itself (SoftHSM2 refuses it in the template: read-only). */
function octTemplates(jwk: OctKey, purpose: OctPurpose, exportable: boolean): Templates {
  const value = Buffer.from(jwk.k, "base64url");
  const kind = OCT_KINDS[purpose];
  if (!kind.sizes.some((bits) => bits === value.length * 8)) throw badParameter(`${kind.name} keys are ${sizeList(kind)} bits`);
  return (naming) => [
    [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: kind.keyType },
      { type: pkcs11js.CKA_VALUE, value },
      ...secretTemplate(purpose, naming, exportable),
    ],
  ];
}

function rsaTemplates(jwk: RsaPrivateJwk, exportable: boolean): Templates {
  const part = (value: string) => Buffer.from(value, "base64url");
  const [n, e, d, p, q, dp, dq, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(part) as [
    Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer,
  ];
  const bits = BigInt(`0x${n.toString("hex")}`).toString(2).length;
  if (!RSA_KEY_SIZES.some((size) => size === bits)) throw badParameter("RSA keys are 2048, 3072 or 4096 bits");
  // RFC 8017 §3.2: n = p·q. Checked here because the token would accept a mismatch and sign garbage with it.
  if (BigInt(`0x${p.toString("hex")}`) * BigInt(`0x${q.toString("hex")}`) !== BigInt(`0x${n.toString("hex")}`)) {
    throw badParameter("RSA key is inconsistent");
  }
  try {
    createPrivateKey({ key: { ...jwk }, format: "jwk" });
  } catch {
    throw badParameter("RSA key is malformed");
  }
  const common = [
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
    { type: pkcs11js.CKA_MODULUS, value: n },
    { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: e },
  ];
  return (naming) => [
    [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      ...common,
      { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: d },
      { type: pkcs11js.CKA_PRIME_1, value: p },
      { type: pkcs11js.CKA_PRIME_2, value: q },
      { type: pkcs11js.CKA_EXPONENT_1, value: dp },
      { type: pkcs11js.CKA_EXPONENT_2, value: dq },
      { type: pkcs11js.CKA_COEFFICIENT, value: qi },
      ...secretTemplate("RSA", naming, exportable),
    ],
    [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, ...common, ...publicTemplate("RSA", naming)],
  ];
}

function ecTemplates(jwk: EcPrivateJwk, exportable: boolean): Templates {
  const curve = CURVE_SPECS[jwk.crv];
  const [x, y, d] = [jwk.x, jwk.y, jwk.d].map((value) => Buffer.from(value, "base64url")) as [Buffer, Buffer, Buffer];
  // RFC 7518 §6.2.1.2/§6.2.2.1: x, y and d are exactly the coordinate size.
  if (x.length !== curve.coordinateBytes || y.length !== curve.coordinateBytes || d.length !== curve.coordinateBytes) {
    throw badParameter(`${jwk.crv} coordinates are ${curve.coordinateBytes} bytes`);
  }
  // The public point must be d·G: derive it (OpenSSL also refuses points off the curve) and compare.
  let derived: { x?: string; y?: string };
  try {
    const nodeCurve = jwk.crv === "P-256K" ? "secp256k1" : jwk.crv;
    derived = createPublicKey(createPrivateKey({ key: { kty: "EC", crv: nodeCurve, x: jwk.x, y: jwk.y, d: jwk.d }, format: "jwk" }))
      .export({ format: "jwk" });
  } catch {
    throw badParameter("EC key is malformed");
  }
  if (derived.x !== jwk.x || derived.y !== jwk.y) throw badParameter("EC key is inconsistent");
  const common = [
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
    { type: pkcs11js.CKA_EC_PARAMS, value: curve.ecParams },
  ];
  return (naming) => [
    [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      ...common,
      { type: pkcs11js.CKA_VALUE, value: d },
      ...secretTemplate("EC", naming, exportable),
    ],
    [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      ...common,
      { type: pkcs11js.CKA_EC_POINT, value: pointAttribute(x, y) },
      ...publicTemplate("EC", naming),
    ],
  ];
}
