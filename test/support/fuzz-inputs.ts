import type { SeededRandom } from "./seeded-random.ts";

/** Path segments that have broken parsers elsewhere: encodings, traversal, unicode, lengths, separators. */
const HOSTILE_SEGMENTS = [
  "", ".", "..", "%2e%2e", "%2E", "%2F", "%2f..%2f", "%00", "%", "%zz", "%u0041", "%C0%AF", "%E2%82%AC", "€", "😀",
  "a".repeat(300), "-", "_", "~", "%7E", "null", "undefined", "0", "-1", "1e309", "' OR 1=1 --", "<script>", "${x}",
  "restore", "recover", "versions", "00000000-0000-0000-0000-000000000000", "%30", ";", ",", "*", "%20", "+",
];

/** Bodies a JSON endpoint must answer with a 4xx, never a 5xx. */
const HOSTILE_BODIES = [
  "", "{", "[]", "null", "0", "\"x\"", "{}", "{\"a\":", "\u0000", "{\"__proto__\":{\"x\":1}}", "{\"constructor\":{\"prototype\":{}}}",
  JSON.stringify({ value: "a" }), JSON.stringify({ value: 1 }), JSON.stringify({ type: "servicePrincipal", tenantAdmin: "yes" }),
  JSON.stringify({ x5c: ["A"] }), JSON.stringify({ kty: "RSA", key_size: 1e9 }), JSON.stringify({ tags: { a: "b".repeat(10_000) } }),
  JSON.stringify({ url: "https://169.254.169.254/" }), JSON.stringify({ softDeleteRetentionInDays: 1e308 }),
  JSON.stringify({ roleDefinitionName: "Key Vault Administrator", principalId: "../../x" }), JSON.stringify({ throttleLimits: { secrets: -1 } }),
  `{"a":${"[".repeat(2000)}${"]".repeat(2000)}}`, JSON.stringify({ value: "x".repeat(30_000) }), JSON.stringify({ attributes: { exp: "soon" } }),
];

export const FUZZ_METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export function hostileSegment(random: SeededRandom): string {
  return random.pick(HOSTILE_SEGMENTS);
}

export function hostileBody(random: SeededRandom): string {
  return random.pick(HOSTILE_BODIES);
}

/** A route template with its parameters filled from `values`, some replaced by hostile segments, some percent-encoded. */
export function mutatePath(random: SeededRandom, template: string, values: Readonly<Record<string, string>>): string {
  return template
    .split("/")
    .map((segment, index) => {
      if (index === 0) return segment;
      const filled = segment.startsWith(":") ? (values[segment.slice(1)] ?? "x") : segment;
      if (random.chance(0.15)) return hostileSegment(random);
      if (random.chance(0.15)) return encodeSome(random, filled);
      return filled;
    })
    .join("/");
}

/** Percent-encodes some characters of a segment (equivalent spellings, RFC 3986 §6.2.2), in either hex case. */
function encodeSome(random: SeededRandom, segment: string): string {
  return [...segment]
    .map((ch) => {
      if (ch.charCodeAt(0) > 0x7f || !random.chance(0.4)) return ch;
      const hex = ch.charCodeAt(0).toString(16).padStart(2, "0");
      return `%${random.chance(0.5) ? hex.toUpperCase() : hex}`;
    })
    .join("");
}
