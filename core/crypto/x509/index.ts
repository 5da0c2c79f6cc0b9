/**
 * The X.509 / PKCS#10 / PKCS#12 layer of the certificates API: pure format work on pkijs + asn1js over
 * WebCrypto, no storage and no HTTP. Every function validates its input and throws `X509Error` (a
 * client-safe message, mapped to 400 BadParameter) for what it cannot accept; the verification
 * helpers answer with values instead.
 */
export { X509Error, PKCS12_UNREADABLE, PEM_UNEXPECTED_FORMAT, CERTIFICATE_UNREADABLE, CSR_UNREADABLE, SECP256K1_REFUSED } from "./x509-error.ts";
export { parseSubject, formatName, MAX_SUBJECT_LENGTH, type DistinguishedName, type Rdn, type NameAttribute } from "./names.ts";
export { KEY_USAGE_NAMES, isKeyUsageName, type KeyUsageName } from "./key-usage.ts";
export type { SubjectAlternativeNames, ParsedSubjectAlternativeNames } from "./general-names.ts";
export { DEFAULT_EKUS, type RequestedExtensions } from "./extensions.ts";
export {
  signingKeyFromJwk,
  resolveSigningKey,
  type KeyInput,
  signatureSchemeFor,
  spkiFromPublicJwk,
  publicJwkFromSpki,
  publicJwksEqual,
  CERTIFICATE_CURVES,
  type SigningKey,
  type SignatureScheme,
  type CertificateCurve,
} from "./signing-key.ts";
export { issueSelfSigned, type SelfSignedInput } from "./issue.ts";
export { createCsr, parseCsr, type CsrInput, type ParsedCsr } from "./csr.ts";
export { parseCertificate, type ParsedCertificate } from "./parse.ts";
export { certificateMatchesKey, checkChain, verifyChain, verifySelfSigned, type ChainVerification } from "./verify.ts";
export { orderChain } from "./chain-order.ts";
export { readPem, writePem, type PemContents } from "./pem.ts";
export { readPfx, MAX_PASSWORD_LENGTH, type PfxContents } from "./pkcs12-read.ts";
export { writePfx } from "./pkcs12-write.ts";
export { pkcs8FromPrivateJwk, privateJwkFromPkcs8, pkcs8FromPkcs1, pkcs8FromSec1, type CertificatePrivateJwk } from "./key-conversion.ts";
