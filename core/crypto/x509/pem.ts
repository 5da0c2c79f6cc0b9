import { bytesToBase64, decodeBase64 } from "../bytes.ts";
import { X509Error, PEM_UNEXPECTED_FORMAT } from "./x509-error.ts";
import { readCertificate } from "./parse.ts";
import { pkcs8FromPkcs1, pkcs8FromSec1 } from "./key-conversion.ts";
import { parseDerExactly } from "./der.ts";

/**
 * PEM (RFC 7468) as Certificates – Import takes it (`application/x-pem-file`) and as the certificate's
 * secret holds it. Reading is RFC 7468 §3's lax parser: text between blocks (OpenSSL's "Bag Attributes"
 * lines, comments) is ignored, base64 may be split across lines with any whitespace, CRLF is accepted.
 * Labels: CERTIFICATE (RFC 7468 §5), PRIVATE KEY (PKCS#8, §10), and also RSA PRIVATE KEY (PKCS#1) and
 * EC PRIVATE KEY (SEC 1), converted to PKCS#8; OpenSSL's EC PARAMETERS block is skipped.
 *
 * We are more lenient than Azure here: the service answers PKCS#1 keys and CRLF line ends with
 * "…in an unexpected format" (Key Vault certificates FAQ; terraform users report the PKCS#1 case).
 * Encrypted keys (ENCRYPTED PRIVATE KEY, or Proc-Type headers) are refused: Azure's PEM import has
 * no password.
 */
export interface PemContents {
  /** DER certificates in the order given (Azure's PEM lists the leaf first; orderChain can sort others). */
  readonly certificates: Uint8Array<ArrayBuffer>[];
  /** DER PKCS#8 PrivateKeyInfo, if the text held a key. */
  readonly privateKeyPkcs8?: Uint8Array<ArrayBuffer>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

export function readPem(text: string): PemContents {
  if (typeof text !== "string") throw new X509Error(PEM_UNEXPECTED_FORMAT);
  const certificates: Uint8Array<ArrayBuffer>[] = [];
  let privateKeyPkcs8: Uint8Array<ArrayBuffer> | undefined;
  let blocks = 0;
  for (const match of text.matchAll(BLOCK)) {
    const [, label = "", body = "", endLabel] = match;
    if (label !== endLabel) throw new X509Error(PEM_UNEXPECTED_FORMAT);
    blocks++;
    if (label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:/i.test(body)) {
      throw new X509Error("Encrypted private keys are not supported in PEM content; import a PFX with a password instead.");
    }
    if (label === "EC PARAMETERS") continue;
    const der = decodeBody(body);
    if (label === "CERTIFICATE") {
      readCertificate(der);
      certificates.push(der);
      continue;
    }
    const pkcs8 =
      label === "PRIVATE KEY" ? checkedDer(der) : label === "RSA PRIVATE KEY" ? pkcs8FromPkcs1(der) : label === "EC PRIVATE KEY" ? pkcs8FromSec1(der) : null;
    if (pkcs8 === null) throw new X509Error(`Unsupported PEM block "${label}". Expected CERTIFICATE and PRIVATE KEY.`);
    if (privateKeyPkcs8 !== undefined) throw new X509Error("The PEM content holds more than one private key.");
    privateKeyPkcs8 = pkcs8;
  }
  if (blocks === 0) throw new X509Error(PEM_UNEXPECTED_FORMAT);
  return privateKeyPkcs8 === undefined ? { certificates } : { certificates, privateKeyPkcs8 };
}

/**
 * The PEM text of a certificate's secret (`application/x-pem-file`): the private key first, then the
 * certificates leaf first — the order Azure's secret value has ("the private key and certificate in
 * PEM format", Azure/secrets-store-csi-driver-provider-azure docs, getting-certs-and-keys.md; its
 * construct-pem-chain flag exists because the service keeps the chain in upload order after the
 * key). 64-character lines and "\n" line ends (RFC 7468 §2; the FAQ asks for UNIX line ends).
 */
export function writePem(certificates: readonly Uint8Array[], pkcs8?: Uint8Array): string {
  const blocks = pkcs8 === undefined ? [] : [encodeBlock("PRIVATE KEY", pkcs8)];
  for (const certificate of certificates) blocks.push(encodeBlock("CERTIFICATE", certificate));
  return blocks.join("");
}

export function encodeBlock(label: string, der: Uint8Array): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** RFC 7468 §3: a block's text is padded base64 (the strict grammar's "base64finl"), split by whitespace. */
function decodeBody(body: string): Uint8Array<ArrayBuffer> {
  const compact = body.replace(/\s+/g, "");
  const der = compact.length % 4 === 0 ? decodeBase64(compact) : null;
  if (der === null || der.length === 0) throw new X509Error(PEM_UNEXPECTED_FORMAT);
  return der;
}

function checkedDer(der: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (parseDerExactly(der) === null) throw new X509Error(PEM_UNEXPECTED_FORMAT);
  return der;
}
