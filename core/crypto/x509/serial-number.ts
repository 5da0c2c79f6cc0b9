import * as asn1js from "asn1js";
import { X509Error } from "./x509-error.ts";
import { toArrayBuffer, toHex } from "./der.ts";

/**
 * CertificateSerialNumber (RFC 5280 §4.1.2.2): a positive INTEGER of at most 20 octets. The default is
 * 16 random octets with the top bit cleared (positive, no sign octet needed) and the next bit set (so
 * the DER has no leading zero to strip): 126 random bits, above the 64 the CA/Browser Forum Baseline
 * Requirements §7.1 ask for.
 */
export function serialNumberInteger(serial: Uint8Array | undefined): asn1js.Integer {
  const bytes = serial ?? randomSerial();
  if (bytes.length === 0 || bytes.length > 20) throw new X509Error("The serial number must be 1 to 20 octets long.");
  if (((bytes[0] ?? 0) & 0x80) !== 0) throw new X509Error("The serial number must be positive.");
  if (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) {
    throw new X509Error("The serial number must be minimally encoded (no leading zero octet).");
  }
  if (bytes.every((byte) => byte === 0)) throw new X509Error("The serial number must not be zero.");
  return new asn1js.Integer({ valueHex: toArrayBuffer(bytes) });
}

function randomSerial(): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes;
}

/** Upper-case hex of the serial's magnitude, without a sign octet — as node:crypto X509Certificate.serialNumber prints it. */
export function serialNumberHex(serial: asn1js.Integer): string {
  const bytes = serial.valueBlock.valueHexView;
  const start = bytes.length > 1 && bytes[0] === 0 ? 1 : 0;
  return toHex(bytes.subarray(start)).toUpperCase();
}
