/**
 * The curves the bridge makes keys on, as one table (docs/decisions.md §6.2): the DER OID that goes into CKA_EC_PARAMS
 * (PKCS#11 v2.40 §2.3.3: "DER-encoding of an ANSI X9.62 Parameters value", here the namedCurve choice) and the
 * coordinate size that x, y, d and each of r, s are padded to (RFC 7518 §6.2.1.2, §3.4).
 */
import type { EcCurve } from "../../../core/hsm/bridge-client/types.ts";

export interface CurveSpec {
  readonly name: EcCurve;
  /** DER OBJECT IDENTIFIER. */
  readonly ecParams: Buffer;
  readonly coordinateBytes: number;
}

export const CURVE_SPECS: Readonly<Record<EcCurve, CurveSpec>> = {
  // RFC 5480 §2.1.1.1
  "P-256": { name: "P-256", ecParams: Buffer.from("06082a8648ce3d030107", "hex"), coordinateBytes: 32 },
  "P-384": { name: "P-384", ecParams: Buffer.from("06052b81040022", "hex"), coordinateBytes: 48 },
  "P-521": { name: "P-521", ecParams: Buffer.from("06052b81040023", "hex"), coordinateBytes: 66 },
  // SEC 2 §A.2.1: secp256k1 is 1.3.132.0.10
  "P-256K": { name: "P-256K", ecParams: Buffer.from("06052b8104000a", "hex"), coordinateBytes: 32 },
};

export function curveOfParams(ecParams: Buffer): CurveSpec | undefined {
  return Object.values(CURVE_SPECS).find((spec) => spec.ecParams.equals(ecParams));
}
