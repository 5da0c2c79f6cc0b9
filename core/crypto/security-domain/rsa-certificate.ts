/**
 * A certificate the security domain encrypts to: a share's recipient (download) or the transfer key
 * (restore blob). Clients identify it only by its DER — `x5t_256` / `x5t#S256` is the base64url SHA-256
 * of the DER (RFC 7517 §4.9) — and encrypt to the RSA key inside it with RSA-OAEP-256; the CLI refuses
 * anything but RSA of at least 2048 bits (docs/security-domain-format.md §1, §4).
 */
import { VaultError } from "../../errors/vault-error.ts";
import { base64UrlToBytes, bytesToBase64Url } from "../bytes.ts";
import { encodeDer, toArrayBuffer } from "../x509/der.ts";
import { OID } from "../x509/oids.ts";
import { readCertificate } from "../x509/parse.ts";
import type { WebJwk } from "../x509/web-jwk.ts";

/** The CLI's floor for security-domain certificates (security_domain_download: RSA ≥ 2048). */
export const MIN_RSA_MODULUS_BITS = 2048;

export interface RsaCertificate {
  readonly der: Uint8Array<ArrayBuffer>;
  /** base64url SHA-256 of the DER: the `x5t_256` that names this certificate in the blobs. */
  readonly thumbprint: string;
  /** RSA-OAEP with SHA-256 (JWA "RSA-OAEP-256", RFC 7518 §4.3), usable for `encrypt` only. */
  readonly publicKey: CryptoKey;
  /** The modulus, base64url without leading zero octets: two certificates with equal `modulus` hold one key. */
  readonly modulus: string;
  readonly modulusBits: number;
}

export async function certificateThumbprint(der: Uint8Array): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", toArrayBuffer(der))));
}

function bitLength(bytes: Uint8Array): number {
  const first = bytes[0] ?? 0;
  return bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(first));
}

/** Reads `der` (`what` names it in the error) or throws BadParameter: not a certificate, not RSA, too short. */
export async function readRsaCertificate(der: Uint8Array, what: string): Promise<RsaCertificate> {
  let spki: Uint8Array;
  try {
    const certificate = readCertificate(der);
    if (certificate.subjectPublicKeyInfo.algorithm.algorithmId !== OID.rsaEncryption) {
      throw new VaultError("BadParameter", `${what} must hold an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits.`);
    }
    spki = encodeDer(certificate.subjectPublicKeyInfo.toSchema());
  } catch (err) {
    if (err instanceof VaultError) throw err;
    throw new VaultError("BadParameter", `${what} is not a DER-encoded X.509 certificate.`);
  }
  let publicKey: CryptoKey;
  let n: Uint8Array | null;
  try {
    const algorithm = { name: "RSA-OAEP", hash: "SHA-256" };
    const extractable = await crypto.subtle.importKey("spki", toArrayBuffer(spki), algorithm, true, ["encrypt"]);
    const jwk = (await crypto.subtle.exportKey("jwk", extractable)) as WebJwk;
    n = base64UrlToBytes(jwk.n ?? "");
    publicKey = await crypto.subtle.importKey("spki", toArrayBuffer(spki), algorithm, false, ["encrypt"]);
  } catch {
    throw new VaultError("BadParameter", `${what} does not hold a usable RSA public key.`);
  }
  const stripped = n === null ? new Uint8Array(0) : n.subarray(n.findIndex((byte) => byte !== 0) >>> 0);
  const modulusBits = bitLength(stripped);
  if (modulusBits < MIN_RSA_MODULUS_BITS) {
    throw new VaultError("BadParameter", `${what} must hold an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits.`);
  }
  const copy = Uint8Array.from(der);
  return { der: copy, thumbprint: await certificateThumbprint(copy), publicKey, modulus: bytesToBase64Url(stripped), modulusBits };
}
