/**
 * The server's half of the WebSocket opening handshake (RFC 6455 §4.2): the bridge's own, small enough to read
 * whole, so the bridge needs no WebSocket dependency. A request is accepted only as RFC 6455 §4.2.1 describes it —
 * GET over HTTP/1.1, `Upgrade: websocket`, `Connection: Upgrade`, a `Sec-WebSocket-Key` of 16 base64 bytes and
 * version 13 — and answered `101` with `Sec-WebSocket-Accept`; no extension or subprotocol is ever agreed, so
 * every frame is a plain RFC 6455 frame (websocket-frames.ts).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** RFC 6455 §1.3: the GUID appended to the client's key before hashing. */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const VERSION = "13";

export type UpgradeCheck =
  | { readonly ok: true; readonly accept: string }
  | { readonly ok: false; readonly status: number; readonly message: string; readonly headers?: Readonly<Record<string, string>> };

/** RFC 6455 §4.2.2 step 5.4: base64 of the SHA-1 of the key followed by the GUID. */
export function acceptKey(key: string): string {
  return createHash("sha1").update(`${key}${WEBSOCKET_GUID}`).digest("base64");
}

export function checkUpgrade(request: IncomingMessage): UpgradeCheck {
  const refuse = (message: string): UpgradeCheck => ({ ok: false, status: 400, message });
  if (request.method !== "GET" || request.httpVersionMajor !== 1 || request.httpVersionMinor < 1) {
    return refuse("a WebSocket upgrade is a GET over HTTP/1.1");
  }
  if (!tokens(request.headers.upgrade).includes("websocket")) return refuse("Upgrade: websocket expected");
  if (!tokens(request.headers.connection).includes("upgrade")) return refuse("Connection: Upgrade expected");
  const version = request.headers["sec-websocket-version"];
  if (version !== VERSION) {
    // §4.4: a version the server does not speak is answered 426 with the versions it does.
    return { ok: false, status: 426, message: "WebSocket version 13 expected", headers: { "sec-websocket-version": VERSION } };
  }
  const key = request.headers["sec-websocket-key"];
  if (typeof key !== "string" || !/^[A-Za-z0-9+/]{22}==$/.test(key.trim())) return refuse("Sec-WebSocket-Key: 16 bytes, base64");
  return { ok: true, accept: acceptKey(key.trim()) };
}

export function switchingProtocols(accept: string): string {
  return ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${accept}`, "", ""].join("\r\n");
}

/** A plain HTTP answer on the raw socket, for an upgrade that is refused before any WebSocket exists. */
export function refusal(status: number, message: string, headers: Readonly<Record<string, string>> = {}): string {
  const body = `${JSON.stringify({ error: { code: status === 404 ? "NotFound" : "BadParameter", message } })}`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: "Bad Request", 404: "Not Found", 426: "Upgrade Required", 503: "Service Unavailable" };

/** A comma-separated header's tokens, lower-cased (RFC 9110 §5.6.1; Upgrade and Connection are case-insensitive). */
function tokens(header: string | undefined): string[] {
  return (header ?? "").split(",").map((token) => token.trim().toLowerCase());
}
