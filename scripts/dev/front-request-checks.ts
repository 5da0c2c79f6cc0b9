import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";

/** What the Key Vault REST API uses, plus HEAD and OPTIONS; anything else never reaches the Worker. */
export const ALLOWED_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Methods whose body the API never reads; the front reads such a body to its end (so the connection stays in step)
 * and drops it, as Azure ignores it. Every other body is parsed by Node and sent on re-framed: workerd's own parser
 * mistakes a chunked body's trailer for the next request (501) and resets on a chunk extension.
 */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

export interface RequestRefusal {
  readonly status: 400 | 405;
  readonly code: string;
  readonly message: string;
}

/** RFC 1123 labels: letters, digits and inner hyphens, at most 63 characters. */
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "i");
const PORT = /^[0-9]{1,5}$/;
const MAX_HOST_NAME = 253;

/**
 * Why the front will not forward this request, or undefined. Run before anything reaches wrangler: its proxy
 * answers 501 to unknown methods and throws (500) on a Host it cannot turn into a URL.
 */
export function refusalFor(request: IncomingMessage): RequestRefusal | undefined {
  const method = request.method ?? "";
  if (!ALLOWED_METHODS.has(method)) {
    return { status: 405, code: "MethodNotAllowed", message: `The method ${method} is not allowed; use one of ${[...ALLOWED_METHODS].join(", ")}.` };
  }
  // RFC 9112 §3.2: a request with more than one Host, or none, gets a 400.
  const hosts = request.rawHeaders.filter((_, i) => i % 2 === 0 && request.rawHeaders[i]?.toLowerCase() === "host");
  if (hosts.length !== 1 || !isValidHost(request.headers.host)) {
    return { status: 400, code: "BadRequest", message: "The Host header must be exactly one host name or IP address with an optional port." };
  }
  // Origin-form only (RFC 9112 §3.2.1): an absolute-form target would let the URL disagree with the Host.
  if (!(request.url ?? "").startsWith("/")) {
    return { status: 400, code: "BadRequest", message: "The request target must be a path starting with /." };
  }
  return undefined;
}

/** `name[:port]`, `a.b.c.d[:port]` or `[v6][:port]` (RFC 9110 §7.2), nothing else: no userinfo, spaces or empty port. */
export function isValidHost(value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end === -1) return false;
    return isIPv6(value.slice(1, end)) && isValidPortSuffix(value.slice(end + 1));
  }
  const colon = value.indexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  const suffix = colon === -1 ? "" : value.slice(colon);
  return name.length <= MAX_HOST_NAME && HOST_NAME.test(name) && isValidPortSuffix(suffix);
}

function isValidPortSuffix(suffix: string): boolean {
  if (suffix === "") return true;
  if (!suffix.startsWith(":")) return false;
  const port = suffix.slice(1);
  return PORT.test(port) && Number(port) >= 1 && Number(port) <= 65_535;
}
