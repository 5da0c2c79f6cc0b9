/** Reading reply bodies for `Scenario.check`: small, allocation-light, and never throwing. */

export type JsonFields = Readonly<Record<string, unknown>>;

/** The body as a JSON object, or undefined if it is not one. */
export function jsonObject(body: string): JsonFields | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonFields) : undefined;
  } catch {
    return undefined;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** How many bytes an unpadded base64url string encodes, or undefined if `value` is not one. */
export function base64UrlBytes(value: unknown): number | undefined {
  if (typeof value !== "string" || !BASE64URL.test(value) || value.length % 4 === 1) return undefined;
  return Math.floor((value.length * 3) / 4);
}

/** A problem description if `fields[member]` is not base64url of exactly `bytes` bytes. */
export function expectBytes(fields: JsonFields, member: string, bytes: number): string | undefined {
  const found = base64UrlBytes(fields[member]);
  if (found === bytes) return undefined;
  return `"${member}" should be base64url of ${bytes} bytes, ${found === undefined ? "is not base64url" : `has ${found}`}`;
}
