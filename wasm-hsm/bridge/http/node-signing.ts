/**
 * The bridge's side of request and response signatures with node:crypto rather than WebCrypto: the same
 * algorithms over the same strings (../../bridge-client/protocol.ts), but synchronous. Node runs each WebCrypto
 * call as a thread-pool job behind a promise; four of them per request cost more than the ECDSA signature the
 * request asks for, and they would queue behind PKCS#11 work on the same pool.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from "node:crypto";
import type { Signer, Verifier } from "../../../core/hsm/bridge-client/signing-keys.ts";

export type NodeHmacKey = Signer & Verifier;

export function nodeHmacKey(secret: Uint8Array): NodeHmacKey {
  const key = Buffer.from(secret);
  const mac = (data: Uint8Array) => createHmac("sha256", key).update(data).digest();
  return {
    sign: async (data) => new Uint8Array(mac(data)),
    // timingSafeEqual: the comparison takes the same time however many leading bytes match.
    verify: async (data, signature) => {
      const expected = mac(data);
      return signature.length === expected.length && timingSafeEqual(expected, signature);
    },
  };
}

/** `raw`: the 32-byte public key (RFC 8032 §5.1.5), as the config carries it. */
export function nodeEd25519Verifier(raw: Uint8Array): Verifier {
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
  return {
    verify: async (data, signature) => {
      try {
        return verify(null, data, key, signature);
      } catch {
        return false;
      }
    },
  };
}

/** `pkcs8`: DER PrivateKeyInfo (RFC 8410 §7). */
export function nodeEd25519Signer(pkcs8: Uint8Array): Signer {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return { sign: async (data) => new Uint8Array(sign(null, data, key)) };
}

export function sha256Base64urlSync(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("base64url");
}
