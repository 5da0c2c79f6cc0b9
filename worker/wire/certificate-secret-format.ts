import { base64ToBytes, bytesToBase64 } from "../../core/crypto/bytes.ts";
import { readPem, readPfx, writePem, writePfx } from "../../core/crypto/x509/index.ts";
import { PEM, PKCS12 } from "../../core/domain/certificates/certificate-policy.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * GetSecret's `outContentType` (api-version 7.4+): a certificate's managed secret in the other format,
 * PKCS#12 (base64, empty password) ⇄ PEM (key then chain). Other secrets are returned as stored.
 */
export async function convertCertificateSecret(value: string, from: string | undefined, to: string): Promise<{ value: string; contentType: string }> {
  if (to !== PEM && to !== PKCS12) throw badParameter(`outContentType must be ${PKCS12} or ${PEM}.`);
  if (from === to || (from !== PEM && from !== PKCS12)) return { value, contentType: from ?? to };
  if (from === PKCS12) {
    const pfx = await readPfx(base64ToBytes(value), "");
    return { value: writePem(pfx.certificates, pfx.privateKeyPkcs8), contentType: PEM };
  }
  const pem = readPem(value);
  if (pem.privateKeyPkcs8 === undefined) throw new Error("a certificate's PEM secret holds its key");
  return { value: bytesToBase64(await writePfx(pem.certificates, pem.privateKeyPkcs8, "")), contentType: PKCS12 };
}
