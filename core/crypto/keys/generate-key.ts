import { badParameter } from "../../errors/vault-error.ts";
import { bytesToBase64Url } from "../bytes.ts";
import { bigIntToBytes } from "./bigint-math.ts";
import { EC_IMPLEMENTATIONS } from "./ec-curves.ts";
import {
  DEFAULT_RSA_PUBLIC_EXPONENT,
  KEY_TYPES,
  RSA_GENERATION_EXPONENTS,
  isEcCurve,
  isOctKeySize,
  isRsaKeySize,
  unsupportedCurveMessage,
  unsupportedSizeMessage,
  type EcPrivateJwk,
  type OctKey,
  type RsaPrivateJwk,
} from "./key-types.ts";

/**
 * A new RSA key (Keys – Create, kty RSA). Stateless, so it can run anywhere: RSA-4096 takes ~0.6 s
 * and several seconds under load (docs/decisions.md §3.4). Measured in workerd: `crypto.subtle.generateKey` does
 * the work synchronously inside the call (RSA-3072: 510 ms in the call, resolved two microtasks later,
 * no timer fired meanwhile), so awaiting it frees nothing — the isolate is busy throughout. Call it in
 * the stateless Worker before the Durable Object RPC (or on the HSM bridge), not inside the vault's
 * Durable Object, and never between a read and the write that depends on it.
 *
 * The algorithm name only tells WebCrypto how the key may be used while it lives here; the exported
 * JWK is the bare RSA key (RFC 7518 §6.3), usable for every Azure RSA algorithm.
 */
export async function generateRsa(bits: number, publicExponent?: number): Promise<RsaPrivateJwk> {
  if (!isRsaKeySize(bits)) throw badParameter(unsupportedSizeMessage(bits, KEY_TYPES.RSA.sizes));
  const exponent = publicExponent ?? DEFAULT_RSA_PUBLIC_EXPONENT;
  if (!RSA_GENERATION_EXPONENTS.some((allowed) => allowed === exponent)) {
    throw badParameter(
      `Unsupported public exponent (${String(exponent)}). Supported exponents are [${RSA_GENERATION_EXPONENTS.join(", ")}]`,
    );
  }
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: bits,
      publicExponent: bigIntToBytes(BigInt(exponent)),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const { n, e, d, p, q, dp, dq, qi } = jwk;
  if (!n || !e || !d || !p || !q || !dp || !dq || !qi) throw new Error("WebCrypto exported an RSA key without CRT parameters");
  return { kty: "RSA", n, e, d, p, q, dp, dq, qi };
}

/**
 * A new EC key. The secret is noble's `randomSecretKey` (uniform in [1, n-1], from
 * crypto.getRandomValues); x, y and d are fixed-length octets (RFC 7518 §6.2.1.2, §6.2.2.1).
 */
export function generateEc(crv: string): EcPrivateJwk {
  if (!isEcCurve(crv)) throw badParameter(unsupportedCurveMessage(crv));
  const curve = EC_IMPLEMENTATIONS[crv];
  const size = KEY_TYPES.EC.curves[crv].coordinateBytes;
  const secretKey = curve.utils.randomSecretKey();
  // SEC 1 §2.3.3 uncompressed point: 0x04 ‖ x ‖ y.
  const point = curve.getPublicKey(secretKey, false);
  return {
    kty: "EC",
    crv,
    x: bytesToBase64Url(point.subarray(1, 1 + size)),
    y: bytesToBase64Url(point.subarray(1 + size, 1 + 2 * size)),
    d: bytesToBase64Url(secretKey),
  };
}

/** A new AES key of 128, 192 or 256 bits, straight from the platform CSPRNG. */
export function generateOct(bits: number): OctKey {
  if (!isOctKeySize(bits)) throw badParameter(unsupportedSizeMessage(bits, KEY_TYPES.oct.sizes));
  return { kty: "oct", k: bytesToBase64Url(crypto.getRandomValues(new Uint8Array(bits / 8))) };
}
