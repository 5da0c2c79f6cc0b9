import { Agent, request } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** One request as the fuzz generator made it: what a failure prints, so the request can be sent again by hand. */
export interface FuzzRequest {
  readonly method: string;
  /** `https://{host}:{port}` the connection goes to (the Host header may say otherwise). */
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** Why a request failed the run: the server answered too late, or closed the connection without an answer. */
export class FuzzTransportError extends Error {
  constructor(
    readonly kind: "hang" | "dropped",
    message: string,
    /** Sent on a kept-alive connection: a reset may be the server closing it idle as the request went out. */
    readonly reusedSocket = false,
  ) {
    super(message);
  }
}

/**
 * HTTPS with keep-alive and a bounded number of sockets, as a busy client runs it: the fuzz run reuses connections,
 * so a request that desynchronises one shows up as a dropped or misread answer on the next.
 */
export class FuzzClient {
  private readonly agent: Agent;

  constructor(
    private readonly ca: string,
    sockets: number,
    private readonly deadlineMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, ca });
  }

  /**
   * On a new connection of its own: to tell the keep-alive race (the server closes an idle connection just as the
   * client reuses it; Node's documentation says to retry such a request) from a request that breaks its connection.
   */
  sendFresh(r: FuzzRequest): Promise<FuzzAnswer> {
    return this.send(r, false);
  }

  send(r: FuzzRequest, reuse = true): Promise<FuzzAnswer> {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
    return new Promise((resolve, reject) => {
      const outgoing = request(`${r.origin}${nodeSafePath(r.path)}`, { method: r.method, headers, servername: "localhost", ...(reuse ? { agent: this.agent } : { agent: false, ca: this.ca }) }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (e) => reject(new FuzzTransportError("dropped", `response aborted: ${e.message}`)));
        response.on("end", () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), text: decoded(Buffer.concat(chunks), response.headers["content-encoding"]) });
        });
      });
      const timer = setTimeout(() => {
        outgoing.destroy();
        reject(new FuzzTransportError("hang", `no complete answer within ${this.deadlineMs} ms`));
      }, this.deadlineMs);
      outgoing.on("error", (e) => {
        clearTimeout(timer);
        reject(new FuzzTransportError("dropped", `connection failed: ${e.message}`, outgoing.reusedSocket));
      });
      outgoing.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The body as text, undoing the content coding the fuzz run's `accept-encoding` may have asked for (RFC 9110 §8.4). */
function decoded(body: Buffer, coding: string | undefined): string {
  if (body.length === 0) return "";
  try {
    if (coding === "gzip") return gunzipSync(body).toString("utf8");
    if (coding === "br") return brotliDecompressSync(body).toString("utf8");
    if (coding === "deflate") return inflateSync(body).toString("utf8");
  } catch {
    return `(a body that does not decode as ${coding})`;
  }
  return body.toString("utf8");
}

/**
 * Node's client refuses a request target with a space, a control character or a character above U+00FF (it would not
 * be HTTP); those are percent-encoded as UTF-8, as any HTTP client would send them. Everything else goes as written.
 */
function nodeSafePath(path: string): string {
  return [...path].map((ch) => (/[^\u0021-\u00ff]/.test(ch) ? encodeURIComponent(ch) : ch)).join("");
}
