/**
 * The public point of an EC private key that only the token holds. An unwrapped PKCS#8 key (RFC 5915) may carry
 * its public key, but the token keeps only d and the curve (PKCS#11 v2.40 §2.3.4: an EC private key object has no
 * CKA_EC_POINT), and SoftHSM2 2.6.1 leaves CKA_PUBLIC_KEY_INFO empty. So the token signs two random digests and the
 * point is recovered from the signatures (SEC 1 v2 §4.1.6: each signature fits at most a few candidate points,
 * Q = r⁻¹(sR − eG)); the one point both signatures fit is the key's. Only public values are used — signatures and
 * digests — and the recovery doubles as proof that the key signs correctly on this curve.
 */
import { randomBytes } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { EcCurve } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import { pkcs11js, type Handle, type PKCS11 } from "../pkcs11/binding.ts";
import type { CurveSpec } from "./curves.ts";

const NOBLE_CURVES: Readonly<Record<EcCurve, typeof p256>> = { "P-256": p256, "P-384": p384, "P-521": p521, "P-256K": secp256k1 };

/** A SHA-256-sized digest is shorter than every curve's order: no truncation rule (SEC 1 §4.1.3 step 5) applies. */
const DIGEST_BYTES = 32;
/** SEC 1 §4.1.6 step 1: j = 0…h; these curves have cofactor 1, so two x candidates (r, r + n) times two y signs. */
const RECOVERY_IDS = [0, 1, 2, 3];
const SIGNATURE_BUFFER_BYTES = 2 * 66;

export async function recoverEcPublicPoint(
  module: PKCS11,
  session: Handle,
  privateKey: Handle,
  curve: CurveSpec,
): Promise<{ x: Buffer; y: Buffer }> {
  const first = await candidates(module, session, privateKey, curve);
  const second = await candidates(module, session, privateKey, curve);
  const common = [...first].filter((point) => second.has(point));
  const [point] = common;
  if (point === undefined || common.length !== 1) {
    throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, `BYOK ${curve.name} key: no single public point fits its signatures`);
  }
  const bytes = Buffer.from(point, "hex");
  return { x: bytes.subarray(1, 1 + curve.coordinateBytes), y: bytes.subarray(1 + curve.coordinateBytes) };
}

/** The uncompressed points (hex) one fresh token signature fits. */
async function candidates(module: PKCS11, session: Handle, privateKey: Handle, curve: CurveSpec): Promise<Set<string>> {
  const digest = randomBytes(DIGEST_BYTES);
  module.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, privateKey);
  const signature = await module.C_SignAsync(session, digest, Buffer.alloc(SIGNATURE_BUFFER_BYTES));
  const noble = NOBLE_CURVES[curve.name];
  const points = new Set<string>();
  for (const id of RECOVERY_IDS) {
    try {
      const point = noble.Signature.fromBytes(signature, "compact").addRecoveryBit(id).recoverPublicKey(digest);
      points.add(point.toHex(false));
    } catch {
      // This id names no point on the curve (R off the curve, or r + n past the field): not a candidate.
    }
  }
  return points;
}
