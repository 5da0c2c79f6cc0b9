import type { OutgoingHttpHeaders } from "node:http";

/** RFC 9110 §7.6.1: meaningful for one connection only; each hop sets its own. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

/**
 * Headers a client must not be able to assert. Who the caller is comes from the socket, as Cloudflare does
 * in production (CF-Connecting-IP is what the Worker trusts; see worker/routes/managed-identity.ts). `mf-*` and
 * `x-miniflare-*` steer miniflare itself (MF-Original-URL rewrites the URL the Worker sees, MF-CF-Blob its
 * `request.cf`), so only the front may send them.
 */
const CLIENT_MAY_NOT_SET = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-real-ip", "true-client-ip"]);
const RESERVED_PREFIXES = ["cf-", "mf-", "x-miniflare-"];

/**
 * The request headers to send upstream: the client's, minus hop-by-hop and spoofable ones, plus the caller's
 * address taken from the socket. `Expect` is dropped because the front has already answered 100-continue; a
 * dropped body (BODYLESS_METHODS) takes its Content-Length with it.
 */
export function upstreamRequestHeaders(
  incoming: NodeJS.Dict<string[]>,
  clientAddress: string,
  bodyDropped: boolean,
  extra: Readonly<Record<string, string>>,
): OutgoingHttpHeaders {
  const dropped = connectionTokens(incoming);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(incoming)) {
    if (values === undefined || HOP_BY_HOP.has(name) || dropped.has(name) || name === "expect") continue;
    if (CLIENT_MAY_NOT_SET.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    if (bodyDropped && name === "content-length") continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  // Cloudflare's own three (developers.cloudflare.com/fundamentals/reference/http-headers/).
  headers["cf-connecting-ip"] = clientAddress;
  headers["x-forwarded-for"] = clientAddress;
  headers["x-forwarded-proto"] = "https";
  return Object.assign(headers, extra);
}

/** The upstream response headers to pass on: all but hop-by-hop ones (Node frames the body for the client). */
export function downstreamResponseHeaders(incoming: NodeJS.Dict<string[]>): OutgoingHttpHeaders {
  const dropped = connectionTokens(incoming);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(incoming)) {
    if (values === undefined || HOP_BY_HOP.has(name) || dropped.has(name)) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  return headers;
}

/** Cloudflare reports IPv4 callers as dotted quads; a dual-stack listener (`::`) sees them IPv4-mapped. */
export function plainClientAddress(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice("::ffff:".length) : address;
}

const NO_TOKENS: ReadonlySet<string> = new Set();

/** Headers named in `Connection` are hop-by-hop too (RFC 9110 §7.6.1); never Host, which names the vault. */
function connectionTokens(incoming: NodeJS.Dict<string[]>): ReadonlySet<string> {
  const connection = incoming.connection;
  // Per request on the hot path: most requests carry no Connection header or just keep-alive.
  if (connection === undefined || (connection.length === 1 && connection[0]?.toLowerCase() === "keep-alive")) return NO_TOKENS;
  const tokens = connection.flatMap((value) => value.split(","));
  return new Set(tokens.map((token) => token.trim().toLowerCase()).filter((token) => token !== "" && token !== "host"));
}
