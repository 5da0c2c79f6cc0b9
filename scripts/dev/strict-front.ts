import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Duplex } from "node:stream";
import { createUpstream, forward, type Upstream } from "./front-proxy.ts";
import { answerClientError, sendError } from "./front-replies.ts";
import { refusalFor } from "./front-request-checks.ts";

export interface StrictFrontOptions {
  /** Where to listen, each its own server (see listen-addresses.ts). */
  readonly addresses: readonly string[];
  readonly port: number;
  /** PEM: the dev CA-issued server certificate and its key (certificates.ts). */
  readonly cert: string;
  readonly key: string;
  /** wrangler's dev server, plain HTTP on 127.0.0.1 (front-proxy.ts says why). */
  readonly upstreamPort: number;
  /** Called once per answered request with `GET /path 200 (12 ms)`; omitted, nothing is logged. */
  readonly log?: (line: string) => void;
}

export interface StrictFront {
  /** The addresses actually listened on (::1 is skipped where the machine has no IPv6). */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

/**
 * The HTTPS server clients of `npm run dev` talk to. wrangler's own server answered fuzzed requests with 5xx or
 * lost track of the connection (audit finding 7), so this one terminates TLS, refuses unknown methods and a
 * malformed Host (front-request-checks.ts), parses every body itself and sends it on re-framed (front-proxy.ts),
 * tells the Worker who the caller is (CF-Connecting-IP from the socket, as Cloudflare does) and streams the rest
 * to wrangler on a loopback-only port.
 */
export async function startStrictFront(options: StrictFrontOptions): Promise<StrictFront> {
  const upstream = createUpstream(options.upstreamPort);
  const servers: Server[] = [];
  const addresses: string[] = [];
  try {
    for (const address of options.addresses) {
      const server = createFrontServer(options, upstream);
      // With 0.0.0.0 also listed, `::` must leave IPv4 to it; alone, `::` is dual-stack, as people expect.
      const ipv6Only = address === "::" && options.addresses.includes("0.0.0.0");
      const listened = await listen(server, address, options.port, ipv6Only);
      if (listened) {
        servers.push(server);
        addresses.push(address);
      }
    }
  } catch (error) {
    await closeAll(servers, upstream);
    throw error;
  }
  if (servers.length === 0) throw new Error(`could not listen on any of ${options.addresses.join(", ")}`);
  return { addresses, close: () => closeAll(servers, upstream) };
}

function createFrontServer(options: StrictFrontOptions, upstream: Upstream): Server {
  const server = createServer({ cert: options.cert, key: options.key }, (request: IncomingMessage, response: ServerResponse) => {
    if (options.log !== undefined) logWhenDone(request, response, options.log);
    const refusal = refusalFor(request);
    if (refusal !== undefined) sendError(response, refusal.status, refusal.code, refusal.message);
    else forward(request, response, upstream);
  });
  server.on("clientError", answerClientError);
  // CONNECT never reaches the request handler; without a listener Node would just drop the connection.
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    answerClientError(Object.assign(new Error("CONNECT"), { code: "HPE_INVALID_METHOD" }), socket);
  });
  // A failed TLS handshake (a plain-HTTP client, an untrusted CA) concerns that one connection only.
  server.on("tlsClientError", (_error: Error, socket: Duplex) => socket.destroy());
  return server;
}

function logWhenDone(request: IncomingMessage, response: ServerResponse, log: (line: string) => void): void {
  const started = performance.now();
  response.once("close", () => {
    // The path only: query strings can be long (skip tokens) and say little in a log line.
    const path = (request.url ?? "").split("?", 1)[0] ?? "";
    const outcome = response.writableFinished ? String(response.statusCode) : `${response.statusCode} cut short`;
    log(`${request.method ?? "?"} ${path} ${outcome} (${Math.round(performance.now() - started)} ms)`);
  });
}

/** Listens, or returns false when the address does not exist here (::1 on a machine without IPv6). */
function listen(server: Server, host: string, port: number, ipv6Only: boolean): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error & { code?: string }) => {
      if (host === "::1" && (error.code === "EADDRNOTAVAIL" || error.code === "EAFNOSUPPORT")) resolve(false);
      else reject(new Error(`cannot listen on ${host.includes(":") ? `[${host}]` : host}:${port}: ${error.message}`, { cause: error }));
    };
    server.once("error", onError);
    server.listen({ host, port, exclusive: true, ipv6Only }, () => {
      server.removeListener("error", onError);
      resolve(true);
    });
  });
}

async function closeAll(servers: readonly Server[], upstream: Upstream): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections would hold close() open until they time out.
          server.closeAllConnections();
        }),
    ),
  );
  upstream.agent.destroy();
}
