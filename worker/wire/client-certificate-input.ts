import { bytesToBase64Url, decodeBase64 } from "../../core/crypto/bytes.ts";
import { parseCertificate } from "../../core/crypto/x509/parse.ts";
import { readPem } from "../../core/crypto/x509/pem.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { PrincipalCertificate } from "../../durable-objects/storage/principal-certificate-repository.ts";
import type { JsonObject } from "./json-body.ts";
import { x509Input } from "./x509-input.ts";

/**
 * The body of `POST /admin/tenants/{t}/principals/{oid}/certificates`: `{"key", "displayName"?}` — `key` as Microsoft
 * Graph's keyCredential `key` (base64 of the certificate's DER), or the certificate as PEM text. One certificate, its
 * public half only: a PEM holding a private key is refused rather than stored or ignored, since a client that sends
 * one has put its key where it does not belong. The certificate is parsed here (RSA or EC P-256/384/521 keys) and its
 * thumbprints computed: `x5t` (SHA-1) and `x5t#S256` (SHA-256), base64url as RFC 7515 §4.1.7–8 spell them.
 */
export const MAX_CERTIFICATE_DISPLAY_NAME = 256;
/** A certificate of a few KB; a whole chain or a PFX is not a credential. */
export const MAX_CERTIFICATE_TEXT = 16_384;

function certificateDer(key: unknown): Uint8Array<ArrayBuffer> {
  if (typeof key !== "string" || key.trim() === "") throw badParameter("The property 'key' is required: the certificate as base64 DER or PEM.");
  if (key.length > MAX_CERTIFICATE_TEXT) throw badParameter(`The property 'key' exceeds ${MAX_CERTIFICATE_TEXT} characters.`);
  if (key.includes("-----BEGIN")) {
    const pem = readPem(key);
    if (pem.privateKeyPkcs8 !== undefined) throw badParameter("The certificate must be sent without its private key.");
    const [only, ...more] = pem.certificates;
    if (only === undefined || more.length > 0) throw badParameter("The PEM text must hold exactly one certificate.");
    return only;
  }
  const der = decodeBase64(key.trim());
  if (der === null || der.length === 0) throw badParameter("The property 'key' is neither base64 DER nor PEM.");
  return der;
}

async function thumbprint(algorithm: "SHA-1" | "SHA-256", der: Uint8Array<ArrayBuffer>): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.digest(algorithm, der)));
}

export async function clientCertificateInput(body: JsonObject): Promise<PrincipalCertificate> {
  const displayName = body.displayName ?? "";
  if (typeof displayName !== "string" || displayName.length > MAX_CERTIFICATE_DISPLAY_NAME) {
    throw badParameter(`The property 'displayName' must be a string of at most ${MAX_CERTIFICATE_DISPLAY_NAME} characters.`);
  }
  const der = await x509Input(() => certificateDer(body.key));
  const parsed = await x509Input(() => parseCertificate(der));
  return {
    keyId: crypto.randomUUID(),
    displayName,
    thumbprintSha1: await thumbprint("SHA-1", der),
    thumbprintSha256: await thumbprint("SHA-256", der),
    publicJwk: JSON.stringify(parsed.publicJwk),
    subject: parsed.subject,
    notBefore: Math.floor(parsed.notBefore.getTime() / 1000),
    notAfter: Math.floor(parsed.notAfter.getTime() / 1000),
    der,
  };
}
