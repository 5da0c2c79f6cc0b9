import * as asn1js from "asn1js";
import { AuthenticatedSafe, CertBag, EncryptedData, PFX, PKCS8ShroudedKeyBag, PrivateKeyInfo, SafeContents } from "pkijs";
import { X509Error, PKCS12_UNREADABLE, orX509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { encodeDer, fromArrayBuffer, parseDerExactly } from "./der.ts";
import { bmpPassword } from "./pkcs12-kdf.ts";
import { macMatches } from "./pkcs12-mac.ts";
import { PbeDecryptFailed, pbeDecrypt, type PasswordForms } from "./pbe.ts";
import { privateJwkFromPkcs8 } from "./key-conversion.ts";
import { certificateMatchesKey } from "./verify.ts";
import { orderChain } from "./chain-order.ts";
import type { PublicJwk } from "../keys/key-types.ts";

export interface PfxContents {
  /** DER certificates: the one holding the private key's public key first, then its issuers (chain-order.ts). */
  readonly certificates: Uint8Array<ArrayBuffer>[];
  /** DER PKCS#8 PrivateKeyInfo. */
  readonly privateKeyPkcs8: Uint8Array<ArrayBuffer>;
}

/** "The certificate password is limited to 200 characters" (Key Vault certificates FAQ). */
export const MAX_PASSWORD_LENGTH = 200;

/**
 * Reads a PFX (RFC 7292) in password-integrity mode: the MAC is checked before anything is decrypted,
 * then every bag is read (certificates, one private key, shrouded or not; nested SafeContents). A
 * wrong password, a bad MAC, bad padding and garbled structure all give one message, Azure's own
 * (PKCS12_UNREADABLE), so the answer says nothing about which check failed. What is refused for being
 * unsupported (RC4, PBMAC1, public-key integrity or privacy) is named, as that is public in the file.
 *
 * An absent or empty password tries both readings OpenSSL's PKCS12_parse tries: "" as the BMPString
 * 00 00 and "no password" as zero octets (tools differ on which they write for an empty password).
 */
export async function readPfx(bytes: Uint8Array, password: string | undefined): Promise<PfxContents> {
  // Whatever else fails underneath (a WebCrypto refusal, a pkijs surprise) is the same unreadable file.
  return orX509Error(PKCS12_UNREADABLE, () => read(bytes, password));
}

async function read(bytes: Uint8Array, password: string | undefined): Promise<PfxContents> {
  if (password !== undefined && password.length > MAX_PASSWORD_LENGTH) {
    throw new X509Error(`The certificate password is longer than ${MAX_PASSWORD_LENGTH} characters.`);
  }
  const pfx = parsePfx(bytes);
  const content = authenticatedSafeOctets(pfx);
  const candidates: (string | null)[] = password ? [password] : ["", null];
  let passwords = candidates;
  if (pfx.macData !== undefined) {
    const macData = pfx.macData;
    const verified: (string | null)[] = [];
    for (const candidate of candidates) if (await macMatches(macData, content, bmpPassword(candidate))) verified.push(candidate);
    if (verified.length === 0) throw new X509Error(PKCS12_UNREADABLE);
    passwords = verified;
  }
  // Without a MAC (`openssl pkcs12 -nomac`, some Java stores) decryption is the only check left.
  for (const candidate of passwords) {
    const forms: PasswordForms = { utf8: new TextEncoder().encode(candidate ?? ""), bmp: bmpPassword(candidate) };
    let bags: Bags;
    try {
      bags = await readBags(content, forms);
    } catch (error) {
      if (error instanceof PbeDecryptFailed) continue;
      throw error;
    }
    return finish(bags);
  }
  throw new X509Error(PKCS12_UNREADABLE);
}

interface Bags {
  readonly certificates: Uint8Array<ArrayBuffer>[];
  readonly keys: Uint8Array<ArrayBuffer>[];
}

function parsePfx(bytes: Uint8Array): PFX {
  const asn = parseDerExactly(bytes);
  if (asn === null) throw new X509Error(PKCS12_UNREADABLE);
  let pfx: PFX;
  try {
    pfx = new PFX({ schema: asn });
  } catch {
    throw new X509Error(PKCS12_UNREADABLE);
  }
  if (pfx.version !== 3) throw new X509Error(PKCS12_UNREADABLE);
  if (pfx.authSafe.contentType === OID.signedData) {
    throw new X509Error("PFX files in public-key integrity mode are not supported; use a password-protected PFX.");
  }
  if (pfx.authSafe.contentType !== OID.data) throw new X509Error(PKCS12_UNREADABLE);
  return pfx;
}

function authenticatedSafeOctets(pfx: PFX): Uint8Array {
  const content: unknown = pfx.authSafe.content;
  if (!(content instanceof asn1js.OctetString)) throw new X509Error(PKCS12_UNREADABLE);
  // getValue joins the pieces of a constructed (BER) OCTET STRING, which Windows writes.
  return new Uint8Array(content.getValue());
}

async function readBags(content: Uint8Array, password: PasswordForms): Promise<Bags> {
  const bags: Bags = { certificates: [], keys: [] };
  const safe = structure(() => AuthenticatedSafe.fromBER(content));
  for (const info of safe.safeContents) {
    if (info.contentType === OID.data) {
      const octets: unknown = info.content;
      if (!(octets instanceof asn1js.OctetString)) throw new X509Error(PKCS12_UNREADABLE);
      await collect(structure(() => SafeContents.fromBER(octets.getValue())), password, bags, 0);
    } else if (info.contentType === OID.encryptedData) {
      const encrypted = structure(() => new EncryptedData({ schema: info.content }));
      const { contentEncryptionAlgorithm } = encrypted.encryptedContentInfo;
      const plaintext = await pbeDecrypt(contentEncryptionAlgorithm, new Uint8Array(encrypted.encryptedContentInfo.getEncryptedContent()), password);
      // A wrong key that happened to leave valid padding surfaces here, as garbage: same answer.
      await collect(decrypted(() => SafeContents.fromBER(plaintext)), password, bags, 0);
    } else if (info.contentType === OID.envelopedData) {
      throw new X509Error("PFX files in public-key privacy mode are not supported; use a password-protected PFX.");
    } else {
      throw new X509Error(PKCS12_UNREADABLE);
    }
  }
  return bags;
}

/** Nesting limit for SafeContentsBag inside SafeContents (RFC 7292 §4.2.6); real files nest zero times. */
const MAX_NESTING = 4;

async function collect(contents: SafeContents, password: PasswordForms, bags: Bags, depth: number): Promise<void> {
  if (depth > MAX_NESTING) throw new X509Error(PKCS12_UNREADABLE);
  for (const bag of contents.safeBags) {
    const value: unknown = bag.bagValue;
    if (bag.bagId === OID.certBag && value instanceof CertBag) {
      // Only X.509 certificates; SDSI certificates have no place in a Key Vault certificate.
      if (value.certId !== OID.x509Certificate) continue;
      const octets: unknown = value.certValue;
      if (!(octets instanceof asn1js.OctetString)) throw new X509Error(PKCS12_UNREADABLE);
      bags.certificates.push(fromArrayBuffer(octets.getValue()));
    } else if (bag.bagId === OID.keyBag && value instanceof PrivateKeyInfo) {
      bags.keys.push(encodeDer(value.toSchema()));
    } else if (bag.bagId === OID.pkcs8ShroudedKeyBag && value instanceof PKCS8ShroudedKeyBag) {
      const ciphertext = new Uint8Array(value.encryptedData.getValue());
      const plaintext = await pbeDecrypt(value.encryptionAlgorithm, ciphertext, password);
      if (decrypted(() => parseDerExactly(plaintext)) === null) throw new PbeDecryptFailed();
      bags.keys.push(fromArrayBuffer(plaintext));
    } else if (bag.bagId === OID.safeContentsBag && value instanceof SafeContents) {
      await collect(value, password, bags, depth + 1);
    }
    // CRL and secret bags carry nothing a Key Vault certificate keeps.
  }
}

async function finish(bags: Bags): Promise<PfxContents> {
  const [privateKeyPkcs8, ...extraKeys] = bags.keys;
  if (privateKeyPkcs8 === undefined) throw new X509Error("The PFX does not contain a private key.");
  if (extraKeys.length > 0) throw new X509Error("The PFX contains more than one private key.");
  if (bags.certificates.length === 0) throw new X509Error("The PFX does not contain a certificate.");
  const jwk = await privateJwkFromPkcs8(privateKeyPkcs8);
  const publicJwk: PublicJwk = jwk.kty === "RSA" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  let leafIndex = -1;
  for (const [index, der] of bags.certificates.entries()) {
    if (await certificateMatchesKey(der, publicJwk)) {
      leafIndex = index;
      break;
    }
  }
  if (leafIndex < 0) throw new X509Error("The private key in the PFX does not belong to any of its certificates.");
  return { certificates: orderChain(bags.certificates, leafIndex) as Uint8Array<ArrayBuffer>[], privateKeyPkcs8 };
}

/** pkijs throws plain Errors for structures it cannot read: before decryption that is a corrupt file. */
function structure<T>(operation: () => T): T {
  try {
    return operation();
  } catch {
    throw new X509Error(PKCS12_UNREADABLE);
  }
}

/** After decryption, unreadable plaintext means the key was wrong (or the file corrupt): no distinction. */
function decrypted<T>(operation: () => T): T {
  try {
    return operation();
  } catch {
    throw new PbeDecryptFailed();
  }
}
