/**
 * The certificates of `POST /securitydomain/download`: 3–10 JWKs, each carrying its X.509 certificate in
 * `x5c[0]` (standard base64 of the DER, RFC 7517 §4.7), an RSA key of at least 2048 bits, all different;
 * and `required` from 2 to 10, at most the number of certificates. These are the limits the Azure CLI
 * enforces before sending and the spec states (docs/security-domain-format.md §1). Only `x5c[0]` is
 * used: the share is encrypted to its key and named by its SHA-256, whatever `n`, `e` or `x5t#S256` say.
 */
import { VaultError } from "../../errors/vault-error.ts";
import { decodeBase64 } from "../bytes.ts";
import { readRsaCertificate, type RsaCertificate } from "./rsa-certificate.ts";

export const MIN_CERTIFICATES = 3;
export const MAX_CERTIFICATES = 10;
export const MIN_REQUIRED = 2;
export const MAX_REQUIRED = 10;

/** A JWK as the request body carries it; only `x5c` is read. */
export type CertificateJwk = Readonly<Record<string, unknown>>;

export function assertDownloadCounts(certificateCount: number, required: unknown): asserts required is number {
  if (!Number.isInteger(certificateCount) || certificateCount < MIN_CERTIFICATES || certificateCount > MAX_CERTIFICATES) {
    throw new VaultError("BadParameter", `Between ${MIN_CERTIFICATES} and ${MAX_CERTIFICATES} certificates are required; ${certificateCount} were given.`);
  }
  if (typeof required !== "number" || !Number.isInteger(required) || required < MIN_REQUIRED || required > MAX_REQUIRED) {
    throw new VaultError("BadParameter", `required must be an integer from ${MIN_REQUIRED} to ${MAX_REQUIRED}.`);
  }
  if (required > certificateCount) {
    throw new VaultError("BadParameter", `required (${required}) must not exceed the number of certificates (${certificateCount}).`);
  }
}

function certificateDer(jwk: unknown, what: string): Uint8Array {
  const x5c = typeof jwk === "object" && jwk !== null ? (jwk as CertificateJwk).x5c : undefined;
  if (!Array.isArray(x5c) || x5c.length === 0) {
    throw new VaultError("BadParameter", `${what} has no x5c: each certificate must carry its X.509 certificate in x5c[0].`);
  }
  const first: unknown = x5c[0];
  const der = typeof first === "string" ? decodeBase64(first) : null;
  if (der === null || der.length === 0) throw new VaultError("BadParameter", `${what}.x5c[0] is not a base64-encoded certificate.`);
  return der;
}

/** The certificates read and checked, in request order (share i + 1 goes to certificate i), or BadParameter. */
export async function readDownloadCertificates(certificates: readonly unknown[], required: unknown): Promise<RsaCertificate[]> {
  assertDownloadCounts(certificates.length, required);
  const read: RsaCertificate[] = [];
  for (const [i, jwk] of certificates.entries()) {
    const what = `certificates[${i}]`;
    const certificate = await readRsaCertificate(certificateDer(jwk, what), `${what}.x5c[0]`);
    // A repeated certificate, or one key in two certificates, would let one private key open two shares.
    const earlier = read.findIndex((c) => c.thumbprint === certificate.thumbprint || c.modulus === certificate.modulus);
    if (earlier !== -1) {
      throw new VaultError("BadParameter", `certificates[${earlier}] and ${what} hold the same key; each share needs its own certificate.`);
    }
    read.push(certificate);
  }
  return read;
}
