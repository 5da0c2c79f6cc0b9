/**
 * The channel's socket in Node, for the bridge's tests and measure.ts (the vault's is workerd's, core/hsm/channel/
 * worker-socket.ts): an HTTP/1.1 upgrade (RFC 6455 §4.1) with `node:http`, then this folder's frame code in the
 * client role (masked frames out, unmasked in). Plain http only, like measure.ts's loopback bridge. `opened` lists
 * every socket made, so tests can cut one mid-batch.
 */
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { Socket } from "node:net";
import { CHANNEL_PATH } from "../../../core/hsm/channel/channel-protocol.ts";
import type { ChannelConnector, ChannelSocket } from "../../../core/hsm/channel/channel-socket.ts";
import { WebSocketConnection } from "./websocket-connection.ts";
import { acceptKey } from "./websocket-handshake.ts";

export interface NodeSocketHandle {
  readonly socket: Socket;
  readonly channel: ChannelSocket;
}

export function nodeConnector(baseUrl: string, opened: NodeSocketHandle[] = []): ChannelConnector {
  const url = new URL(CHANNEL_PATH, baseUrl);
  return (signal) =>
    new Promise<ChannelSocket>((resolve, reject) => {
      const key = randomBytes(16).toString("base64");
      const request = httpRequest(url, {
        signal,
        headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": key },
      });
      request.on("error", reject);
      request.on("response", (response) => {
        response.resume();
        reject(new Error(`the bridge refused the channel: HTTP ${response.statusCode ?? "?"}`));
      });
      request.on("upgrade", (response, socket: Socket, head: Buffer) => {
        if (response.headers["sec-websocket-accept"] !== acceptKey(key)) {
          socket.destroy();
          return reject(new Error("wrong Sec-WebSocket-Accept"));
        }
        socket.setNoDelay(true);
        const ws = new WebSocketConnection(socket, { maxMessageBytes: 16 * 1024 * 1024, role: "client" });
        const channel: ChannelSocket = {
          listen: (listener) => {
            ws.listen({ message: (data) => listener.message(data), closed: (code, reason) => listener.closed(`closed ${code} ${reason}`.trim()) });
            ws.feed(head);
          },
          send: (message) => ws.send(message),
          close: (code, reason) => ws.close(code, reason),
        };
        opened.push({ socket, channel });
        resolve(channel);
      });
      request.end();
    });
}
