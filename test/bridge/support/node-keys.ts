/** node:crypto views of the bridge's public keys: the independent side of every check. */
import { createPublicKey, type KeyObject } from "node:crypto";
import type { PublicJwk } from "../../../core/hsm/bridge-client/index.ts";

/** Azure calls secp256k1 "P-256K"; node (RFC 8812) calls it "secp256k1". */
export function nodePublicKey(jwk: PublicJwk): KeyObject {
  if (jwk.kty === "RSA") return createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
  const crv = jwk.crv === "P-256K" ? "secp256k1" : jwk.crv;
  return createPublicKey({ key: { kty: "EC", crv, x: jwk.x, y: jwk.y }, format: "jwk" });
}
