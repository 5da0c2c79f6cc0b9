import type { JWK } from "jose";
import { bytesToHex } from "@noble/hashes/utils.js";
import { base64UrlToBytes, bytesToBase64 } from "../../core/crypto/bytes.ts";
import { CLOCK_TOLERANCE_S } from "../../core/crypto/release/verify-attestation.ts";
import { verifyCertificateAssertion } from "../../core/crypto/federation/verify-certificate-assertion.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { FederatedCredentialRepository } from "../storage/federated-credential-repository.ts";
import type { PrincipalCertificate, PrincipalCertificateRepository } from "../storage/principal-certificate-repository.ts";

/**
 * A service principal's certificate credentials (issue 17; docs/access-control.md "Certificate credentials"), as
 * Entra's keyCredentials of type AsymmetricX509Cert: added from the public certificate (parsed at the edge,
 * worker/wire/client-certificate-input.ts), listed, removed; at most {@link MAX_CERTIFICATES} per principal. The
 * client proves it holds a certificate's private key by signing a client assertion (core/crypto/federation/
 * verify-certificate-assertion.ts), accepted once within its lifetime.
 */
export const MAX_CERTIFICATES = 20;

export type CertificateOp =
  | { readonly kind: "add"; readonly certificate: PrincipalCertificate }
  | { readonly kind: "list" }
  | { readonly kind: "remove"; readonly keyId: string };

/** Graph's keyCredential members, plus the thumbprints shown as Entra's portal shows them (upper-case hex). */
export interface CertificateView {
  readonly keyId: string;
  readonly displayName: string;
  readonly type: "AsymmetricX509Cert";
  readonly usage: "Verify";
  /** Graph's customKeyIdentifier: base64 of the SHA-1 thumbprint. */
  readonly customKeyIdentifier: string;
  readonly thumbprint: string;
  readonly thumbprintSha256: string;
  readonly subject: string;
  readonly startDateTime: string;
  readonly endDateTime: string;
}

export type CertificateResult = CertificateView | CertificateView[] | null;

/** Thumbprints are stored base64url by this code itself (client-certificate-input.ts), so they always decode. */
const fromBase64Url = (text: string): Uint8Array => base64UrlToBytes(text) ?? new Uint8Array();

const view = (c: PrincipalCertificate): CertificateView => ({
  keyId: c.keyId,
  displayName: c.displayName,
  type: "AsymmetricX509Cert",
  usage: "Verify",
  customKeyIdentifier: bytesToBase64(fromBase64Url(c.thumbprintSha1)),
  thumbprint: bytesToHex(fromBase64Url(c.thumbprintSha1)).toUpperCase(),
  thumbprintSha256: bytesToHex(fromBase64Url(c.thumbprintSha256)).toUpperCase(),
  subject: c.subject,
  startDateTime: new Date(c.notBefore * 1000).toISOString(),
  endDateTime: new Date(c.notAfter * 1000).toISOString(),
});

export function manageCertificates(repo: PrincipalCertificateRepository, principalId: string, nowSeconds: number, op: CertificateOp): Result<CertificateResult> {
  switch (op.kind) {
    case "add": {
      const existing = repo.of(principalId);
      if (existing.some((c) => c.thumbprintSha256 === op.certificate.thumbprintSha256)) return fail(badParameter("The principal already holds this certificate."));
      if (existing.length >= MAX_CERTIFICATES) return fail(badParameter(`A principal holds at most ${MAX_CERTIFICATES} certificates.`));
      repo.insert(principalId, op.certificate, nowSeconds);
      return ok(view(op.certificate));
    }
    case "list":
      return ok(repo.of(principalId).map(view));
    case "remove":
      return repo.delete(principalId, op.keyId) ? ok(null) : fail(new VaultError("NotFound", `The certificate '${op.keyId}' was not found.`));
  }
}

/** Verifies a certificate-signed client assertion of `clientId` and records it in the replay window. */
export async function acceptCertificateAssertion(
  certificates: PrincipalCertificateRepository,
  replay: FederatedCredentialRepository,
  principalId: string,
  clientId: string,
  assertion: string,
  tokenEndpoints: readonly string[],
  nowSeconds: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const keys = certificates.of(principalId).map((c) => ({ ...c, publicJwk: JSON.parse(c.publicJwk) as JWK }));
  const verified = await verifyCertificateAssertion(assertion, { clientId, audiences: tokenEndpoints, certificates: keys, nowSeconds });
  if (!verified.ok) return verified;
  // RFC 7523 §3 item 7: the jti names the assertion for this client; one use within its lifetime.
  const replayKey = bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`client\n${clientId}\n${verified.jti}`))));
  if (!replay.recordAssertion(replayKey, verified.exp + CLOCK_TOLERANCE_S, nowSeconds)) return { ok: false, reason: "the assertion was already used (replay)" };
  return { ok: true };
}
