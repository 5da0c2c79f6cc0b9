import type { Certificate } from "pkijs";
import type { PublicJwk } from "../keys/key-types.ts";
import { encodeDer } from "./der.ts";
import { readCertificate } from "./parse.ts";
import { publicJwkFromSpki, publicJwksEqual } from "./signing-key.ts";
import { PKI_ENGINE } from "./engine.ts";

/**
 * Signature and key checks for merge and import. These answer questions, so they return values;
 * only unreadable input throws (X509Error from readCertificate).
 */

/** Whether the certificate's subject public key is `publicJwk` (the pending key, on merge; the PFX key, on import). */
export async function certificateMatchesKey(certDer: Uint8Array, publicJwk: PublicJwk): Promise<boolean> {
  const certificate = readCertificate(certDer);
  const certificateKey = await publicJwkFromSpki(encodeDer(certificate.subjectPublicKeyInfo.toSchema()));
  return publicJwksEqual(certificateKey, publicJwk);
}

/** Issuer = subject and the signature verifies under the certificate's own key. */
export async function verifySelfSigned(der: Uint8Array): Promise<boolean> {
  const certificate = readCertificate(der);
  return certificate.issuer.isEqual(certificate.subject) && (await signedBy(certificate, certificate));
}

export type ChainVerification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Index in [leaf, ...chain] of the certificate whose issuer check failed. */
      readonly index: number;
      readonly reason: "issuer-name-mismatch" | "bad-signature";
      /** Safe to show a client. */
      readonly message: string;
    };

/**
 * Checks that [leaf, ...chain] is a path: each certificate names the next as issuer (RFC 5280 §6.1.3
 * (a)(4), names compared as §7.1 says — pkijs does the case-insensitive string-prep comparison) and
 * its signature verifies under the next one's key (§6.1.3 (a)(1)). Validity periods, CA flags and
 * trust in the last certificate are the caller's policy, not checked here: Azure's merge accepts a
 * chain that ends below a root.
 */
export async function checkChain(leafDer: Uint8Array, chain: readonly Uint8Array[]): Promise<ChainVerification> {
  const certificates = [leafDer, ...chain].map((der) => readCertificate(der));
  for (let index = 0; index + 1 < certificates.length; index++) {
    const child = certificates[index] as Certificate;
    const parent = certificates[index + 1] as Certificate;
    if (!child.issuer.isEqual(parent.subject)) {
      return {
        ok: false,
        index,
        reason: "issuer-name-mismatch",
        message: `Certificate ${index + 1} of the chain was not issued by certificate ${index + 2}.`,
      };
    }
    if (!(await signedBy(child, parent))) {
      return {
        ok: false,
        index,
        reason: "bad-signature",
        message: `The signature of certificate ${index + 1} of the chain does not verify with the key of certificate ${index + 2}.`,
      };
    }
  }
  return { ok: true };
}

/** checkChain's verdict alone: true when every link holds. */
export async function verifyChain(leafDer: Uint8Array, chain: readonly Uint8Array[]): Promise<boolean> {
  return (await checkChain(leafDer, chain)).ok;
}

/** pkijs verifies with WebCrypto (RSA PKCS#1 v1.5 and PSS, ECDSA; SHA-1 to SHA-512); an algorithm it cannot use is a failure. */
async function signedBy(child: Certificate, parent: Certificate): Promise<boolean> {
  return child.verify(parent, PKI_ENGINE).catch(() => false);
}
