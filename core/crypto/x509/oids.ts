/**
 * Object identifiers this layer writes or recognises, by the document that assigns them.
 * Kept in one table so a reader can check each against its RFC.
 */
export const OID = {
  // RFC 8017 App. C / RFC 4055 — RSA keys and PKCS#1 v1.5 signatures.
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  sha1WithRSAEncryption: "1.2.840.113549.1.1.5",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  // RFC 5480 §2.1.1 and RFC 5758 §3.2 — EC keys, named curves and ECDSA signatures.
  ecPublicKey: "1.2.840.10045.2.1",
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  secp521r1: "1.3.132.0.35",
  secp256k1: "1.3.132.0.10",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  // RFC 8410 §3.
  ed25519: "1.3.101.112",
  // RFC 5280 §4.2.1 — certificate extensions.
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  // Microsoft: szOID_NT_PRINCIPAL_NAME, the UPN otherName (MS-WCCE §2.2.2.7.10 / [MS-PKCA]).
  userPrincipalName: "1.3.6.1.4.1.311.20.2.3",
  // RFC 2985 §5.4.2 — PKCS#9 extensionRequest (a CSR attribute carrying Extensions).
  extensionRequest: "1.2.840.113549.1.9.14",
  // RFC 2985 §5.5.1 — friendlyName, localKeyId (PKCS#12 bag attributes).
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  // RFC 5652 §4, §8 — CMS content types used by PKCS#12.
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  // RFC 7292 App. D — PKCS#12 bag types and the X.509 certificate type of a CertBag.
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  // RFC 7292 App. C — the PKCS#12 password-based encryption schemes (legacy).
  pbeWithSha1And128BitRc4: "1.2.840.113549.1.12.1.1",
  pbeWithSha1And40BitRc4: "1.2.840.113549.1.12.1.2",
  pbeWithSha1And3KeyTripleDesCbc: "1.2.840.113549.1.12.1.3",
  pbeWithSha1And2KeyTripleDesCbc: "1.2.840.113549.1.12.1.4",
  pbeWithSha1And128BitRc2Cbc: "1.2.840.113549.1.12.1.5",
  pbeWithSha1And40BitRc2Cbc: "1.2.840.113549.1.12.1.6",
  // RFC 8018 App. A, B — PBES2, PBKDF2, its PRFs and the ciphers PBES2 names; RFC 9579 PBMAC1.
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  pbmac1: "1.2.840.113549.1.5.14",
  hmacWithSha1: "1.2.840.113549.2.7",
  hmacWithSha224: "1.2.840.113549.2.8",
  hmacWithSha256: "1.2.840.113549.2.9",
  hmacWithSha384: "1.2.840.113549.2.10",
  hmacWithSha512: "1.2.840.113549.2.11",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
  // RFC 3279 §2.2.1 / NIST CSOR — digest algorithms (the PKCS#12 MAC names its hash by these).
  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
} as const;

/** Signature algorithm OIDs → the names OpenSSL prints (`openssl x509 -text`, "Signature Algorithm:"). */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [OID.sha1WithRSAEncryption]: "sha1WithRSAEncryption",
  [OID.sha256WithRSAEncryption]: "sha256WithRSAEncryption",
  [OID.sha384WithRSAEncryption]: "sha384WithRSAEncryption",
  [OID.sha512WithRSAEncryption]: "sha512WithRSAEncryption",
  [OID.rsassaPss]: "rsassaPss",
  [OID.ecdsaWithSha1]: "ecdsa-with-SHA1",
  [OID.ecdsaWithSha256]: "ecdsa-with-SHA256",
  [OID.ecdsaWithSha384]: "ecdsa-with-SHA384",
  [OID.ecdsaWithSha512]: "ecdsa-with-SHA512",
  [OID.ed25519]: "ED25519",
};
