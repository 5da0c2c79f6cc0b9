import { Certificate } from "pkijs";
import { parseSubject } from "./names.ts";
import { encodeTime, assertValidity } from "./validity.ts";
import { serialNumberInteger } from "./serial-number.ts";
import {
  authorityKeyIdentifierExtension,
  keyIdentifier,
  requestedExtensions,
  subjectKeyIdentifierExtension,
  type RequestedExtensions,
} from "./extensions.ts";
import { pkiName, publicKeyInfo, signatureAlgorithm, signStructure } from "./to-be-signed.ts";
import { resolveSigningKey, type KeyInput } from "./signing-key.ts";

/** The certificate's own key (KeyInput: JWKs or a SigningKey) is both the subject key and the signer. */
export type SelfSignedInput = RequestedExtensions &
  KeyInput & {
    /** Azure's subject string, e.g. "CN=api.myapp.com, O=Contoso, C=US" (see names.ts). */
    readonly subject: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** 1–20 octets, positive, minimally encoded; default 16 random octets. */
    readonly serialNumber?: Uint8Array;
  };

/**
 * A self-signed X.509 v3 certificate (issuer "Self" in an Azure policy), as DER: issuer = subject,
 * signed by the subject's key, with the policy's KeyUsage / EKU / SAN, BasicConstraints cA=FALSE, and
 * SubjectKeyIdentifier with an AuthorityKeyIdentifier equal to it (RFC 5280 §4.2.1.1: the AKI of a
 * self-signed certificate MAY be omitted; we include it so chain builders match it either way).
 * Throws X509Error for a bad subject, SAN, usage, date or key.
 */
export async function issueSelfSigned(input: SelfSignedInput): Promise<Uint8Array<ArrayBuffer>> {
  const name = parseSubject(input.subject);
  assertValidity(input.notBefore, input.notAfter);
  const extensions = requestedExtensions(input);
  const key = await resolveSigningKey(input);
  const algorithm = signatureAlgorithm(key);
  const spki = await publicKeyInfo(key);
  const ski = await keyIdentifier(spki.subjectPublicKey.valueBlock.valueHexView);

  const certificate = new Certificate({
    version: 2, // v3 (RFC 5280 §4.1.2.1: extensions are present)
    serialNumber: serialNumberInteger(input.serialNumber),
    signature: algorithm,
    issuer: pkiName(name),
    notBefore: encodeTime(input.notBefore),
    notAfter: encodeTime(input.notAfter),
    subject: pkiName(name),
    subjectPublicKeyInfo: spki,
    extensions: [...extensions, subjectKeyIdentifierExtension(ski), authorityKeyIdentifierExtension(ski)],
  });
  // toSchema(true) encodes the TBSCertificate from the fields above (pkijs keeps encodeTBS protected).
  const tbs = certificate.toSchema(true).valueBlock.value[0];
  if (tbs === undefined) throw new Error("pkijs produced no TBSCertificate");
  return signStructure(tbs, algorithm, key);
}
