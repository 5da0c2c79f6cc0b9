/**
 * One spelling per path. RFC 3986 §6.2.2: a percent-encoded unreserved character (ALPHA, DIGIT, "-", ".", "_",
 * "~") is the same as the character itself, and the hex digits of any other escape are case-insensitive. Hono
 * routes on the decoded path while a check written against the raw URL sees `%74enants` as something else; so
 * the Worker rewrites every path to this one form before anything routes, authorizes or audits it, and refuses
 * a path that is not well-formed percent-encoding (a lone or short `%`), which no client of ours sends.
 */
const ESCAPE = /%(?:([0-9A-Fa-f]{2}))?/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** The canonical form of a URL path, or null when its percent-encoding is malformed. */
export function canonicalPath(path: string): string | null {
  // Nearly every path has no escape: nothing to decode, and the URL parser already removed its dot segments.
  if (!path.includes("%")) return path;
  let malformed = false;
  const canonical = path.replace(ESCAPE, (_escape, hex: string | undefined) => {
    if (hex === undefined) {
      malformed = true;
      return "%";
    }
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  if (malformed) return null;
  // The URL parser has already removed dot segments, including `%2e%2e`; decoding must not bring one back.
  if (canonical.split("/").some((segment) => segment === "." || segment === "..")) return null;
  return canonical;
}
