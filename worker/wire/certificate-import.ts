import { decodeBase64 } from "../../core/crypto/bytes.ts";
import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { certificateMatchesKey, parseCertificate, privateJwkFromPkcs8, readPem, readPfx } from "../../core/crypto/x509/index.ts";
import { PEM, PKCS12, type KeyUsage } from "../../core/domain/certificates/certificate-policy.ts";
import type { CertificatePolicyPatch } from "../../core/domain/certificates/certificate-policy-patch.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { ImportInput } from "./certificate-input.ts";
import { x509Input as x509 } from "./x509-input.ts";

const decoder = new TextDecoder();
const PEM_MARKER = "-----BEGIN";
const NOT_BASE64 = "The value must be PEM text or base64.";

export interface ImportedCertificate {
  readonly chain: Uint8Array[];
  readonly jwk: PrivateJwk;
  readonly policy: CertificatePolicyPatch;
}

/**
 * ImportCertificate's `value`, whichever way a client sends it: PEM text (the JS SDK), base64 of PEM
 * text (Python), or base64 of a PKCS#12 with `pwd`. The leaf must carry the key's public key. The
 * policy is what the request gives, completed from the certificate itself (subject, SANs, EKUs, key
 * usage, validity, key type), as Azure derives it.
 */
export async function readImportedCertificate(input: ImportInput): Promise<ImportedCertificate> {
  const { chain, pkcs8, contentType } = await decodeValue(input);
  if (pkcs8 === undefined) throw badParameter("The certificate to import has no private key.");
  const leaf = chain[0];
  if (leaf === undefined) throw badParameter("The value holds no certificate.");
  const jwk = await x509(() => privateJwkFromPkcs8(pkcs8));
  const pub = publicJwk(jwk);
  if (pub === null || !(await x509(() => certificateMatchesKey(leaf, pub)))) {
    throw badParameter("The private key does not match the certificate's public key.");
  }
  const parsed = await x509(() => parseCertificate(leaf));
  const months = Math.max(1, Math.round((parsed.notAfter.getTime() - parsed.notBefore.getTime()) / (30.44 * 86_400_000)));
  const given = input.policy;
  const policy: CertificatePolicyPatch = {
    ...given,
    keyProps: {
      kty: jwk.kty === "EC" ? "EC" : "RSA",
      ...(jwk.kty === "EC" ? { crv: jwk.crv } : { keySize: Math.floor((jwk.kty === "RSA" ? jwk.n.length : 0) * 6 / 8) * 8 }),
      ...given.keyProps,
    },
    secretContentType: given.secretContentType ?? contentType,
    x509: {
      subject: parsed.subject,
      sans: parsed.sans,
      ekus: parsed.ekus,
      keyUsage: parsed.keyUsage as KeyUsage[],
      validityMonths: Math.min(months, 1200),
      ...given.x509,
    },
    issuer: given.issuer ?? { name: "Unknown" },
  };
  return { chain, jwk, policy };
}

async function decodeValue(input: ImportInput): Promise<{ chain: Uint8Array[]; pkcs8: Uint8Array | undefined; contentType: typeof PEM | typeof PKCS12 }> {
  if (input.value.includes(PEM_MARKER)) return fromPem(input.value);
  // Base64 may be wrapped in lines (RFC 4648 §3.1 lets the caller's format allow it; PEM bodies do).
  const bytes = decodeBase64(input.value.replace(/\s+/g, ""));
  if (bytes === null || bytes.length === 0) throw badParameter(NOT_BASE64);
  const text = decoder.decode(bytes.subarray(0, 64));
  if (text.includes(PEM_MARKER)) return fromPem(decoder.decode(bytes));
  const pfx = await x509(() => readPfx(bytes, input.password ?? ""));
  return { chain: pfx.certificates, pkcs8: pfx.privateKeyPkcs8, contentType: PKCS12 };
}

async function fromPem(text: string) {
  const pem = await x509(async () => readPem(text));
  return { chain: pem.certificates, pkcs8: pem.privateKeyPkcs8, contentType: PEM } as const;
}
