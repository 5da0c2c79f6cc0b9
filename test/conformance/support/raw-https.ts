import { connect as connectTcp } from "node:net";
import { connect, type TLSSocket } from "node:tls";

export interface RawResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export interface RawTarget {
  readonly host: string;
  readonly port: number;
  readonly ca: string;
  /** Bind the client end here, e.g. a non-loopback address of this machine. */
  readonly localAddress?: string;
}

const TIMEOUT_MS = 15_000;

/**
 * An HTTP/1.1 connection over TLS that sends exactly the bytes a test writes, for what no HTTP client will send
 * (unknown methods, a Host with `@`, a GET with a chunked body) and to see whether the answers that follow on the
 * same connection still line up.
 */
export class RawHttpsConnection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  static open(target: RawTarget): Promise<RawHttpsConnection> {
    return new Promise((resolve, reject) => {
      // TCP first, so the client end can be bound to `localAddress` (tls.connect's options do not take it).
      const tcp = connectTcp({ host: target.host, port: target.port, ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }) });
      tcp.once("error", reject);
      const socket = connect({ socket: tcp, ca: target.ca, servername: "localhost" });
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error("timed out")));
      socket.once("secureConnect", () => resolve(new RawHttpsConnection(socket)));
      socket.once("error", reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The next complete response; rejects if the server closes the connection before one arrives. */
  async next(): Promise<RawResponse> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const parsed = parseResponse(this.buffer, this.ended);
      if (parsed !== undefined) {
        this.buffer = this.buffer.subarray(parsed.length);
        return parsed.response;
      }
      if (this.ended) throw new Error(`connection closed before a complete response (had: ${JSON.stringify(this.buffer.toString("latin1").slice(0, 200))})`);
      if (Date.now() > deadline) throw new Error("no complete response in time");
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }

  /** Whether the server has closed its end (after a `Connection: close` answer). */
  async closedByServer(): Promise<boolean> {
    const deadline = Date.now() + 5_000;
    while (!this.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One request on its own connection. */
export async function rawExchange(target: RawTarget, text: string): Promise<RawResponse> {
  const connection = await RawHttpsConnection.open(target);
  try {
    connection.send(text);
    return await connection.next();
  } finally {
    connection.close();
  }
}

function parseResponse(buffer: Buffer, ended: boolean): { response: RawResponse; length: number } | undefined {
  const headEnd = buffer.indexOf("\r\n\r\n");
  if (headEnd === -1) return undefined;
  const [statusLine = "", ...lines] = buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name) ?? ""}, ${value}` : value);
  }
  const bodyStart = headEnd + 4;
  const framed = frameBody(buffer, bodyStart, headers, ended);
  if (framed === undefined) return undefined;
  return { response: { status, headers, body: framed.body.toString("utf8") }, length: framed.end };
}

/** RFC 9112 §6.3: chunked, else Content-Length, else to the end of the connection. */
function frameBody(buffer: Buffer, start: number, headers: ReadonlyMap<string, string>, ended: boolean): { body: Buffer; end: number } | undefined {
  if (headers.get("transfer-encoding")?.toLowerCase() === "chunked") {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf("\r\n", at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buffer.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) return buffer.length >= lineEnd + 4 ? { body: Buffer.concat(parts), end: lineEnd + 4 } : undefined;
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = headers.get("content-length");
  if (length !== undefined) {
    const end = start + Number(length);
    return buffer.length >= end ? { body: buffer.subarray(start, end), end } : undefined;
  }
  return ended ? { body: buffer.subarray(start), end: buffer.length } : undefined;
}
