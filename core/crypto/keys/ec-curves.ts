import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { ECDSA } from "@noble/curves/abstract/weierstrass.js";
import type { EcCurve } from "./key-types.ts";

/**
 * JWK curve names (RFC 7518 §6.2.1.1; "P-256K" is Azure's name for SEC 2 secp256k1, keys.json
 * JsonWebKeyCurveName) → noble implementations. secp256k1 is noble-only in workerd (docs/decisions.md §3.2).
 */
export const EC_IMPLEMENTATIONS: Readonly<Record<EcCurve, ECDSA>> = {
  "P-256": p256,
  "P-384": p384,
  "P-521": p521,
  "P-256K": secp256k1,
};
