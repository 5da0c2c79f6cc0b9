/**
 * The channel endpoint on the bridge's HTTP(S) server: an `upgrade` request for CHANNEL_PATH becomes a WebSocket
 * (websocket-handshake.ts) and a ChannelSession; any other upgrade is refused. TLS and mTLS are the server's, so
 * a caller without a client certificate never gets this far. Upgraded sockets leave the HTTP server's books, so
 * this keeps its own, for `drain` at stop.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { CHANNEL_PATH, MAX_BATCH_BYTES, MAX_HELLO_BYTES } from "../../../core/hsm/channel/channel-protocol.ts";
import type { Dispatcher } from "../dispatch.ts";
import type { ClientAuth } from "../http/authenticate.ts";
import { ChannelSession } from "./channel-session.ts";
import { WebSocketConnection } from "./websocket-connection.ts";
import { checkUpgrade, refusal, switchingProtocols } from "./websocket-handshake.ts";

/** Room for a whole batch, and for the largest single operation the config allows, with framing to spare. */
const FRAMING_ALLOWANCE = 64 * 1024;

export interface ChannelServerOptions {
  readonly clients: ReadonlyMap<string, ClientAuth>;
  readonly dispatcher: Dispatcher;
  readonly maxBodyBytes: number;
  readonly now: () => number;
}

export class ChannelServer {
  private readonly sessions = new Set<ChannelSession>();
  private stopping = false;

  constructor(private readonly options: ChannelServerOptions) {}

  /** The HTTP server's `upgrade` listener. */
  readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => undefined);
    const path = (request.url ?? "").split("?", 1)[0];
    if (path !== CHANNEL_PATH) return void socket.end(refusal(404, `no WebSocket endpoint ${path ?? ""}`));
    if (this.stopping) return void socket.end(refusal(503, "bridge is stopping"));
    const check = checkUpgrade(request);
    if (!check.ok) return void socket.end(refusal(check.status, check.message, check.headers));
    // Small frames both ways, answered at once: Nagle's delay would only add latency (RFC 896).
    if ("setNoDelay" in socket) (socket as Socket).setNoDelay(true);
    socket.write(switchingProtocols(check.accept));

    const { maxBodyBytes } = this.options;
    const ws = new WebSocketConnection(socket, { maxMessageBytes: MAX_HELLO_BYTES, role: "server" });
    const session = new ChannelSession(ws, {
      ...this.options,
      maxMessageBytes: Math.max(MAX_BATCH_BYTES, maxBodyBytes) + FRAMING_ALLOWANCE,
    });
    this.sessions.add(session);
    void session.closed.then(() => this.sessions.delete(session));
    ws.feed(head);
  };

  get open(): number {
    return this.sessions.size;
  }

  /** Refuses new channels and drains every open one (channel-session.ts); resolves once all are closed. */
  async drain(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.sessions].map((session) => session.drain()));
  }
}
