import * as asn1js from "asn1js";
import {
  Attribute,
  AuthenticatedSafe,
  CertBag,
  ContentInfo,
  EncryptedContentInfo,
  EncryptedData,
  PFX,
  PKCS8ShroudedKeyBag,
  SafeBag,
  SafeContents,
} from "pkijs";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { encodeDer, parseDerExactly, toArrayBuffer } from "./der.ts";
import { bmpPassword } from "./pkcs12-kdf.ts";
import { createMac } from "./pkcs12-mac.ts";
import { WRITE_ITERATIONS, pbes2Encrypt } from "./pbe.ts";
import { readCertificate } from "./parse.ts";
import { MAX_PASSWORD_LENGTH } from "./pkcs12-read.ts";

/**
 * A PFX for a certificate's secret (`application/x-pkcs12`: Azure's secret value is this, base64,
 * with an empty password) or an export. The layout is OpenSSL 3's `pkcs12 -export` default, which
 * OpenSSL, Node (tls `pfx`), .NET and Windows 10 1709+ read: the certificates (leaf first) in an
 * EncryptedData, the key in a PKCS8ShroudedKeyBag in plain Data, both PBES2 (PBKDF2-HMAC-SHA256,
 * 2048 iterations, AES-256-CBC), a localKeyId (SHA-1 of the leaf) tying the key to the leaf, and an
 * HMAC-SHA256 MAC. No password means the empty one, as Azure's secret value has.
 */
export async function writePfx(certificates: readonly Uint8Array[], pkcs8: Uint8Array, password?: string): Promise<Uint8Array<ArrayBuffer>> {
  const secret = password ?? "";
  if (secret.length > MAX_PASSWORD_LENGTH) throw new X509Error(`The certificate password is longer than ${MAX_PASSWORD_LENGTH} characters.`);
  const [leaf] = certificates;
  if (leaf === undefined) throw new X509Error("A PFX needs at least one certificate.");
  for (const der of certificates) readCertificate(der);
  if (parseDerExactly(pkcs8) === null) throw new X509Error("The private key is not a valid PKCS#8 PrivateKeyInfo.");

  const utf8 = new TextEncoder().encode(secret);
  const localKeyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toArrayBuffer(leaf)));
  const keyIdAttribute = new Attribute({
    type: OID.localKeyId,
    values: [new asn1js.OctetString({ valueHex: toArrayBuffer(localKeyId) })],
  });

  const certificateBags = certificates.map(
    (der, index) =>
      new SafeBag({
        bagId: OID.certBag,
        bagValue: new CertBag({ certId: OID.x509Certificate, certValue: new asn1js.OctetString({ valueHex: toArrayBuffer(der) }) }),
        ...(index === 0 ? { bagAttributes: [keyIdAttribute] } : {}),
      }),
  );
  const certificatesPlain = encodeDer(new SafeContents({ safeBags: certificateBags }).toSchema());
  const certificatesSealed = await pbes2Encrypt(certificatesPlain, utf8);
  const encryptedCertificates = new EncryptedData({
    version: 0,
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: certificatesSealed.algorithm,
      encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(certificatesSealed.ciphertext) }),
      // One primitive OCTET STRING (DER), not pkijs's default of 1024-octet BER pieces.
      disableSplit: true,
    }),
  });

  const keySealed = await pbes2Encrypt(pkcs8, utf8);
  const keyBag = new SafeBag({
    bagId: OID.pkcs8ShroudedKeyBag,
    bagValue: new PKCS8ShroudedKeyBag({
      encryptionAlgorithm: keySealed.algorithm,
      encryptedData: new asn1js.OctetString({ valueHex: toArrayBuffer(keySealed.ciphertext) }),
    }),
    bagAttributes: [keyIdAttribute],
  });
  const keyContents = encodeDer(new SafeContents({ safeBags: [keyBag] }).toSchema());

  const authenticatedSafe = new AuthenticatedSafe({
    safeContents: [
      new ContentInfo({ contentType: OID.encryptedData, content: encryptedCertificates.toSchema() }),
      new ContentInfo({ contentType: OID.data, content: new asn1js.OctetString({ valueHex: toArrayBuffer(keyContents) }) }),
    ],
  });
  const authenticatedSafeDer = encodeDer(authenticatedSafe.toSchema());
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: OID.data, content: new asn1js.OctetString({ valueHex: toArrayBuffer(authenticatedSafeDer) }) }),
    macData: await createMac(authenticatedSafeDer, bmpPassword(secret), WRITE_ITERATIONS),
  });
  return encodeDer(pfx.toSchema());
}
