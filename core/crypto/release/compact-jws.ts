import { bytesToBase64Url, utf8 } from "../bytes.ts";
import type { DerivedP256Key } from "./derived-p256-key.ts";

/** RFC 7515 §7.1 compact serialization of `payload` under `header`, ES256 by `key` (the header names ES256 itself). */
export function compactJws(header: Record<string, unknown>, payload: unknown, key: DerivedP256Key): string {
  const signingInput = `${bytesToBase64Url(utf8(JSON.stringify({ ...header, alg: "ES256" })))}.${bytesToBase64Url(utf8(JSON.stringify(payload)))}`;
  return `${signingInput}.${bytesToBase64Url(key.sign(utf8(signingInput)))}`;
}
