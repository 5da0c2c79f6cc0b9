/**
 * The channel's socket in workerd: a Worker opens an outbound WebSocket with `fetch` and `Upgrade: websocket` and
 * takes it from `response.webSocket` with `accept()` (Cloudflare: "WebSockets – Using the WebSockets API",
 * client side). `http(s)://` URLs, not `ws(s)://`, are what fetch takes; TLS and mTLS are the fetch's own.
 */
import { CHANNEL_PATH } from "./channel-protocol.ts";
import type { ChannelConnector, ChannelSocket, SocketListener } from "./channel-socket.ts";

export function workerConnector(baseUrl: string, doFetch: (request: Request) => Promise<Response> = (request) => fetch(request)): ChannelConnector {
  const url = `${baseUrl.replace(/\/+$/, "")}${CHANNEL_PATH}`;
  return async (signal) => {
    const response = await doFetch(new Request(url, { headers: { upgrade: "websocket" }, signal }));
    const webSocket = response.webSocket;
    if (response.status !== 101 || webSocket === null) {
      await response.body?.cancel();
      throw new Error(`the bridge refused the channel: HTTP ${response.status}`);
    }
    webSocket.accept();
    return adapt(webSocket);
  };
}

function adapt(webSocket: WebSocket): ChannelSocket {
  return {
    listen(listener: SocketListener) {
      let ended = false;
      const end = (reason: string) => {
        if (ended) return;
        ended = true;
        listener.closed(reason);
      };
      webSocket.addEventListener("message", (event) => {
        // A text message is no part of the protocol: handed on empty, it fails as malformed.
        listener.message(typeof event.data === "string" ? new Uint8Array(0) : new Uint8Array(event.data));
      });
      webSocket.addEventListener("close", (event) => end(`closed ${event.code} ${event.reason}`.trim()));
      webSocket.addEventListener("error", () => end("socket error"));
    },
    send: (message) => webSocket.send(message),
    close: (code, reason) => {
      try {
        webSocket.close(code, reason);
      } catch {
        // Already closed: nothing left to close.
      }
    },
  };
}
