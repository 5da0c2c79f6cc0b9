import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from "jose";
import { ATTESTATION_ALGORITHMS, CLOCK_TOLERANCE_S, describeFailure } from "../release/verify-attestation.ts";

/**
 * A client assertion signed by one of the client's certificates (RFC 7523 §2.2 and §3; OIDC Core §9
 * `private_key_jwt`), as Entra's certificate credentials take it and as MSAL — under `@azure/identity`'s
 * ClientCertificateCredential — makes it: header `alg` PS256 with `x5t#S256` (or RS256 with `x5t`, the SHA-1
 * thumbprint) naming the certificate; claims `iss` = `sub` = the client id, `aud` = the token endpoint, `exp` (ten
 * minutes ahead), `nbf`, `jti`. Checked: an asymmetric algorithm; a thumbprint naming a certificate of the client
 * that is within its validity period; the signature by that certificate's key; iss, sub, aud; exp (required) and nbf
 * with {@link CLOCK_TOLERANCE_S} of skew; a jti (the replay window is the caller's). The reason is for the log only.
 */
export interface CertificateKey {
  readonly keyId: string;
  readonly thumbprintSha1: string;
  readonly thumbprintSha256: string;
  readonly publicJwk: JWK;
  /** Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface CertificateAssertionCheck {
  readonly clientId: string;
  /** The token endpoint's URL(s) the assertion may be addressed to. */
  readonly audiences: readonly string[];
  readonly certificates: readonly CertificateKey[];
  readonly nowSeconds: number;
}

export type CertificateAssertionOutcome =
  | { readonly ok: true; readonly keyId: string; readonly jti: string; readonly exp: number }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): CertificateAssertionOutcome => ({ ok: false, reason });

export async function verifyCertificateAssertion(token: string, check: CertificateAssertionCheck): Promise<CertificateAssertionOutcome> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse("the assertion is not a compact JWS");
  }
  if (typeof header.alg !== "string" || !ATTESTATION_ALGORITHMS.includes(header.alg)) return refuse(`the assertion's alg ${String(header.alg)} is not an asymmetric signature`);
  const sha256 = header["x5t#S256"];
  const sha1 = header.x5t;
  const certificate = check.certificates.find((c) => (typeof sha256 === "string" ? c.thumbprintSha256 === sha256 : typeof sha1 === "string" && c.thumbprintSha1 === sha1));
  if (certificate === undefined) return refuse("the assertion's x5t#S256 / x5t names no certificate of the client");
  if (check.nowSeconds + CLOCK_TOLERANCE_S < certificate.notBefore || check.nowSeconds - CLOCK_TOLERANCE_S > certificate.notAfter) {
    return refuse(`the certificate ${certificate.keyId} is outside its validity period`);
  }
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [certificate.publicJwk] }), {
      algorithms: ATTESTATION_ALGORITHMS,
      issuer: check.clientId,
      subject: check.clientId,
      audience: [...check.audiences],
      currentDate: new Date(check.nowSeconds * 1000),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["exp", "jti"],
    });
    if (typeof payload.jti !== "string" || payload.jti === "" || typeof payload.exp !== "number") return refuse("the assertion's jti or exp is malformed");
    return { ok: true, keyId: certificate.keyId, jti: payload.jti, exp: payload.exp };
  } catch (err) {
    return refuse(describeFailure(err));
  }
}
