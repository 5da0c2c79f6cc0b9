import * as asn1js from "asn1js";
import { AlgorithmIdentifier, DigestInfo, MacData } from "pkijs";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { toArrayBuffer } from "./der.ts";
import { KDF_ID, pkcs12Kdf, type Pkcs12Hash } from "./pkcs12-kdf.ts";

/**
 * The PFX integrity MAC (RFC 7292 §5.1, App. B): HMAC over the AuthenticatedSafe octets with a key
 * from the PKCS#12 KDF (ID 3, the hash named in the MacData, key as long as the hash output).
 * HMAC-SHA1 is what Windows and OpenSSL 1.x write, HMAC-SHA256 what OpenSSL 3 writes. PBMAC1
 * (RFC 9579, OpenSSL ≥ 3.4 on request) is refused with its name.
 */
const MAC_HASHES: Readonly<Record<string, { hash: Pkcs12Hash; length: number }>> = {
  [OID.sha1]: { hash: "SHA-1", length: 20 },
  [OID.sha256]: { hash: "SHA-256", length: 32 },
  [OID.sha384]: { hash: "SHA-384", length: 48 },
  [OID.sha512]: { hash: "SHA-512", length: 64 },
};

export async function macMatches(macData: MacData, content: Uint8Array, bmpPassword: Uint8Array): Promise<boolean> {
  const oid = macData.mac.digestAlgorithm.algorithmId;
  if (oid === OID.pbmac1) throw new X509Error("The PFX uses a PBMAC1 integrity check (RFC 9579), which is not supported.");
  const entry = MAC_HASHES[oid];
  if (entry === undefined) throw new X509Error(`The PFX uses an unsupported MAC hash (${oid}).`);
  const salt = new Uint8Array(macData.macSalt.getValue());
  const key = pkcs12Kdf(entry.hash, KDF_ID.mac, bmpPassword, salt, macData.iterations ?? 1, entry.length);
  const hmac = await crypto.subtle.importKey("raw", toArrayBuffer(key), { name: "HMAC", hash: entry.hash }, false, ["verify"]);
  // WebCrypto's verify compares in constant time.
  return crypto.subtle.verify("HMAC", hmac, macData.mac.digest.getValue(), toArrayBuffer(content));
}

/** A MacData with HMAC-SHA256 over `content` (random 16-octet salt). */
export async function createMac(content: Uint8Array, bmpPassword: Uint8Array, iterations: number): Promise<MacData> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = pkcs12Kdf("SHA-256", KDF_ID.mac, bmpPassword, salt, iterations, 32);
  const hmac = await crypto.subtle.importKey("raw", toArrayBuffer(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const digest = await crypto.subtle.sign("HMAC", hmac, toArrayBuffer(content));
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      digest: new asn1js.OctetString({ valueHex: digest }),
    }),
    macSalt: new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }),
    iterations,
  });
}
