import { Agent, request as upstreamRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { downstreamResponseHeaders, plainClientAddress, upstreamRequestHeaders } from "./front-headers.ts";
import { BODYLESS_METHODS } from "./front-request-checks.ts";
import { sendError } from "./front-replies.ts";

/**
 * wrangler's dev server, on an internal loopback port only the front talks to. Plain HTTP: TLS on this hop cost
 * the front 15–40% more CPU per request (measured with 8 clients, GET and 4 KB PUT) and workerd a decryption,
 * for a connection that never leaves the machine.
 */
export interface Upstream {
  readonly port: number;
  readonly agent: Agent;
}

export const UPSTREAM_HOST = "127.0.0.1";

/**
 * Idle upstream connections are dropped after this long, below workerd's own idle limit (5 s, measured), so the
 * front does not pick a pooled connection the instant workerd closes it (that race surfaces as ECONNRESET).
 */
const UPSTREAM_IDLE_MS = 4_000;

export function createUpstream(port: number): Upstream {
  // LIFO reuses the most recent connection, keeping the pool small and hot under a varying load.
  return { port, agent: new Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_MS, scheduling: "lifo" }) };
}

/**
 * Sends a checked request (front-request-checks.ts) to wrangler and streams the answer back; nothing is buffered.
 * A failure before the answer starts becomes a 502/503 in Key Vault's error shape, never an exception.
 */
export function forward(request: IncomingMessage, response: ServerResponse, upstream: Upstream, retry = true): void {
  const address = request.socket.remoteAddress;
  if (address === undefined) {
    // The socket closed under us; there is no one to answer.
    request.socket.destroy();
    return;
  }
  const method = request.method ?? "GET";
  const bodyDropped = BODYLESS_METHODS.has(method);
  const path = request.url ?? "/";
  // Over plain HTTP, workerd builds the URL wrangler's proxy Worker sees as http://…; the proxy then hands the
  // Worker an https:// URL (worker-host.ts sets `origin.secure`) and rewrites every https:// URL of this host in
  // the response headers (a certificate operation's Location) back to http://. MF-Original-URL, which
  // miniflare's entry Worker takes as the request URL, makes both sides https:// as the client sent it.
  const originalUrl = { "mf-original-url": `https://${request.headers.host ?? ""}${path}` };
  const headers = upstreamRequestHeaders(request.headersDistinct, plainClientAddress(address), bodyDropped, originalUrl);
  const outgoing = upstreamRequest({ host: UPSTREAM_HOST, port: upstream.port, method, path, headers, agent: upstream.agent, setHost: false });

  outgoing.on("response", (incoming: IncomingMessage) => {
    response.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, downstreamResponseHeaders(incoming.headersDistinct));
    // A failure mid-body cannot become a status any more; destroying the response tells the client it is cut short.
    // (pipe, not pipeline: pipeline costs an AbortController and a DOMException per request.)
    incoming.once("error", () => response.destroy());
    incoming.pipe(response);
  });
  outgoing.on("error", (error: Error & { code?: string }) => {
    request.unpipe(outgoing);
    // A pooled connection workerd closed just as we reused it; without a body to replay, one retry is safe.
    if (retry && bodyDropped && outgoing.reusedSocket && error.code === "ECONNRESET" && !response.headersSent) {
      forward(request, response, upstream, false);
      return;
    }
    if (error.code === "ECONNREFUSED") {
      sendError(response, 503, "ServiceUnavailable", "The local Worker is not running (wrangler is starting or restarting).", { "retry-after": "1" });
    } else {
      sendError(response, 502, "BadGateway", `The local Worker did not answer (${error.code ?? error.message}).`);
    }
  });
  response.once("close", () => {
    // The client went away before the answer was complete: stop the upstream request too.
    if (!response.writableFinished) outgoing.destroy();
  });

  if (bodyDropped) {
    // Read the body to its end so the next request on this connection starts where it should, but don't send it.
    if (retry) request.resume();
    outgoing.end();
  } else {
    request.pipe(outgoing);
    request.once("error", () => outgoing.destroy());
  }
}
