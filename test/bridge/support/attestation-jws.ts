/**
 * The verifier's side of key attestation (docs/key-release.md "Key attestation"), with node:crypto only: the
 * certificate parsed and checked as self-signed, each statement's ES256 signature checked with its public key, the
 * header's `x5t#S256` matched to the certificate, and the claims returned.
 */
import { X509Certificate, createHash, verify } from "node:crypto";
import { expect } from "vitest";
import type { KeyAttestationStatement } from "../../../core/hsm/bridge-client/types.ts";

export function attestationCertificate(pem: string): X509Certificate {
  const certificate = new X509Certificate(pem);
  expect(certificate.verify(certificate.publicKey), "the certificate is self-signed").toBe(true);
  expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  return certificate;
}

/** Verifies a compact JWS against the certificate and returns its payload; fails the test if it does not verify. */
export function verifiedStatement(jws: string, certificate: X509Certificate): KeyAttestationStatement {
  const [header, payload, signature, ...rest] = jws.split(".");
  expect(rest).toHaveLength(0);
  const signed = Buffer.from(`${header}.${payload}`);
  const ok = verify("sha256", signed, { key: certificate.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature ?? "", "base64url"));
  expect(ok, "the statement's signature verifies with the certificate's key").toBe(true);
  const parsedHeader = JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  expect(parsedHeader.alg).toBe("ES256");
  expect(parsedHeader["x5t#S256"]).toBe(createHash("sha256").update(certificate.raw).digest("base64url"));
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as KeyAttestationStatement;
}
