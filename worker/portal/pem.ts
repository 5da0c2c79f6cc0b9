import { bytesToBase64 } from "../../core/crypto/bytes.ts";

/** RFC 7468 textual encoding: base64 of DER in 64-character lines between the label's markers. */
export function pemOf(label: string, base64Der: string): string {
  const body = base64Der.replace(/\s+/g, "").replace(/(.{64})/g, "$1\n").trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export const pemOfBytes = (label: string, der: Uint8Array): string => pemOf(label, bytesToBase64(der));

/** The base64 bodies of every CERTIFICATE block of a PEM text (RFC 7468 §5), in order: a merge's x5c chain. */
export function certificateBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g)].map((m) => (m[1] ?? "").replace(/\s+/g, ""));
}
