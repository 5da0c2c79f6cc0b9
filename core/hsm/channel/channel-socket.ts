/**
 * What the channel needs of a WebSocket, so the same client runs over workerd's (worker-socket.ts: `fetch` with
 * `Upgrade: websocket`, then `accept()`) and over Node's in tests. Binary messages only; the connector's promise
 * settles once the socket is open, and the listener is set before any message can be missed.
 */
export interface SocketListener {
  message(data: Uint8Array): void;
  /** Once, however the socket ended (closed by either side, reset, errored); `reason` is for errors and logs. */
  closed(reason: string): void;
}

export interface ChannelSocket {
  /** Set once, right after the connector resolves. */
  listen(listener: SocketListener): void;
  send(message: Uint8Array<ArrayBuffer>): void;
  close(code: number, reason: string): void;
}

/** Opens a socket to the bridge's channel endpoint; aborting `signal` gives up on the attempt. */
export type ChannelConnector = (signal: AbortSignal) => Promise<ChannelSocket>;
