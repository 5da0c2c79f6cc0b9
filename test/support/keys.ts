import { bytesToBase64Url as encodeBase64Url } from "../../core/crypto/bytes.ts";
import { decodeBase64UrlStrict } from "../../core/crypto/keys/jwk-members.ts";

/** A JWK as loaded from a vector file: string members only. */
export type LooseJwk = Record<string, string>;

/** The `keys` of a test/vectors file, after checking its shape (and that it names its source). */
export function vectorKeys(file: unknown): LooseJwk[] {
  if (typeof file !== "object" || file === null || !("source" in file) || !("keys" in file)) {
    throw new Error("vector file needs `source` and `keys`");
  }
  const { source, keys } = file;
  if (typeof source !== "string" || !Array.isArray(keys)) throw new Error("bad vector file");
  return keys.map((key: unknown) => {
    if (typeof key !== "object" || key === null) throw new Error("bad vector key");
    const entries = Object.entries(key);
    if (!entries.every((entry): entry is [string, string] => typeof entry[1] === "string")) throw new Error("bad vector key");
    return Object.fromEntries(entries);
  });
}

export function vectorKey(file: unknown, index: number): LooseJwk {
  const key = vectorKeys(file)[index];
  if (key === undefined) throw new Error(`no key ${index} in vector file`);
  return key;
}

export function bytesOf(member: string | undefined): Uint8Array {
  const bytes = decodeBase64UrlStrict(member ?? "");
  if (bytes === null) throw new Error(`not base64url: ${member}`);
  return bytes;
}

/** The member with one bit flipped, in its middle octet (length unchanged). */
export function flipBit(member: string | undefined, bit = 3): string {
  const bytes = Uint8Array.from(bytesOf(member));
  const middle = bytes.length >> 1;
  bytes[middle] = (bytes[middle] ?? 0) ^ (1 << bit);
  return encodeBase64Url(bytes);
}

export function withLeadingZero(member: string | undefined): string {
  const bytes = bytesOf(member);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes, 1);
  return encodeBase64Url(out);
}
